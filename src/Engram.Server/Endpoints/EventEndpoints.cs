using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Engram.Server;

/// <summary>The asynchronous events of the caller's project: one by id, and all of them page by page.</summary>
internal static class EventEndpoints
{
    public static IEndpointRouteBuilder MapEventEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/event/{eventId}/", GetAsync).WithName("GetEvent").WithTags("Events").RequireAuthorization()
            .WithSummary("Poll an asynchronous add: PENDING, RUNNING, SUCCEEDED (with results) or FAILED (with error).");
        app.MapGet("/v1/events/", ListAsync).WithName("ListEvents").WithTags("Events").RequireAuthorization()
            .WithSummary("List the project's events, newest first, page by page.");
        app.MapPost("/v1/event/{eventId}/retry/", RetryOneAsync).WithName("RetryEvent").WithTags("Events").RequireAuthorization()
            .WithSummary("Run a FAILED event again (its messages were kept); 409 when it is not failed.");
        app.MapPost("/v1/events/retry/", RetryFailedAsync).WithName("RetryFailedEvents").WithTags("Events").RequireAuthorization()
            .WithSummary("Run every FAILED event of the project again.");
        return app;
    }

    /// <summary>
    /// <c>GET /v1/event/{id}/</c>. A SUCCEEDED add with graph memory on (its <c>enable_graph</c>, or
    /// <c>Engram:EnableGraph</c>) also carries Mem0g's add <c>relations</c>: those its memories added and invalidated
    /// when it completed (later updates of the memories are not shown).
    /// </summary>
    internal static async Task<Results<Ok<EventResponse>, ProblemHttpResult>> GetAsync(
        string eventId, Tenant tenant, IEventStore events, IOptions<MemoryOptions> options, CancellationToken cancellationToken)
    {
        eventId = WireParsing.Uuid(eventId, "event_id");
        if (await events.GetEventAsync(tenant.ProjectId, eventId, cancellationToken) is not { } storedEvent)
        {
            return MemoryEndpoints.NotFound("Event not found.");
        }

        var response = WireMapper.ToEvent(storedEvent);
        if (storedEvent is { Status: StoredEventStatus.Succeeded, CompletedAt: { } completedAt } && (options.Value.EnableGraph || AskedForGraph(storedEvent)))
        {
            var ids = storedEvent.Results.Where(r => r.Event == MemoryEventType.Add).Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
            var relations = (await tenant.Memory.GetMemoryRelationsAsync(ids, cancellationToken)).OrderBy(r => r.Id).ToList();
            response = response with
            {
                Relations = AddRelationsResponse.From(
                    relations.Where(r => ids.Contains(r.MemoryId) && r.CreatedAt <= completedAt).ToList(),
                    relations.Where(r => r.InvalidatedByMemoryId is { } by && by != r.MemoryId && ids.Contains(by) && r.InvalidatedAt <= completedAt).ToList()),
            };
        }

        return TypedResults.Ok(response);
    }

    private static bool AskedForGraph(StoredEvent storedEvent)
    {
        try
        {
            return JsonSerializer.Deserialize(storedEvent.Payload, ServerJsonContext.Default.AddEventPayload) is { EnableGraph: true };
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary><c>POST /v1/event/{id}/retry/</c>: back to PENDING and into the worker's queue.</summary>
    internal static async Task<Results<Accepted<RetryResponse>, ProblemHttpResult>> RetryOneAsync(
        string eventId, Tenant tenant, IEventStore events, AddEventQueue queue, CancellationToken cancellationToken)
    {
        eventId = WireParsing.Uuid(eventId, "event_id");
        if (await events.GetEventAsync(tenant.ProjectId, eventId, cancellationToken) is not { } storedEvent)
        {
            return MemoryEndpoints.NotFound("Event not found.");
        }

        var retried = await events.RetryEventsAsync(tenant.ProjectId, eventId, cancellationToken);
        if (retried.Count == 0)
        {
            return TypedResults.Problem(
                detail: $"Only FAILED events can be retried; this one is {WireMapper.StatusName(storedEvent.Status)}.",
                statusCode: StatusCodes.Status409Conflict,
                extensions: new Dictionary<string, object?> { ["error"] = "not failed" });
        }

        queue.Notify(tenant.ProjectId, eventId);
        return TypedResults.Accepted($"/v1/event/{eventId}/", new RetryResponse("Event queued again.", retried));
    }

    /// <summary><c>POST /v1/events/retry/</c>: every failed event of the project.</summary>
    internal static async Task<Accepted<RetryResponse>> RetryFailedAsync(
        Tenant tenant, IEventStore events, AddEventQueue queue, CancellationToken cancellationToken)
    {
        var retried = await events.RetryEventsAsync(tenant.ProjectId, null, cancellationToken);
        foreach (var id in retried)
        {
            queue.Notify(tenant.ProjectId, id);
        }

        return TypedResults.Accepted("/v1/events/", new RetryResponse($"{retried.Count} events queued again.", retried));
    }

    /// <summary><c>GET /v1/events/?page=&amp;page_size=</c>.</summary>
    internal static async Task<Ok<PageResponse<EventResponse>>> ListAsync(
        [FromQuery(Name = "page")] string? pageText,
        [FromQuery(Name = "page_size")] string? pageSizeText,
        HttpRequest request,
        Tenant tenant,
        IEventStore events,
        CancellationToken cancellationToken)
    {
        var page = WireParsing.QueryInt(pageText, "page");
        var pageSize = WireParsing.QueryInt(pageSizeText, "page_size");
        var pageNumber = page ?? 1;
        var size = pageSize ?? MemoryOperations.DefaultPageSize;
        MemoryOperations.ValidatePage(pageNumber, size);
        var result = await events.ListEventsAsync(tenant.ProjectId, (pageNumber - 1) * size, size, cancellationToken);
        return TypedResults.Ok(MemoryOperations.Page(request, result.Items.Select(WireMapper.ToEvent).ToList(), result.TotalCount, pageNumber, size));
    }
}
