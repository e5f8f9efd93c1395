using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Engram.Server;

/// <summary>
/// The current Mem0 Platform memory routes (npm <c>mem0ai</c> 3.x, Python 2.x): add, search and list under <c>/v3/</c>;
/// get, update, delete and history of one memory and delete by scope under <c>/v1/</c>.
/// </summary>
internal static class MemoryEndpoints
{
    public static IEndpointRouteBuilder MapMemoryEndpoints(this IEndpointRouteBuilder app)
    {
        var v3 = app.MapGroup("/v3/memories").WithTags("Memories").RequireAuthorization();
        v3.MapPost("/add/", AddAsync).WithName("AddMemories")
            .WithSummary("Remember messages: extracted in the background (poll the returned event), or stored as is with infer=false.");
        v3.MapPost("/search/", SearchAsync).WithName("SearchMemories").AddEndpointFilter<FieldProjectionFilter>()
            .WithSummary("Find the memories most relevant to a query; the scope goes in filters.");
        v3.MapPost("/", ListAsync).WithName("ListMemories").AddEndpointFilter<FieldProjectionFilter>()
            .WithSummary("List memories matching filters, newest first, page by page.");

        var v1 = app.MapGroup("/v1/memories").WithTags("Memories").RequireAuthorization();
        v1.MapGet("/{memoryId}/", GetAsync).WithName("GetMemory").WithSummary("Get one memory by id.");
        v1.MapPut("/{memoryId}/", UpdateAsync).WithName("UpdateMemory").WithSummary("Change a memory's text, metadata or expiration date.");
        v1.MapDelete("/{memoryId}/", DeleteAsync).WithName("DeleteMemory").WithSummary("Delete one memory.");
        v1.MapGet("/{memoryId}/history/", HistoryAsync).WithName("GetMemoryHistory").WithSummary("Get a memory's change history, oldest first.");
        v1.MapDelete("/", DeleteAllAsync).WithName("DeleteMemories")
            .WithSummary("Delete every memory of a scope (user_id, agent_id, app_id, run_id; '*' means all of that kind).");
        return app;
    }

    /// <summary>
    /// <c>POST /v3/memories/add/</c>: <c>{"event_id", "status": "PENDING"}</c>, or with <c>infer: false</c> the stored
    /// memories, plus Mem0g's <c>relations</c> when graph memory is on (<c>enable_graph</c> or <c>Engram:EnableGraph</c>).
    /// </summary>
    internal static async Task<Results<Ok<AddQueuedResponse>, Ok<AddSyncResponse>, Ok<GraphAddSyncResponse>>> AddAsync(
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
        if (!payload.Infer)
        {
            var result = await tenant.Memory.AddAsync(payload.ToRequest(null), cancellationToken);
            var results = result.Results.Select(WireMapper.ToAddResult).ToList();
            return payload.EnableGraph || options.Value.EnableGraph
                ? TypedResults.Ok(new GraphAddSyncResponse("Memories added successfully.", results, AddRelationsResponse.From(result)))
                : TypedResults.Ok(new AddSyncResponse("Memories added successfully.", results));
        }

        var eventId = await MemoryOperations.EnqueueAddAsync(payload, tenant, events, queue, time, cancellationToken);
        return TypedResults.Ok(new AddQueuedResponse(eventId, "PENDING"));
    }

    /// <summary><c>POST /v3/memories/search/</c>: <c>{"results": [memory + score]}</c>.</summary>
    internal static async Task<Results<Ok<ResultsResponse<SearchHitResponse>>, Ok<GraphSearchResponse>>> SearchAsync(
        SearchMemoriesWireRequest body, Tenant tenant, CancellationToken cancellationToken)
    {
        WireParsing.RejectTopLevelScope(body, "search");
        var request = MemoryOperations.BuildSearch(body, scope: null);
        var result = await tenant.Memory.SearchAsync(request, cancellationToken);
        var hits = result.Results.Select(WireMapper.ToHit).ToList();
        return request.EnableGraph
            ? TypedResults.Ok(new GraphSearchResponse(hits, result.Relations.Select(RelationResponse.From).ToList()))
            : TypedResults.Ok(new ResultsResponse<SearchHitResponse>(hits));
    }

