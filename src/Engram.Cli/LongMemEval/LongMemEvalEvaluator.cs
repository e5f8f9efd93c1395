using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Engram.Cli.Hosting;
using Engram.Cli.Locomo;
using Engram.Cli.Output;

namespace Engram.Cli.LongMemEval;

/// <summary>
/// Runs the LongMemEval retrieval protocol of benchmarks.md §2 on a memory that holds none of these questions yet:
/// ingest every haystack (one scope per question, one add per session, one memory per turn), then search each question
/// in its scope (<c>top_k</c> 50, threshold 0, the question date as reference date), map hits to (session, turn) and score
/// them; abstention questions are searched but not scored.
/// </summary>
/// <param name="memory">The memory to use (a fresh store).</param>
internal sealed class LongMemEvalEvaluator(IMemory memory)
{
    /// <summary>The number of results per search.</summary>
    public const int TopK = 50;

    /// <summary>The characters of a hit's text written to the dump.</summary>
    public const int DumpTextCodePoints = 160;

    /// <summary>Runs the evaluation.</summary>
    /// <param name="questions">The questions, each with its haystack.</param>
    /// <param name="progress">Receives one step per turn ingested and per question searched.</param>
    /// <param name="dump">Receives one JSON line per question (see <see cref="LongMemEvalQuestionDump"/>), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">A token to cancel the run.</param>
    /// <returns>The report.</returns>
    /// <exception cref="InvalidOperationException">The engine did not store exactly one memory with the expected text per turn.</exception>
    public async Task<LongMemEvalReport> RunAsync(
        IReadOnlyList<LongMemEvalQuestion> questions, IStageProgress progress, TextWriter? dump, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(questions);
        ArgumentNullException.ThrowIfNull(progress);

        var (turnOf, ingest) = await IngestAsync(questions, progress, cancellationToken);

        progress.Start("longmemeval: search", questions.Count);
        var latencies = new List<double>(questions.Count);
        var scored = new List<(string Type, IReadOnlyDictionary<int, QuestionScores> Scores)>();
        foreach (var question in questions)
        {
            var request = new SearchMemoriesRequest
            {
                Query = question.Question,
                Scope = MemoryScope.ForUser(question.QuestionId),
                TopK = TopK,
                Threshold = 0,
                ReferenceDate = question.QuestionDate,
            };
            var started = Stopwatch.GetTimestamp();
            var result = await memory.SearchAsync(request, cancellationToken);
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);

            var hits = result.Results.Select(h => turnOf.TryGetValue(h.Item.Id, out var turn)
                    ? turn
                    : throw new InvalidOperationException($"Search returned memory '{h.Item.Id}', which no ingested turn produced."))
                .ToList();
            var answerTurns = AnswerTurns(question);
            var scores = LongMemEvalMetrics.StandardKs.ToDictionary(
                k => k, k => LongMemEvalMetrics.Score(question.AnswerSessionIds, answerTurns, hits, k));
            if (!question.IsAbstention)
            {
                scored.Add((question.QuestionType, scores));
            }

            if (dump is not null)
            {
                await dump.WriteLineAsync(JsonSerializer.Serialize(
                    LongMemEvalQuestionDump.Create(question, answerTurns, hits, result.Results, scores),
                    LongMemEvalDumpJson.Relaxed.LongMemEvalQuestionDump));
            }

            progress.Advance();
        }

