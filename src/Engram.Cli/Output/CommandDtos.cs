using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;
using Engram.Cli.Locomo;
using Engram.Cli.LongMemEval;

namespace Engram.Cli.Output;

/// <summary>The output of <c>add</c>: Mem0's <c>{"results": [{"id","memory","event"}]}</c>.</summary>
internal sealed record AddResultDto(IReadOnlyList<MemoryEventDto> Results);

/// <summary>One memory event (<c>event</c> is Mem0's upper-case name: ADD, UPDATE, DELETE, SUPERSEDE, NONE).</summary>
internal sealed record MemoryEventDto
{
    public required string Id { get; init; }

    public required string Memory { get; init; }

    public required string Event { get; init; }

    public string? PreviousMemory { get; init; }

    public string? ActorId { get; init; }

    public string? Role { get; init; }

    public static MemoryEventDto From(MemoryEvent e) => new()
    {
        Id = e.Id,
        Memory = e.Memory,
        Event = MemoryEventTypeNames.ToName(e.Event),
        PreviousMemory = e.PreviousMemory,
        ActorId = e.ActorId,
        Role = e.Role,
    };
}

/// <summary>The output of <c>search</c>.</summary>
internal sealed record SearchResultDto(IReadOnlyList<SearchHitDto> Results, IReadOnlyList<ExcludedCandidateDto>? Excluded);

/// <summary>One search hit: the memory's keys plus <c>score</c> and, with <c>--explain</c>, <c>explanation</c>.</summary>
internal sealed record SearchHitDto : MemoryDto
{
    [SetsRequiredMembers]
    private SearchHitDto(MemoryDto memory)
        : base(memory)
    {
    }

    public required double Score { get; init; }

    public ExplanationDto? Explanation { get; init; }

    public static SearchHitDto From(MemorySearchHit hit) => new(MemoryDto.From(hit.Item))
    {
        Score = hit.Score,
        Explanation = hit.Explanation is { } e
            ? new ExplanationDto(
                e.Fusion,
                e.RawScore,
                e.Threshold,
                e.Signals.Select(s => new SignalDto(s.Name, s.RawValue, s.Value, s.Weight, s.Contribution, s.Rank)).ToList(),
                e.SourceMessageIds)
            : null,
    };
}

/// <summary>Why a hit scored what it did.</summary>
internal sealed record ExplanationDto(string Fusion, double RawScore, double Threshold, IReadOnlyList<SignalDto> Signals, IReadOnlyList<string> SourceMessageIds);

/// <summary>One signal's share of a fused score.</summary>
internal sealed record SignalDto(string Name, double RawValue, double Value, double Weight, double Contribution, int? Rank);

/// <summary>A candidate a search dropped, and why.</summary>
internal sealed record ExcludedCandidateDto(string MemoryId, string Reason, double? Score);

/// <summary>The output of <c>list</c>.</summary>
internal sealed record ListResultDto(IReadOnlyList<MemoryDto> Results, long TotalCount, int Page, int PageSize, bool HasMore);

/// <summary>One history row.</summary>
internal sealed record HistoryEntryDto
{
    public required string Id { get; init; }

    public required string MemoryId { get; init; }

    public required string Event { get; init; }

    public string? OldMemory { get; init; }

    public string? NewMemory { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public bool IsDeleted { get; init; }

    public string? ActorId { get; init; }

    public string? Role { get; init; }

    public string? RelatedMemoryId { get; init; }

    public static HistoryEntryDto From(MemoryHistoryEntry e) => new()
    {
        Id = e.Id,
        MemoryId = e.MemoryId,
        Event = MemoryEventTypeNames.ToName(e.Event),
        OldMemory = e.OldMemory,
        NewMemory = e.NewMemory,
        CreatedAt = e.CreatedAt,
        IsDeleted = e.IsDeleted,
        ActorId = e.ActorId,
        Role = e.Role,
        RelatedMemoryId = e.RelatedMemoryId,
    };
}

/// <summary>The output of <c>delete</c> (Mem0's <c>{"message": …}</c>) with the id or the number deleted.</summary>
internal sealed record DeleteResultDto(string Message, string? Id, int? Deleted);

/// <summary>One line of <c>import --output json</c>, printed after the add returned: the turn and its memory ids.</summary>
internal sealed record ImportAcknowledgementDto(string SampleId, string DiaId, IReadOnlyList<string> Ids);

/// <summary>The last line of <c>import --output json</c>.</summary>
internal sealed record ImportSummaryDto(string Mode, int Samples, int Turns, int Memories, double IngestMsPerTurn);

/// <summary>
/// <c>reindex --output json</c>: <c>{"reembedded","skipped","elapsed_ms","previous_embedder":{"id","dimensions"}|null,
/// "embedder":{"id","dimensions"},"no_op"}</c>; <c>previous_embedder</c> is always present (null when the store recorded none).
/// </summary>
internal sealed record ReindexResultDto(
    long Reembedded,
    long Skipped,
    double ElapsedMs,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.Never)] EmbedderDto? PreviousEmbedder,
    EmbedderDto Embedder,
    bool NoOp)
{
    /// <summary>Maps a result to its printed shape.</summary>
    /// <param name="result">The result.</param>
    /// <returns>The DTO.</returns>
    public static ReindexResultDto From(VectorReindexResult result) => new(
        result.Reembedded,
        result.Skipped,
        Math.Round(result.Elapsed.TotalMilliseconds, 1),
        result.PreviousEmbedder is { } previous ? new EmbedderDto(previous.Id, previous.Dimensions) : null,
        new EmbedderDto(result.Embedder.Id, result.Embedder.Dimensions),
        result.IsNoOp);
}

