using System.Diagnostics;
using System.Text.Json;
using Engram.Cli.Output;

namespace Engram.Cli.Locomo;

/// <summary>
/// Runs the LoCoMo retrieval protocol of benchmarks.md §1 for one mode on a memory that holds nothing of these
/// conversations yet: ingest every turn, search each question of categories 1–4 that has evidence within its
/// conversation's scope (<c>top_k</c> results, threshold 0), map hits to <c>dia_id</c>s and score them.
/// </summary>
/// <param name="memory">The memory to use (a fresh store).</param>
internal sealed class LocomoEvaluator(IMemory memory)
{
    /// <summary>The number of top results whose text is counted as the model's context.</summary>
    public const int ContextResults = 10;

    /// <summary>Runs the evaluation.</summary>
    /// <param name="samples">The conversations.</param>
    /// <param name="mode">The ingestion mode.</param>
    /// <param name="corrections">Label corrections for the audited figures, or <see langword="null"/>.</param>
    /// <param name="topK">The number of results per search.</param>
    /// <param name="progress">Receives one step per turn and per question.</param>
    /// <param name="dump">Receives one JSON line per question (see <see cref="QuestionDump"/>), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">A token to cancel the run.</param>
    /// <returns>The report.</returns>
    public async Task<LocomoModeReport> RunAsync(
        IReadOnlyList<LocomoSample> samples,
        LocomoMode mode,
        LocomoCorrections? corrections,
        int topK,
        IStageProgress progress,
        TextWriter? dump,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(progress);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(topK);

        var ingest = await new LocomoIngestor(memory).IngestAsync(samples, mode, progress, null, cancellationToken);

        var questions = new List<(LocomoSample Sample, LocomoQuestion Question, IReadOnlyList<string> Original, CorrectedEvidence? Corrected)>();
        foreach (var sample in samples)
        {
            foreach (var question in sample.Questions)
            {
                if (!RecallMetrics.Categories.Contains(question.Category) || string.IsNullOrWhiteSpace(question.Question))
                {
                    continue;
                }

                var original = DialogIds.ParseEvidence(question.Evidence);
                var corrected = corrections?.Apply(sample.SampleId, question);
                if (original.Count > 0 || corrected?.Evidence.Count > 0)
                {
                    questions.Add((sample, question, original, corrected));
                }
            }
        }

        progress.Start($"{LocomoModeNames.ToName(mode)}: search", questions.Count);
        var latencies = new List<double>(questions.Count);
        var contextTokens = new List<double>(questions.Count);
        var outcomes = new List<QuestionOutcome>();
        var audited = new List<QuestionOutcome>();
        foreach (var (sample, question, original, corrected) in questions)
        {
            var request = new SearchMemoriesRequest
            {
                Query = question.Question,
                Scope = MemoryScope.ForUser(sample.SampleId),
                TopK = topK,
                Threshold = 0,
            };
            var started = Stopwatch.GetTimestamp();
            var result = await memory.SearchAsync(request, cancellationToken);
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);

            var retrieved = LocomoTurns.RetrievedDialogIds(result.Results);
            contextTokens.Add(TokenEstimator.Estimate(result.Results.Take(ContextResults).Select(h => h.Item.Memory)));
            if (original.Count > 0)
            {
                outcomes.Add(new QuestionOutcome(question.Category, original, retrieved));
            }

            if (corrected is { Evidence.Count: > 0 })
            {
                audited.Add(new QuestionOutcome(question.Category, corrected.Evidence, retrieved));
            }

            if (dump is not null)
            {
                var line = new QuestionDump(
                    LocomoModeNames.ToName(mode), sample.SampleId, question.Category, question.Question, original, corrected?.Evidence, retrieved,
                    original.Count == 0 ? null : RecallMetrics.RecallAt(original, retrieved, 10));
                await dump.WriteLineAsync(JsonSerializer.Serialize(line, DumpJson));
            }

            progress.Advance();
        }

