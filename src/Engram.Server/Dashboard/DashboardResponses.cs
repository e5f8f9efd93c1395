namespace Engram.Server;

// Wire shapes of the dashboard's own routes (/ui/api/…), snake_case like the rest of the API.

/// <summary><c>GET /ui/api/stats/</c>: the project's counts, database size and recent rates.</summary>
internal sealed record DashboardStatsResponse
{
    public required string ProjectId { get; init; }

    /// <summary>Current memories (not superseded, not expired).</summary>
    public required long ActiveMemories { get; init; }

    /// <summary>Every stored memory, superseded and expired included.</summary>
    public required long TotalMemories { get; init; }

    public required long Users { get; init; }

    public required long Agents { get; init; }

    public required long Apps { get; init; }

    public required long Runs { get; init; }

    public required long Events { get; init; }

    /// <summary>Events by status (<c>PENDING</c>, <c>RUNNING</c>, <c>SUCCEEDED</c>, <c>FAILED</c>) among the latest <see cref="EventsSampled"/>.</summary>
    public required IReadOnlyDictionary<string, long> EventStatuses { get; init; }

    public required int EventsSampled { get; init; }

    /// <summary>Size of the database files (main file and write-ahead log) in bytes; null when the store is not a local file.</summary>
    public long? DatabaseBytes { get; init; }

    /// <summary>Operations in the last hour and in the last five minutes, counted in this server process.</summary>
    public required DashboardRatesResponse Rates { get; init; }
}

/// <summary>Ingest and search rates of one project, counted from the "Engram" meter since the server started.</summary>
internal sealed record DashboardRatesResponse
{
    public required long AddsLastHour { get; init; }

    public required long MemoriesAddedLastHour { get; init; }

    public required long SearchesLastHour { get; init; }

    public required long SearchesLastFiveMinutes { get; init; }

    /// <summary>Memories stored per minute, averaged over the last hour.</summary>
    public required double IngestPerMinute { get; init; }

    /// <summary>Searches per minute, averaged over the last five minutes.</summary>
    public required double SearchesPerMinute { get; init; }
}

/// <summary><c>POST /ui/api/search/</c>: the hits (with <c>score_details</c> when explained) and the excluded candidates.</summary>
internal sealed record DashboardSearchResponse(IReadOnlyList<SearchHitResponse> Results, IReadOnlyList<ExcludedResponse> Excluded);

/// <summary>A candidate a search found but did not return: its reason, score, what superseded it and its text.</summary>
internal sealed record ExcludedResponse(string MemoryId, string Reason, double? Score, string? SupersededBy, string? Memory);
