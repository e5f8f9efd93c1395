using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Engram.Server;

/// <summary>
/// Mem0's legacy routes, still used by older clients (Python ≤ 1.x, npm ≤ 2.x) and third-party wrappers
/// (mem0-reference.md §5.2.3): v1 add, v1/v2 list and v1/v2 search.
/// </summary>
internal static class LegacyMemoryEndpoints
{
    /// <summary>Mem0's default threshold of <c>POST /v2/memories/search/</c>.</summary>
    private const double V2SearchThreshold = 0.3;

    public static IEndpointRouteBuilder MapLegacyMemoryEndpoints(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1/memories").WithTags("Legacy").RequireAuthorization();
        v1.MapPost("/", AddAsync).WithName("LegacyAddMemories")
            .WithSummary("Legacy add: queued unless async_mode=false or infer=false; output_format v1.0 (list) or v1.1.");
        v1.MapGet("/", ListAsync).WithName("LegacyListMemories").AddEndpointFilter<FieldProjectionFilter>()
            .WithSummary("Legacy list by query parameters; a bare list unless page and page_size are given.");
        v1.MapPost("/search/", SearchV1Async).WithName("LegacySearchMemoriesV1").AddEndpointFilter<FieldProjectionFilter>()
            .WithSummary("Legacy search with top-level scope ids; output_format v1.0 (list) or v1.1.");

        var v2 = app.MapGroup("/v2/memories").WithTags("Legacy").RequireAuthorization();
        v2.MapPost("/", ListV2Async).WithName("LegacyListMemoriesV2").AddEndpointFilter<FieldProjectionFilter>().WithSummary("Legacy list with filters; a bare list.");
        v2.MapPost("/search/", SearchV2Async).WithName("LegacySearchMemoriesV2").AddEndpointFilter<FieldProjectionFilter>().WithSummary("Legacy search with filters; a bare list.");
        return app;
    }

    /// <summary>
    /// <c>POST /v1/memories/</c>. A synchronous answer carries Mem0g's <c>relations</c> with <c>enable_graph</c>, or
    /// with <c>output_format: v1.1</c> when graph memory is on for every add; a queued one puts them in the event.
    /// </summary>
    internal static async Task<Results<Ok<IReadOnlyList<LegacyAddQueuedResponse>>, Ok<IReadOnlyList<AddResultResponse>>, Ok<LegacyAddResultsResponse>, Ok<GraphAddResultsResponse>>> AddAsync(
        AddMemoryRequest body,
        Tenant tenant,
        ITenantStore tenants,
        IEventStore events,
        AddEventQueue queue,
        TimeProvider time,
        IOptions<MemoryOptions> options,
        CancellationToken cancellationToken)
    {
        var payload = await MemoryOperations.BuildAddAsync(body, tenant, tenants, cancellationToken);
        if (payload.Infer && body.AsyncMode != false)
        {
            var eventId = await MemoryOperations.EnqueueAddAsync(payload, tenant, events, queue, time, cancellationToken);
            IReadOnlyList<LegacyAddQueuedResponse> queued = [new("Memory processing has been queued for background execution", "PENDING", eventId)];
            return TypedResults.Ok(queued);
        }

        var result = await tenant.Memory.AddAsync(payload.ToRequest(null), cancellationToken);
        IReadOnlyList<AddResultResponse> results = result.Results.Select(WireMapper.ToAddResult).ToList();
        if (payload.EnableGraph || (options.Value.EnableGraph && body.OutputFormat == "v1.1"))
        {
            return TypedResults.Ok(new GraphAddResultsResponse(results, AddRelationsResponse.From(result)));
        }

        return body.OutputFormat == "v1.1"
            ? TypedResults.Ok(new LegacyAddResultsResponse(results, []))
            : TypedResults.Ok(results);
    }