    /// <summary><c>POST /v3/memories/?page=N&amp;page_size=M</c>: Mem0's paginated envelope.</summary>
    internal static async Task<Ok<PageResponse<MemoryResponse>>> ListAsync(
        ListMemoriesWireRequest body,
        [FromQuery(Name = "page")] string? pageText,
        [FromQuery(Name = "page_size")] string? pageSizeText,
        HttpRequest request,
        Tenant tenant,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var page = WireParsing.QueryInt(pageText, "page");
        var pageSize = WireParsing.QueryInt(pageSizeText, "page_size");
        WireParsing.RejectTopLevelScope(body, "get_all");
        var list = MemoryOperations.BuildList(body, scope: null, page, pageSize);
        var result = await tenant.Memory.ListAsync(list, cancellationToken);
        var today = MemoryOperations.Today(time);
        return TypedResults.Ok(MemoryOperations.Page(
            request, result.Items.Select(i => WireMapper.ToMemory(i, today)).ToList(), result.TotalCount, result.Page, result.PageSize));
    }

    /// <summary><c>GET /v1/memories/{id}/</c>.</summary>
    internal static async Task<Results<Ok<MemoryResponse>, ProblemHttpResult>> GetAsync(
        string memoryId, Tenant tenant, TimeProvider time, CancellationToken cancellationToken)
    {
        var id = WireParsing.MemoryId(memoryId);
        return await tenant.Memory.GetAsync(id, cancellationToken) is { } item
            ? TypedResults.Ok(WireMapper.ToMemory(item, MemoryOperations.Today(time)))
            : NotFound("Memory not found.");
    }

    /// <summary><c>PUT /v1/memories/{id}/</c>: the memory after the change.</summary>
    internal static async Task<Ok<MemoryResponse>> UpdateAsync(
        string memoryId, UpdateMemoryWireRequest body, Tenant tenant, TimeProvider time, CancellationToken cancellationToken)
    {
        var id = WireParsing.MemoryId(memoryId);
        var expirationGiven = body.ExpirationDate.ValueKind != System.Text.Json.JsonValueKind.Undefined;
        var expiration = WireParsing.Date(body.ExpirationDate, "expiration_date");
        var updated = await tenant.Memory.UpdateAsync(
            new UpdateMemoryRequest
            {
                MemoryId = id,
                Text = body.Text ?? body.Data,
                Metadata = WireParsing.Metadata(body.Metadata),
                ExpirationDate = expiration,
                ClearExpirationDate = expirationGiven && expiration is null,
                Timestamp = WireParsing.Timestamp(body.Timestamp, "timestamp"),
            },
            cancellationToken);
        return TypedResults.Ok(WireMapper.ToMemory(updated, MemoryOperations.Today(time)));
    }

    /// <summary>
    /// <c>DELETE /v1/memories/{id}/[?delete_linked=true]</c>. With <c>delete_linked</c>, the memories linked to it — the older
    /// memories it superseded, transitively (Mem0's linked chain) — are erased too, and <c>cascade_count</c> says how many.
    /// </summary>
    internal static async Task<Ok<ErasureMessageResponse>> DeleteAsync(
        string memoryId, [FromQuery(Name = "delete_linked")] string? deleteLinkedText, Tenant tenant, CancellationToken cancellationToken)
    {
        var id = WireParsing.MemoryId(memoryId);
        if (WireParsing.QueryBool(deleteLinkedText, "delete_linked") != true)
        {
            return TypedResults.Ok(new ErasureMessageResponse("Memory deleted successfully!", await tenant.Memory.EraseAsync(id, cancellationToken)));
        }

        var item = await tenant.Memory.GetAsync(id, cancellationToken) ?? throw new MemoryNotFoundException(id);
        var linked = await LinkedMemoryIdsAsync(tenant, item, cancellationToken);
        var receipt = await tenant.Memory.EraseAsync(id, cancellationToken);
        var cascade = 0;
        foreach (var linkedId in linked)
        {
            try
            {
                receipt = receipt.Combine(await tenant.Memory.EraseAsync(linkedId, cancellationToken));
                cascade++;
            }
            catch (MemoryNotFoundException)
            {
                // Deleted concurrently.
            }
        }

        return TypedResults.Ok(new ErasureMessageResponse("Memory deleted successfully!", receipt) { CascadeCount = cascade });
    }

