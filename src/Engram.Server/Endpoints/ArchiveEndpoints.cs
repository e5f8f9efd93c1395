using Microsoft.AspNetCore.Http.HttpResults;

namespace Engram.Server;

/// <summary>
/// Lossless export and import of the key's project (Engram extension, docs/export.md): <c>GET /v1/exports/jsonl/</c>
/// streams the <c>engram.memories</c> JSONL export (<c>?embeddings=false</c> leaves the vectors out);
/// <c>POST /v1/imports/</c> reads such a file, or a Mem0 export, from the request body (up to the body size limit).
/// </summary>
internal static class ArchiveEndpoints
{
    /// <summary>The media type of the JSONL export.</summary>
    public const string JsonLinesMediaType = "application/x-ndjson";

    public static IEndpointRouteBuilder MapArchiveEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/exports/jsonl/", Export).WithTags("Exports").RequireAuthorization().WithName("ExportJsonLines")
            .WithSummary("Stream the project's memories, history and messages as engram.memories JSONL (lossless).");
        app.MapPost("/v1/imports/", ImportAsync).WithTags("Exports").RequireAuthorization().WithName("ImportMemories")
            .WithSummary("Import an engram.memories JSONL export or a Mem0 export (request body) into the project.");
        return app;
    }

    /// <summary><c>GET /v1/exports/jsonl/[?embeddings=false]</c>: the JSONL stream.</summary>
    internal static IResult Export(Tenant tenant, [Microsoft.AspNetCore.Mvc.FromQuery(Name = "embeddings")] string? embeddingsText)
    {
        var embeddings = WireParsing.QueryBool(embeddingsText, "embeddings");
        return Results.Stream(
            stream => tenant.Memory.ExportAsync(stream, embeddings ?? true),
            JsonLinesMediaType,
            fileDownloadName: "engram-export.jsonl");
    }

    /// <summary><c>POST /v1/imports/</c>: <c>{"memories","history","messages","relations","skipped"}</c>.</summary>
    internal static async Task<Ok<ImportResponse>> ImportAsync(HttpRequest request, Tenant tenant, CancellationToken cancellationToken)
    {
        var summary = await tenant.Memory.ImportAsync(request.Body, cancellationToken);
        return TypedResults.Ok(new ImportResponse(summary.Memories, summary.History, summary.Messages, summary.Relations, summary.Skipped));
    }
}

/// <summary><c>POST /v1/imports/</c>: what was imported.</summary>
internal sealed record ImportResponse(int Memories, int History, int Messages, int Relations, int Skipped);