    /// <summary>
    /// <c>GET /v1/memories/?user_id=…&amp;page=&amp;page_size=</c>; with <c>enable_graph=true</c> or
    /// <c>output_format=v1.1</c>, Mem0g's <c>{"results", "relations"}</c> (the page's memories and their valid relations).
    /// </summary>
    internal static async Task<Results<Ok<IReadOnlyList<MemoryResponse>>, Ok<PageResponse<MemoryResponse>>, Ok<GraphListResponse>>> ListAsync(
        [FromQuery(Name = "user_id")] string? userId,
        [FromQuery(Name = "agent_id")] string? agentId,
        [FromQuery(Name = "app_id")] string? appId,
        [FromQuery(Name = "run_id")] string? runId,
        [FromQuery(Name = "page")] string? pageText,
        [FromQuery(Name = "page_size")] string? pageSizeText,
        [FromQuery(Name = "limit")] string? limitText,
        [FromQuery] string? keywords,
        [FromQuery] string? categories,
        [FromQuery] string? metadata,
        [FromQuery(Name = "start_date")] string? startDate,
        [FromQuery(Name = "end_date")] string? endDate,
        [FromQuery(Name = "enable_graph")] string? enableGraphText,
        [FromQuery(Name = "output_format")] string? outputFormat,
        HttpRequest request,
        Tenant tenant,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var page = WireParsing.QueryInt(pageText, "page");
        var pageSize = WireParsing.QueryInt(pageSizeText, "page_size");
        var limit = WireParsing.QueryInt(limitText, "limit");
        var enableGraph = WireParsing.QueryBool(enableGraphText, "enable_graph");
        var paged = page is not null && pageSize is not null;
        var body = new ListMemoriesWireRequest
        {
            Keywords = keywords,
            Categories = categories is null ? default : JsonSerializer.SerializeToElement(categories, ServerJsonContext.Default.String),
            StartDate = startDate is null ? default : JsonSerializer.SerializeToElement(startDate, ServerJsonContext.Default.String),
            EndDate = endDate is null ? default : JsonSerializer.SerializeToElement(endDate, ServerJsonContext.Default.String),
            Filters = metadata is null ? default : ParseMetadataQuery(metadata),
        };
        var scope = new MemoryScope { UserId = userId, AgentId = agentId, AppId = appId, RunId = runId };
        var list = MemoryOperations.BuildList(body, scope, paged ? page : 1, paged ? pageSize : limit ?? MemoryOperations.DefaultPageSize);
        var result = await tenant.Memory.ListAsync(list, cancellationToken);
        var today = MemoryOperations.Today(time);
        IReadOnlyList<MemoryResponse> items = result.Items.Select(i => WireMapper.ToMemory(i, today)).ToList();
        if (MemoryOperations.WantsGraph(enableGraph, outputFormat))
        {
            return TypedResults.Ok(new GraphListResponse(items, await MemoryOperations.ListRelationsAsync(tenant, result.Items, cancellationToken)));
        }

        return paged
            ? TypedResults.Ok(MemoryOperations.Page(request, items, result.TotalCount, result.Page, result.PageSize))
            : TypedResults.Ok(items);
    }

    /// <summary>
    /// <c>POST /v2/memories/</c>: <c>{"filters", "page", "page_size"}</c>; a bare list, or with <c>enable_graph</c> /
    /// <c>output_format: v1.1</c> Mem0g's <c>{"results", "relations"}</c>.
    /// </summary>
    internal static async Task<Results<Ok<IReadOnlyList<MemoryResponse>>, Ok<GraphListResponse>>> ListV2Async(
        ListMemoriesWireRequest body, Tenant tenant, TimeProvider time, CancellationToken cancellationToken)
    {
        WireParsing.RejectTopLevelScope(body, "get_all");
        var result = await tenant.Memory.ListAsync(MemoryOperations.BuildList(body, scope: null, null, null), cancellationToken);
        var today = MemoryOperations.Today(time);
        IReadOnlyList<MemoryResponse> items = result.Items.Select(i => WireMapper.ToMemory(i, today)).ToList();
        return MemoryOperations.WantsGraph(body.EnableGraph, body.OutputFormat)
            ? TypedResults.Ok(new GraphListResponse(items, await MemoryOperations.ListRelationsAsync(tenant, result.Items, cancellationToken)))
            : TypedResults.Ok(items);
    }

    /// <summary><c>POST /v1/memories/search/</c>: top-level scope ids allowed.</summary>
    internal static async Task<Results<Ok<IReadOnlyList<SearchHitResponse>>, Ok<GraphSearchResponse>>> SearchV1Async(SearchMemoriesWireRequest body, Tenant tenant, CancellationToken cancellationToken)
    {
        var scope = WireParsing.Scope(body);
        var request = MemoryOperations.BuildSearch(body, scope.IsEmpty ? null : scope);
        var result = await tenant.Memory.SearchAsync(request, cancellationToken);
        IReadOnlyList<SearchHitResponse> hits = result.Results.Select(WireMapper.ToHit).ToList();
        return request.EnableGraph
            ? TypedResults.Ok(new GraphSearchResponse(hits, result.Relations.Select(RelationResponse.From).ToList()))
            : TypedResults.Ok(hits);
    }

    /// <summary><c>POST /v2/memories/search/</c>: the scope in <c>filters</c>, threshold 0.3 by default; a bare list.</summary>
    internal static async Task<Ok<IReadOnlyList<SearchHitResponse>>> SearchV2Async(
        SearchMemoriesWireRequest body, Tenant tenant, CancellationToken cancellationToken)
    {
        WireParsing.RejectTopLevelScope(body, "search");
        var result = await tenant.Memory.SearchAsync(MemoryOperations.BuildSearch(body, scope: null, V2SearchThreshold), cancellationToken);
        return TypedResults.Ok<IReadOnlyList<SearchHitResponse>>(result.Results.Select(WireMapper.ToHit).ToList());
    }

    private static JsonElement ParseMetadataQuery(string metadata)
    {
        try
        {
            using var document = JsonDocument.Parse(metadata);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? JsonDocument.Parse($"{{\"metadata\":{document.RootElement.GetRawText()}}}").RootElement.Clone()
                : throw new MemoryValidationException("metadata must be a JSON object.", "metadata");
        }
        catch (JsonException ex)
        {
            throw new MemoryValidationException("metadata must be a JSON object.", "metadata", ex);
        }
    }
}
