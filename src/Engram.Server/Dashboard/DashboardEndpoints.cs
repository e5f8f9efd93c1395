using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Engram.Server;

/// <summary>
/// The dashboard's own JSON routes under <c>/ui/api/</c> (same API-key authentication and tenancy as the Mem0 routes):
/// project statistics, and a search that also returns the excluded candidates. Everything else the dashboard shows
/// comes from the Mem0 routes.
/// </summary>
internal static class DashboardEndpoints
{
    /// <summary>How many excluded candidates a dashboard search returns with their text.</summary>
    public const int MaxExcluded = 50;

    /// <summary>How many of the latest events the statistics count by status.</summary>
    public const int EventSample = 1000;

    /// <summary>Every memory that has any scope identifier (reads need a scope; <c>*</c> means any value).</summary>
    private static readonly MemoryFilter AnyScope =
        MemoryFilter.Parse("""{"OR":[{"user_id":"*"},{"agent_id":"*"},{"app_id":"*"},{"run_id":"*"}]}""");

    public static IEndpointRouteBuilder MapDashboardEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/ui/api").WithTags("Dashboard").RequireAuthorization();
        api.MapGet("/stats/", StatsAsync).WithName("DashboardStats")
            .WithSummary("Counts of memories, scopes and events, database size and ingest/search rates of the caller's project.");
        api.MapPost("/search/", SearchAsync).WithName("DashboardSearch")
            .WithSummary("Search like /v3/memories/search/, also returning the excluded candidates (with explain: true) and why.");
        app.MapDashboardAssets();

        // Count from the start, not from the first statistics request.
        _ = app.ServiceProvider.GetRequiredService<UsageRates>();
        return app;
    }

    /// <summary><c>GET /ui/api/stats/</c>.</summary>
    internal static async Task<Ok<DashboardStatsResponse>> StatsAsync(
        Tenant tenant,
        IScopeCatalog catalog,
        IEventStore events,
        UsageRates rates,
        IOptions<EngramServerOptions> options,
        CancellationToken cancellationToken)
    {
        var active = await tenant.Memory.ListAsync(new ListMemoriesRequest { Filter = AnyScope, PageSize = 1 }, cancellationToken);
        var total = await tenant.Memory.ListAsync(new ListMemoriesRequest { Filter = AnyScope, PageSize = 1, ShowExpired = true, LatestOnly = false }, cancellationToken);
        var scopes = await catalog.ListScopesAsync(tenant.ProjectId, cancellationToken);
        var recent = await events.ListEventsAsync(tenant.ProjectId, 0, EventSample, cancellationToken);
        var statuses = recent.Items
            .GroupBy(e => WireMapper.StatusName(e.Status), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (long)g.LongCount(), StringComparer.Ordinal);
        var project = tenant.ProjectId;
        var memoriesAdded = rates.Count(project, "memories.added", UsageRates.WindowMinutes);
        var searches5 = rates.Count(project, "memory.search", 5);
        return TypedResults.Ok(new DashboardStatsResponse
        {
            ProjectId = project,
            ActiveMemories = active.TotalCount,
            TotalMemories = total.TotalCount,
            Users = scopes.Count(s => s.Kind == ScopeKind.User),
            Agents = scopes.Count(s => s.Kind == ScopeKind.Agent),
            Apps = scopes.Count(s => s.Kind == ScopeKind.App),
            Runs = scopes.Count(s => s.Kind == ScopeKind.Run),
            Events = recent.TotalCount,
            EventStatuses = statuses,
            EventsSampled = recent.Items.Count,
            DatabaseBytes = DatabaseBytes(options.Value.DataDirectory),
            Rates = new DashboardRatesResponse
            {
                AddsLastHour = rates.Count(project, "memory.add", UsageRates.WindowMinutes),
                MemoriesAddedLastHour = memoriesAdded,
                SearchesLastHour = rates.Count(project, "memory.search", UsageRates.WindowMinutes),
                SearchesLastFiveMinutes = searches5,
                IngestPerMinute = Math.Round(memoriesAdded / (double)UsageRates.WindowMinutes, 3),
                SearchesPerMinute = Math.Round(searches5 / 5.0, 3),
            },
        });
    }

    /// <summary><c>POST /ui/api/search/</c>: the body of <c>/v3/memories/search/</c>.</summary>
    internal static async Task<Ok<DashboardSearchResponse>> SearchAsync(
        SearchMemoriesWireRequest body, Tenant tenant, CancellationToken cancellationToken)
    {
        WireParsing.RejectTopLevelScope(body, "search");
        var result = await tenant.Memory.SearchAsync(MemoryOperations.BuildSearch(body, scope: null), cancellationToken);
        var excluded = new List<ExcludedResponse>();
        foreach (var candidate in result.Excluded.Take(MaxExcluded))
        {
            var item = await tenant.Memory.GetAsync(candidate.MemoryId, cancellationToken);
            excluded.Add(new ExcludedResponse(
                candidate.MemoryId, candidate.Reason, candidate.Score is { } score ? Math.Round(score, 6) : null, candidate.SupersededBy, item?.Memory));
        }

        return TypedResults.Ok(new DashboardSearchResponse(result.Results.Select(WireMapper.ToHit).ToList(), excluded));
    }

    /// <summary>The SQLite store's files in the data directory (<c>engram.db</c> and its <c>-wal</c>); null when absent.</summary>
    private static long? DatabaseBytes(string dataDirectory)
    {
        var main = new FileInfo(Path.Combine(Path.GetFullPath(dataDirectory), "engram.db"));
        if (!main.Exists)
        {
            return null;
        }

        var wal = new FileInfo(main.FullName + "-wal");
        return main.Length + (wal.Exists ? wal.Length : 0);
    }
}