        return new LocomoModeReport(
            Mode: mode,
            Original: RecallMetrics.Summarize(outcomes),
            Audited: corrections is null ? null : RecallMetrics.Summarize(audited),
            Corrections: corrections is null ? null : CountCorrections(questions.Select(q => q.Corrected)),
            Ingest: ingest,
            SearchP50Milliseconds: LatencyStats.Percentile(latencies, 50),
            SearchP95Milliseconds: LatencyStats.Percentile(latencies, 95),
            ContextTokensTop10: contextTokens.Count == 0 ? 0 : contextTokens.Average(),
            FullTokens: samples.Count == 0 ? 0 : samples.Average(s => (double)TokenEstimator.Estimate(LocomoTurns.FullText(s))));
    }

    private static readonly JsonSerializerOptions DumpJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // a local analysis file, never HTML
    };

    private static CorrectionCounts CountCorrections(IEnumerable<CorrectedEvidence?> corrected)
    {
        var list = corrected.Where(c => c is not null).Select(c => c!.Kind).ToList();
        return new CorrectionCounts(
            list.Count(k => k == CorrectionKind.Evidence),
            list.Count(k => k == CorrectionKind.AnswerOnly),
            list.Count(k => k == CorrectionKind.Unmatched));
    }
}

/// <summary>One question's outcome, written by <c>engram eval locomo --dump</c> as a JSON line (snake_case keys).</summary>
/// <param name="Mode">raw or extracted.</param>
/// <param name="Sample">The conversation's sample_id.</param>
/// <param name="Category">The LoCoMo category (1 multi-hop, 2 temporal, 3 open-domain, 4 single-hop).</param>
/// <param name="Question">The question.</param>
/// <param name="Evidence">The published evidence dia_ids (normalised).</param>
/// <param name="AuditedEvidence">The corrected evidence, when corrections were given and change it.</param>
/// <param name="Retrieved">The retrieved dia_ids in rank order, without duplicates.</param>
/// <param name="RecallAt10">Recall@10 on the published evidence, or <see langword="null"/> when it has none.</param>
internal sealed record QuestionDump(
    string Mode, string Sample, int Category, string Question, IReadOnlyList<string> Evidence, IReadOnlyList<string>? AuditedEvidence,
    IReadOnlyList<string> Retrieved, [property: System.Text.Json.Serialization.JsonPropertyName("recall_at_10")] double? RecallAt10);

/// <summary>The results of one LoCoMo mode.</summary>
/// <param name="Mode">The mode.</param>
/// <param name="Original">Recall on the published labels.</param>
/// <param name="Audited">Recall with the corrections applied, when corrections were given.</param>
/// <param name="Corrections">How the corrections affected the evaluated questions, when given.</param>
/// <param name="Ingest">The ingestion figures.</param>
/// <param name="SearchP50Milliseconds">The median search latency.</param>
/// <param name="SearchP95Milliseconds">The 95th-percentile search latency.</param>
/// <param name="ContextTokensTop10">The mean estimated tokens of the top-10 results' text per question.</param>
/// <param name="FullTokens">The mean estimated tokens of a whole conversation.</param>
internal sealed record LocomoModeReport(
    LocomoMode Mode,
    RecallSummary Original,
    RecallSummary? Audited,
    CorrectionCounts? Corrections,
    LocomoIngestSummary Ingest,
    double SearchP50Milliseconds,
    double SearchP95Milliseconds,
    double ContextTokensTop10,
    double FullTokens)
{
    /// <summary>Gets what the embedding cache did during this mode, when one was used.</summary>
    public Hosting.EmbeddingCacheStatistics? EmbeddingCache { get; init; }
}

/// <summary>How corrections affected the evaluated questions (categories 1–4).</summary>
/// <param name="Evidence">Questions whose evidence was replaced.</param>
/// <param name="AnswerOnly">Questions with an answer-only correction (no effect on recall).</param>
/// <param name="Unmatched">Corrections whose question text differs from the dataset (ignored).</param>
internal sealed record CorrectionCounts(int Evidence, int AnswerOnly, int Unmatched);
