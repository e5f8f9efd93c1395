using System.Text.Json.Serialization;
using Engram.Cli.Hosting;
using Engram.Cli.Output;

namespace Engram.Cli.LongMemEval;

/// <summary>
/// <c>eval longmemeval --output json</c>: metrics as fractions in [0, 1] keyed by metric then cut-off, overall and per
/// question type; session metrics over the scored (non-abstention) questions, <c>turn_recall</c> over those of them
/// with <c>has_answer</c> turns (<c>turn_questions</c>).
/// </summary>
internal sealed record LongMemEvalReportDto
{
    public string Benchmark { get; init; } = "longmemeval";

    public required int Questions { get; init; }

    public required int Abstention { get; init; }

    public required LongMemEvalScoresDto Overall { get; init; }

    public required IReadOnlyDictionary<string, LongMemEvalScoresDto> ByType { get; init; }

    public required int Sessions { get; init; }

    public required int Turns { get; init; }

    public required int Memories { get; init; }

    public required double IngestMsPerTurn { get; init; }

    public required SearchLatencyDto SearchMs { get; init; }

    public string? Embedder { get; init; }

    public EmbeddingCacheDto? EmbeddingCache { get; init; }

    public static LongMemEvalReportDto From(LongMemEvalReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new LongMemEvalReportDto
        {
            Questions = report.Questions,
            Abstention = report.Abstention,
            Overall = LongMemEvalScoresDto.From(report.Overall),
            ByType = report.ByType.ToDictionary(p => p.Key, p => LongMemEvalScoresDto.From(p.Value), StringComparer.Ordinal),
            Sessions = report.Ingest.Sessions,
            Turns = report.Ingest.Turns,
            Memories = report.Ingest.Memories,
            IngestMsPerTurn = Math.Round(report.Ingest.MillisecondsPerTurn, 3),
            SearchMs = new SearchLatencyDto(Math.Round(report.SearchP50Milliseconds, 3), Math.Round(report.SearchP95Milliseconds, 3)),
            Embedder = report.Embedder,
            EmbeddingCache = EmbeddingCacheDto.From(report.EmbeddingCache),
        };
    }
}

/// <summary>The metrics of a set of questions.</summary>
internal sealed record LongMemEvalScoresDto(
    int Questions,
    int TurnQuestions,
    KTableDto RecallAny,
    KTableDto RecallAll,
    KTableDto RecallFrac,
    KTableDto Ndcg,
    KTableDto TurnRecall)
{
    public static LongMemEvalScoresDto From(ScoreSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        return new LongMemEvalScoresDto(
            summary.Questions,
            summary.TurnQuestions,
            KTableDto.From(summary.RecallAny),
            KTableDto.From(summary.RecallAll),
            KTableDto.From(summary.RecallFraction),
            KTableDto.From(summary.Ndcg),
            KTableDto.From(summary.TurnRecall));
    }
}

/// <summary>A value per cut-off k (rounded to 4 decimals); always present, null where no question counts.</summary>
internal sealed record KTableDto(
    [property: JsonPropertyName("5"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? At5,
    [property: JsonPropertyName("10"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? At10,
    [property: JsonPropertyName("25"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? At25,
    [property: JsonPropertyName("50"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? At50)
{
    public static KTableDto From(IReadOnlyDictionary<int, double?> byK)
    {
        ArgumentNullException.ThrowIfNull(byK);
        double? At(int k) => byK.TryGetValue(k, out var value) && value is { } v ? Math.Round(v, 4) : null;
        return new KTableDto(At(5), At(10), At(25), At(50));
    }
}

/// <summary>What the embedding cache did (<c>--embedding-cache</c>); when present, ingest and search timings include cache look-ups instead of embedding.</summary>
internal sealed record EmbeddingCacheDto(string Path, long Hits, long Misses, long GeneratorCalls)
{
    public static EmbeddingCacheDto? From(EmbeddingCacheStatistics? statistics) =>
        statistics is null ? null : new(statistics.Path, statistics.Hits, statistics.Misses, statistics.GeneratorCalls);
}
