using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

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
        return app;
    }

    /// <summary><c>GET /v1/event/{id}/</c>.</summary>
    internal static async Task<Results<Ok<EventResponse>, ProblemHttpResult>> GetAsync(
        string eventId, Tenant tenant, IEventStore events, CancellationToken cancellationToken) =>
        await events.GetEventAsync(tenant.ProjectId, eventId, cancellationToken) is { } storedEvent
            ? TypedResults.Ok(WireMapper.ToEvent(storedEvent))
            : MemoryEndpoints.NotFound("Event not found.");

    /// <summary><c>GET /v1/events/?page=&amp;page_size=</c>.</summary>
    internal static async Task<Ok<PageResponse<EventResponse>>> ListAsync(
        [FromQuery] int? page,
        [FromQuery(Name = "page_size")] int? pageSize,
        HttpRequest request,
        Tenant tenant,
        IEventStore events,
        CancellationToken cancellationToken)
    {
        var pageNumber = page ?? 1;
        var size = pageSize ?? MemoryOperations.DefaultPageSize;
        MemoryOperations.ValidatePage(pageNumber, size);
        var result = await events.ListEventsAsync(tenant.ProjectId, (pageNumber - 1) * size, size, cancellationToken);
        return TypedResults.Ok(MemoryOperations.Page(request, result.Items.Select(WireMapper.ToEvent).ToList(), result.TotalCount, pageNumber, size));
    }
}