        var ks = LongMemEvalMetrics.StandardKs;
        return new LongMemEvalReport(
            Questions: questions.Count,
            Abstention: questions.Count(q => q.IsAbstention),
            Overall: LongMemEvalMetrics.Summarize(scored.Select(s => s.Scores).ToList(), ks),
            ByType: scored.GroupBy(s => s.Type, StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => LongMemEvalMetrics.Summarize(g.Select(s => s.Scores).ToList(), ks), StringComparer.Ordinal),
            Ingest: ingest,
            SearchP50Milliseconds: LatencyStats.Percentile(latencies, 50),
            SearchP95Milliseconds: LatencyStats.Percentile(latencies, 95));
    }

    /// <summary>The turns of a question's haystack labelled <c>has_answer</c>, distinct, in haystack order.</summary>
    /// <param name="question">The question.</param>
    /// <returns>The turns.</returns>
    public static IReadOnlyList<TurnRef> AnswerTurns(LongMemEvalQuestion question)
    {
        ArgumentNullException.ThrowIfNull(question);
        return question.Sessions
            .SelectMany(s => s.Turns.Select((t, i) => (Turn: t, Ref: new TurnRef(s.Id, i))))
            .Where(t => t.Turn.HasAnswer)
            .Select(t => t.Ref)
            .Distinct()
            .ToList();
    }

    private async Task<(Dictionary<string, TurnRef> TurnOf, LongMemEvalIngestSummary Summary)> IngestAsync(
        IReadOnlyList<LongMemEvalQuestion> questions, IStageProgress progress, CancellationToken cancellationToken)
    {
        progress.Start("longmemeval: ingest", questions.Sum(q => q.TurnCount));
        var turnOf = new Dictionary<string, TurnRef>(StringComparer.Ordinal);
        var sessions = 0;
        var turns = 0;
        var elapsed = TimeSpan.Zero;
        foreach (var question in questions)
        {
            foreach (var session in question.Sessions)
            {
                if (session.Turns.Count == 0)
                {
                    continue;
                }

                var request = LongMemEvalTurns.ToAddRequest(question, session);
                var started = Stopwatch.GetTimestamp();
                var result = await memory.AddAsync(request, cancellationToken);
                elapsed += Stopwatch.GetElapsedTime(started);

                // infer=false keeps each message as one memory, in message order: the i-th ADD is turn i.
                var added = result.Results.Where(e => e.Event == MemoryEventType.Add).ToList();
                if (added.Count != session.Turns.Count)
                {
                    throw new InvalidOperationException(
                        $"Session '{session.Id}' of question '{question.QuestionId}' has {session.Turns.Count} turns but the engine stored {added.Count} memories.");
                }

                for (var i = 0; i < added.Count; i++)
                {
                    if (!string.Equals(added[i].Memory, request.Messages[i].Content, StringComparison.Ordinal))
                    {
                        throw new InvalidOperationException(
                            $"Turn {i} of session '{session.Id}' (question '{question.QuestionId}') was not stored verbatim.");
                    }

                    turnOf.Add(added[i].Id, new TurnRef(session.Id, i));
                }

                sessions++;
                turns += session.Turns.Count;
                progress.Advance(session.Turns.Count);
            }
        }

        return (turnOf, new LongMemEvalIngestSummary(questions.Count, sessions, turns, turnOf.Count, elapsed.TotalMilliseconds));
    }
}

/// <summary>The results of a LongMemEval run.</summary>
/// <param name="Questions">The questions run (ingested and searched).</param>
/// <param name="Abstention">The abstention questions among them (not scored).</param>
/// <param name="Overall">The metrics over every scored question.</param>
/// <param name="ByType">The metrics per question type.</param>
/// <param name="Ingest">The ingestion figures.</param>
/// <param name="SearchP50Milliseconds">The median search latency.</param>
/// <param name="SearchP95Milliseconds">The 95th-percentile search latency.</param>
internal sealed record LongMemEvalReport(
    int Questions,
    int Abstention,
    ScoreSummary Overall,
    IReadOnlyDictionary<string, ScoreSummary> ByType,
    LongMemEvalIngestSummary Ingest,
    double SearchP50Milliseconds,
    double SearchP95Milliseconds)
{
    /// <summary>Gets the embedder's identity (provider, endpoint, model, dimensions), when known.</summary>
    public string? Embedder { get; init; }

    /// <summary>Gets what the embedding cache did, when one was used.</summary>
    public EmbeddingCacheStatistics? EmbeddingCache { get; init; }
}

/// <summary>The outcome of a LongMemEval ingestion.</summary>
/// <param name="Questions">The haystacks ingested (one scope each).</param>
/// <param name="Sessions">The sessions ingested (one add each; a session listed twice counts twice).</param>
/// <param name="Turns">The turns ingested.</param>
/// <param name="Memories">The memories created.</param>
/// <param name="AddMilliseconds">The total time spent in add calls.</param>
internal sealed record LongMemEvalIngestSummary(int Questions, int Sessions, int Turns, int Memories, double AddMilliseconds)
{
    /// <summary>Gets the mean add time per turn in milliseconds.</summary>
    public double MillisecondsPerTurn => Turns == 0 ? 0 : AddMilliseconds / Turns;
}

