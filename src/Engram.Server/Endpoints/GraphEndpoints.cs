using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Engram.Server;

/// <summary>
/// The memory graph (Engram extension): <c>GET /v1/relations/?entity=…[&amp;user_id=…][&amp;include_invalidated=true]</c>
/// lists an entity's relations (its one-hop neighbourhood), newest first, with validity and source memory.
/// </summary>
internal static class GraphEndpoints
{
    public static IEndpointRouteBuilder MapGraphEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/relations/", GetAsync).WithTags("Graph").RequireAuthorization().WithName("GetRelations")
            .WithSummary("An entity's graph relations (source, relationship, target), with validity and the source memory.");
        return app;
    }

    internal static async Task<Ok<IReadOnlyList<RelationDetailResponse>>> GetAsync(
        [FromQuery] string? entity,
        [FromQuery(Name = "user_id")] string? userId,
        [FromQuery(Name = "agent_id")] string? agentId,
        [FromQuery(Name = "app_id")] string? appId,
        [FromQuery(Name = "run_id")] string? runId,
        [FromQuery(Name = "include_invalidated")] string? includeInvalidatedText,
        Tenant tenant,
        CancellationToken cancellationToken)
    {
        var includeInvalidated = WireParsing.QueryBool(includeInvalidatedText, "include_invalidated");
        if (string.IsNullOrWhiteSpace(entity))
        {
            throw new MemoryValidationException("entity is required, for example ?entity=alice.", "entity");
        }

        var scope = new MemoryScope { UserId = userId, AgentId = agentId, AppId = appId, RunId = runId };
        var relations = await tenant.Memory.GetRelationsAsync(entity, scope.IsEmpty ? null : scope, includeInvalidated ?? false, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<RelationDetailResponse>>(relations.Select(RelationDetailResponse.From).ToList());
    }
}