/// <summary>An embedder as the store records it.</summary>
internal sealed record EmbedderDto(string Id, int Dimensions);

/// <summary>
/// One mode of <c>eval locomo --output json</c>:
/// <c>{"mode","questions","recall":{"5":{"overall","1","2","3","4"},"10","25","50"},"all":{…},"ingest_ms_per_turn",
/// "search_ms":{"p50","p95"},"context_tokens_top10","full_tokens"}</c>, plus <c>"audited":{"questions","recall","all"}</c>
/// with <c>--corrections</c>. Recall values are fractions in [0, 1]; null where a category has no question.
/// </summary>
internal sealed record EvalReportDto
{
    public required string Mode { get; init; }

    public required int Questions { get; init; }

    public required RecallTableDto Recall { get; init; }

    public required RecallTableDto All { get; init; }

    public required double IngestMsPerTurn { get; init; }

    public required SearchLatencyDto SearchMs { get; init; }

    public required double ContextTokensTop10 { get; init; }

    public required double FullTokens { get; init; }

    public AuditedReportDto? Audited { get; init; }

    public EmbeddingCacheDto? EmbeddingCache { get; init; }

    public static EvalReportDto From(LocomoModeReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new EvalReportDto
        {
            Mode = LocomoModeNames.ToName(report.Mode),
            Questions = report.Original.Questions,
            Recall = RecallTableDto.From(report.Original.Recall),
            All = RecallTableDto.From(report.Original.All),
            IngestMsPerTurn = Math.Round(report.Ingest.MillisecondsPerTurn, 3),
            SearchMs = new SearchLatencyDto(Math.Round(report.SearchP50Milliseconds, 3), Math.Round(report.SearchP95Milliseconds, 3)),
            ContextTokensTop10 = Math.Round(report.ContextTokensTop10, 1),
            FullTokens = Math.Round(report.FullTokens, 1),
            Audited = report.Audited is { } audited
                ? new AuditedReportDto(audited.Questions, RecallTableDto.From(audited.Recall), RecallTableDto.From(audited.All))
                : null,
            EmbeddingCache = EmbeddingCacheDto.From(report.EmbeddingCache),
        };
    }
}

/// <summary>Search latency percentiles in milliseconds.</summary>
internal sealed record SearchLatencyDto(double P50, double P95);

/// <summary>The figures with the label corrections applied.</summary>
internal sealed record AuditedReportDto(int Questions, RecallTableDto Recall, RecallTableDto All);

/// <summary>Scores per cut-off k.</summary>
internal sealed record RecallTableDto(
    [property: JsonPropertyName("5")] CategoryScoresDto At5,
    [property: JsonPropertyName("10")] CategoryScoresDto At10,
    [property: JsonPropertyName("25")] CategoryScoresDto At25,
    [property: JsonPropertyName("50")] CategoryScoresDto At50)
{
    public static RecallTableDto From(IReadOnlyDictionary<int, CategoryScores> byK)
    {
        ArgumentNullException.ThrowIfNull(byK);
        CategoryScoresDto At(int k) => byK.TryGetValue(k, out var scores)
            ? CategoryScoresDto.From(scores)
            : new CategoryScoresDto(null, null, null, null, null);
        return new RecallTableDto(At(5), At(10), At(25), At(50));
    }
}

/// <summary>A score overall (categories 1–4) and per category; always present, null where no question was evaluated.</summary>
internal sealed record CategoryScoresDto(
    [property: JsonPropertyName("overall"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? Overall,
    [property: JsonPropertyName("1"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? MultiHop,
    [property: JsonPropertyName("2"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? Temporal,
    [property: JsonPropertyName("3"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? OpenDomain,
    [property: JsonPropertyName("4"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? SingleHop)
{
    public static CategoryScoresDto From(CategoryScores scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        static double? Round(double? value) => value is { } v ? Math.Round(v, 4) : null;
        return new CategoryScoresDto(Round(scores.Overall), Round(scores.For(1)), Round(scores.For(2)), Round(scores.For(3)), Round(scores.For(4)));
    }
}

/// <summary>An asynchronous add event as <c>engram events</c> prints it.</summary>
internal sealed record EventDto(string Id, string Status, int Attempts, string? Error, DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt, int Results, long? InputTokens, long? OutputTokens);