/// <summary>One question's outcome, written by <c>engram eval longmemeval --dump</c> as a JSON line (snake_case keys).</summary>
/// <param name="QuestionId">The question id.</param>
/// <param name="QuestionType">The question type.</param>
/// <param name="Question">The question.</param>
/// <param name="Abstention">Whether the question is an abstention question (not scored).</param>
/// <param name="AnswerSessions">The answer session ids.</param>
/// <param name="AnswerSessionRanks">The 1-based rank of each answer session in the session ranking, or <see langword="null"/> when not retrieved.</param>
/// <param name="AnswerTurns">The <c>has_answer</c> turns.</param>
/// <param name="AnswerTurnRanks">The 1-based rank of each answer turn among the hits (first occurrence), or <see langword="null"/> when not retrieved.</param>
/// <param name="SessionRanking">The session ids in rank order.</param>
/// <param name="TurnRecallAt10">Turn recall@10, when the question has answer turns.</param>
/// <param name="RecallAnyAt5">recall_any@5.</param>
/// <param name="Hits">The hits, best first.</param>
internal sealed record LongMemEvalQuestionDump(
    string QuestionId,
    string QuestionType,
    string Question,
    bool Abstention,
    IReadOnlyList<string> AnswerSessions,
    IReadOnlyList<int?> AnswerSessionRanks,
    IReadOnlyList<DumpTurn> AnswerTurns,
    IReadOnlyList<int?> AnswerTurnRanks,
    IReadOnlyList<string> SessionRanking,
    [property: JsonPropertyName("turn_recall_at_10")] double? TurnRecallAt10,
    [property: JsonPropertyName("recall_any_at_5")] double RecallAnyAt5,
    IReadOnlyList<DumpHit> Hits)
{
    /// <summary>Builds the dump of one question.</summary>
    /// <param name="question">The question.</param>
    /// <param name="answerTurns">Its answer turns.</param>
    /// <param name="turns">The turns of the hits, best first.</param>
    /// <param name="hits">The hits, best first.</param>
    /// <param name="scores">Its metrics per cut-off.</param>
    /// <returns>The dump line.</returns>
    public static LongMemEvalQuestionDump Create(
        LongMemEvalQuestion question,
        IReadOnlyList<TurnRef> answerTurns,
        IReadOnlyList<TurnRef> turns,
        IReadOnlyList<MemorySearchHit> hits,
        IReadOnlyDictionary<int, QuestionScores> scores)
    {
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(answerTurns);
        ArgumentNullException.ThrowIfNull(turns);
        ArgumentNullException.ThrowIfNull(hits);
        ArgumentNullException.ThrowIfNull(scores);
        var ranking = LongMemEvalMetrics.SessionRanking(turns);
        var answers = answerTurns.ToHashSet();
        int? RankOf<T>(IReadOnlyList<T> list, T item)
        {
            for (var i = 0; i < list.Count; i++)
            {
                if (EqualityComparer<T>.Default.Equals(list[i], item))
                {
                    return i + 1;
                }
            }

            return null;
        }

        return new LongMemEvalQuestionDump(
            question.QuestionId,
            question.QuestionType,
            question.Question,
            question.IsAbstention,
            question.AnswerSessionIds,
            question.AnswerSessionIds.Select(s => RankOf(ranking, s)).ToList(),
            answerTurns.Select(t => new DumpTurn(t.SessionId, t.Turn)).ToList(),
            answerTurns.Select(t => RankOf(turns, t)).ToList(),
            ranking,
            scores[10].TurnRecall,
            scores[5].RecallAny,
            turns.Select((t, i) => new DumpHit(
                i + 1, t.SessionId, t.Turn, answers.Contains(t), Math.Round(hits[i].Score, 6),
                LongMemEvalTurns.Truncate(hits[i].Item.Memory, LongMemEvalEvaluator.DumpTextCodePoints))).ToList());
    }
}

/// <summary>A turn in a dump line.</summary>
/// <param name="Session">The session id.</param>
/// <param name="Turn">The 0-based turn index within the session.</param>
internal sealed record DumpTurn(string Session, int Turn);

/// <summary>A hit in a dump line.</summary>
/// <param name="Rank">The 1-based rank.</param>
/// <param name="Session">The session id.</param>
/// <param name="Turn">The 0-based turn index within the session.</param>
/// <param name="HasAnswer">Whether the turn is labelled <c>has_answer</c>.</param>
/// <param name="Score">The fused score.</param>
/// <param name="Text">The start of the memory text.</param>
internal sealed record DumpHit(int Rank, string Session, int Turn, bool HasAnswer, double Score, string Text);

/// <summary>The dump's JSON contract: snake_case keys.</summary>
[JsonSerializable(typeof(LongMemEvalQuestionDump))]
internal sealed partial class LongMemEvalDumpJson : JsonSerializerContext
{
    /// <summary>Gets the context used for dumps: snake_case keys, non-ASCII text unescaped (a local analysis file, never HTML).</summary>
    public static LongMemEvalDumpJson Relaxed { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
