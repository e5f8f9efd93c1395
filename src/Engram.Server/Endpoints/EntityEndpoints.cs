using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Engram.Server;

/// <summary>
/// Mem0's entities: the users, agents, apps and runs the project's memories belong to, computed from the memories'
/// scopes (<see cref="IScopeCatalog"/>), and deleting one entity's memories.
/// </summary>
internal static class EntityEndpoints
{
    public static IEndpointRouteBuilder MapEntityEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/entities/", ListAsync).WithName("ListEntities").WithTags("Entities").RequireAuthorization()
            .WithSummary("List the users, agents, apps and runs that have memories, with their memory counts.");
        app.MapDelete("/v2/entities/{entityType}/{entityId}/", DeleteAsync).WithName("DeleteEntity").WithTags("Entities").RequireAuthorization()
            .WithSummary("Delete every memory of one user, agent, app or run (entity type: user, agent, app, run).");
        app.MapDelete("/v1/entities/{entityType}/{entityId}/", DeleteAsync).WithName("DeleteEntityV1").WithTags("Entities").RequireAuthorization()
            .WithSummary("Deprecated route of the npm client's deleteUser: the same as DELETE /v2/entities/{entityType}/{entityId}/.");
        return app;
    }

    /// <summary>
    /// <c>GET /v1/entities/?page=&amp;page_size=[&amp;enable_graph=true]</c>; with <c>enable_graph=true</c> each entity also
    /// carries <c>relations</c>, the valid graph relations of its memories (an extra key Mem0 clients ignore).
    /// </summary>
    internal static async Task<Ok<EntitiesResponse>> ListAsync(
        [FromQuery(Name = "page")] string? pageText,
        [FromQuery(Name = "page_size")] string? pageSizeText,
        [FromQuery(Name = "enable_graph")] string? enableGraphText,
        HttpRequest request,
        Tenant tenant,
        IScopeCatalog catalog,
        CancellationToken cancellationToken)
    {
        var page = WireParsing.QueryInt(pageText, "page");
        var pageSize = WireParsing.QueryInt(pageSizeText, "page_size");
        var enableGraph = WireParsing.QueryBool(enableGraphText, "enable_graph");
        var pageNumber = page ?? 1;
        var size = pageSize ?? MemoryOperations.DefaultPageSize;
        MemoryOperations.ValidatePage(pageNumber, size);
        var scopes = await catalog.ListScopesAsync(tenant.ProjectId, cancellationToken);
        var results = scopes
            .Skip((pageNumber - 1) * size)
            .Take(size)
            .Select(s => new EntityResponse
            {
                Id = s.Id,
                Name = s.Id,
                Type = WireMapper.KindName(s.Kind),
                TotalMemories = s.MemoryCount,
                CreatedAt = s.FirstCreatedAt,
                UpdatedAt = s.LastUpdatedAt,
                Owner = tenant.OrganizationId,
            })
            .ToList();
        if (enableGraph == true)
        {
            for (var i = 0; i < results.Count; i++)
            {
                var relations = await tenant.Memory.GetScopeRelationsAsync(WireMapper.ScopeOf(WireMapper.ParseKind(results[i].Type), results[i].Id), cancellationToken: cancellationToken);
                results[i] = results[i] with { Relations = relations.Select(RelationTargetResponse.From).ToList() };
            }
        }

        var envelope = MemoryOperations.Page(request, results, scopes.Count, pageNumber, size);
        return TypedResults.Ok(new EntitiesResponse
        {
            Count = envelope.Count,
            Next = envelope.Next,
            Previous = envelope.Previous,
            Results = results,
            TotalUsers = scopes.Count(s => s.Kind == ScopeKind.User),
            TotalAgents = scopes.Count(s => s.Kind == ScopeKind.Agent),
            TotalApps = scopes.Count(s => s.Kind == ScopeKind.App),
            TotalRuns = scopes.Count(s => s.Kind == ScopeKind.Run),
        });
    }

    /// <summary>
    /// <c>DELETE /v2/entities/{type}/{id}/</c> and the deprecated <c>DELETE /v1/entities/{type}/{id}/</c>: deletes the
    /// entity's memories, each with a DELETE history row.
    /// </summary>
    internal static async Task<Ok<ErasureMessageResponse>> DeleteAsync(string entityType, string entityId, Tenant tenant, CancellationToken cancellationToken)
    {
        var kind = WireMapper.ParseKind(entityType);
        var receipt = await tenant.Memory.EraseAllAsync(WireMapper.ScopeOf(kind, WireParsing.NotWildcard(entityId, $"{WireMapper.KindName(kind)}_id")!), cancellationToken);
        return TypedResults.Ok(new ErasureMessageResponse("Entity deleted successfully.", receipt));
    }
}