    /// <summary>The memories the memory superseded, transitively (Mem0's linked chain), oldest links last.</summary>
    private static async Task<List<string>> LinkedMemoryIdsAsync(Tenant tenant, MemoryItem item, CancellationToken cancellationToken)
    {
        var superseded = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        for (var page = 1; ; page++)
        {
            var result = await tenant.Memory.ListAsync(
                new ListMemoriesRequest { Scope = item.Scope, Page = page, PageSize = 1000, ShowExpired = true, LatestOnly = false }, cancellationToken);
            foreach (var memory in result.Items.Where(m => m.SupersededBy is not null))
            {
                if (!superseded.TryGetValue(memory.SupersededBy!, out var ids))
                {
                    superseded[memory.SupersededBy!] = ids = [];
                }

                ids.Add(memory.Id);
            }

            if (!result.HasMore)
            {
                break;
            }
        }

        var linked = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal) { item.Id };
        var next = new Queue<string>([item.Id]);
        while (next.TryDequeue(out var id))
        {
            foreach (var older in superseded.GetValueOrDefault(id) ?? [])
            {
                if (seen.Add(older))
                {
                    linked.Add(older);
                    next.Enqueue(older);
                }
            }
        }

        return linked;
    }

    /// <summary><c>GET /v1/memories/{id}/history/</c>: the rows with the source messages as <c>input</c>; empty for an unknown id.</summary>
    internal static async Task<Ok<IReadOnlyList<HistoryResponse>>> HistoryAsync(
        string memoryId, Tenant tenant, IMemoryStore store, CancellationToken cancellationToken)
    {
        var id = WireParsing.MemoryId(memoryId);
        var entries = await tenant.Memory.GetHistoryAsync(id, cancellationToken);
        if (entries.Count == 0)
        {
            return TypedResults.Ok<IReadOnlyList<HistoryResponse>>([]);
        }

        var item = await tenant.Memory.GetAsync(id, cancellationToken);
        var input = item is { SourceMessageIds.Count: > 0 }
            ? (await store.GetMessagesAsync(tenant.ProjectId, item.SourceMessageIds.ToList(), cancellationToken))
                .Select(m => new HistoryInputResponse(m.Role, m.Content)).ToList()
            : [];
        IReadOnlyList<HistoryResponse> rows = entries.Select(entry => new HistoryResponse
        {
            Id = entry.Id,
            MemoryId = entry.MemoryId,
            Input = input,
            OldMemory = entry.OldMemory,
            NewMemory = entry.NewMemory,
            UserId = item?.Scope.UserId,
            AgentId = item?.Scope.AgentId,
            AppId = item?.Scope.AppId,
            SessionId = item?.Scope.RunId,
            Categories = item?.Categories ?? [],
            Event = MemoryEventTypeNames.ToName(entry.Event),
            Metadata = item is { Metadata.Count: > 0 } ? item.Metadata : null,
            CreatedAt = entry.CreatedAt,
            UpdatedAt = entry.CreatedAt,
            IsDeleted = entry.IsDeleted,
            ActorId = entry.ActorId,
            Role = entry.Role,
            RelatedMemoryId = entry.RelatedMemoryId,
        }).ToList();
        return TypedResults.Ok(rows);
    }

    /// <summary>
    /// <c>DELETE /v1/memories/?user_id=…&amp;agent_id=…&amp;app_id=…&amp;run_id=…</c>: deletes every memory of the scope (each
    /// with a DELETE history row). <c>*</c> means "any value of that kind"; at least one parameter is required.
    /// </summary>
    internal static async Task<Ok<ErasureMessageResponse>> DeleteAllAsync(
        [FromQuery(Name = "user_id")] string? userId,
        [FromQuery(Name = "agent_id")] string? agentId,
        [FromQuery(Name = "app_id")] string? appId,
        [FromQuery(Name = "run_id")] string? runId,
        [FromQuery(Name = "session_id")] string? sessionId,
        Tenant tenant,
        CancellationToken cancellationToken)
    {
        runId ??= sessionId;
        var receipt = await DeleteScopeAsync(tenant, userId, agentId, appId, runId, cancellationToken);
        return TypedResults.Ok(new ErasureMessageResponse("Memories deleted successfully!", receipt));
    }

    /// <summary>Deletes a scope; a <c>*</c> value matches every memory that has that kind of identifier.</summary>
    internal static async Task<ErasureReceipt> DeleteScopeAsync(Tenant tenant, string? userId, string? agentId, string? appId, string? runId, CancellationToken cancellationToken)
    {
        string?[] values = [userId, agentId, appId, runId];
        if (values.All(string.IsNullOrWhiteSpace))
        {
            throw new MemoryValidationException(
                "At least one of user_id, agent_id, app_id or run_id is required ('*' for all of a kind); use the entities routes to delete everything.", "user_id");
        }

        if (!values.Any(v => v == "*"))
        {
            return await tenant.Memory.EraseAllAsync(new MemoryScope { UserId = userId, AgentId = agentId, AppId = appId, RunId = runId }, cancellationToken);
        }

        FilterFieldKind[] kinds = [FilterFieldKind.UserId, FilterFieldKind.AgentId, FilterFieldKind.AppId, FilterFieldKind.RunId];
        var conditions = new List<MemoryFilter>();
        for (var i = 0; i < values.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(values[i]))
            {
                continue;
            }

            var field = FilterField.Of(kinds[i]);
            conditions.Add(values[i] == "*" ? new ExistsFilter(field) : MemoryFilter.Equal(field, values[i]!.Trim()));
        }

        var filter = MemoryFilter.AllOf(conditions);
        var receipt = new ErasureReceipt();
        var scopes = new HashSet<MemoryScope>();
        while (true)
        {
            var page = await tenant.Memory.ListAsync(
                new ListMemoriesRequest { Filter = filter, PageSize = 1000, ShowExpired = true, LatestOnly = false }, cancellationToken);
            var progressed = false;
            foreach (var item in page.Items)
            {
                try
                {
                    receipt = receipt.Combine(await tenant.Memory.EraseAsync(item.Id, cancellationToken));
                    scopes.Add(ErasedScope(item.Scope, values));
                    progressed = true;
                }
                catch (MemoryNotFoundException)
                {
                    // Deleted concurrently.
                }
            }

            if (page.Items.Count == 0 || !progressed)
            {
                break;
            }
        }

        // Each scope the wildcard reached is erased as a scope too: its remaining raw messages, event payloads and exports.
        foreach (var scope in scopes)
        {
            receipt = receipt.Combine(await tenant.Memory.EraseAllAsync(scope, cancellationToken));
        }

        return receipt;
    }

    // The scope a wildcard deletion erased for one memory: the identifiers the request named, '*' standing for the memory's own.
    private static MemoryScope ErasedScope(MemoryScope memory, string?[] requested) => new()
    {
        UserId = Named(requested[0], memory.UserId),
        AgentId = Named(requested[1], memory.AgentId),
        AppId = Named(requested[2], memory.AppId),
        RunId = Named(requested[3], memory.RunId),
    };

    private static string? Named(string? requested, string? own) =>
        string.IsNullOrWhiteSpace(requested) ? null : requested == WireParsing.Wildcard ? own : requested.Trim();

    internal static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status404NotFound);
}
