using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.AI;

namespace Engram.Server;

/// <summary><c>GET /v1/ping/</c> (the clients' key check, which also tells them their organization and project) and <c>/healthz</c>.</summary>
internal static class PingEndpoints
{
    public static IEndpointRouteBuilder MapPingEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/ping/", Ping).WithName("Ping").WithTags("Ping").RequireAuthorization()
            .WithSummary("Check an API key; returns the organization and project it is bound to.");
        return app;
    }

    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", HealthAsync).WithName("Health").WithTags("Health").AllowAnonymous()
            .WithSummary("Liveness and readiness: 200 once the store is open.");
        return app;
    }

    /// <summary>
    /// <c>GET /v1/ping/</c>: <c>{"status": "ok", "org_id", "project_id", "user_email", "embedder"}</c>; <c>embedder</c> is
    /// the id recorded with every vector (<c>provider/model</c>; the shipped model's id ends with <c>@</c> and the first 12
    /// hex digits of its SHA-256).
    /// </summary>
    internal static Ok<PingResponse> Ping(Tenant tenant, IEmbeddingGenerator<string, Embedding<float>> embedder) =>
        TypedResults.Ok(new PingResponse("ok", tenant.OrganizationId, tenant.ProjectId, null, EmbedderId(embedder)));

    private static string? EmbedderId(IEmbeddingGenerator<string, Embedding<float>> embedder) =>
        embedder.GetService<EmbeddingGeneratorMetadata>() is { } metadata
            ? string.IsNullOrEmpty(metadata.ProviderName) ? metadata.DefaultModelId : $"{metadata.ProviderName}/{metadata.DefaultModelId}"
            : null;

    /// <summary><c>GET /healthz</c>: opens (and migrates) the store on first call.</summary>
    internal static async Task<Ok<HealthResponse>> HealthAsync(IMemoryStore store, CancellationToken cancellationToken)
    {
        await store.InitializeAsync(cancellationToken);
        return TypedResults.Ok(new HealthResponse("ok"));
    }
}
