using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Engram.Server;

/// <summary>
/// Memory exports: <c>POST /v1/exports/</c> exports the memories matching filters, shaped by a JSON schema
/// (<see cref="ExportShaper"/>), and <c>POST /v1/exports/get/</c> returns an export by id or the newest for given filters.
/// Exports are made at once (Mem0 makes them in the background); at most 10,000 memories per export.
/// </summary>
internal static class ExportEndpoints
{
    /// <summary>The most memories one export holds.</summary>
    public const int MaxMemories = 10_000;

    public static IEndpointRouteBuilder MapExportEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/exports").WithTags("Exports").RequireAuthorization();
        group.MapPost("/", CreateAsync).WithName("CreateMemoryExport")
            .WithSummary("Export the memories matching filters, shaped by a JSON schema; returns the export id.");
        group.MapPost("/get/", GetAsync).WithName("GetMemoryExport")
            .WithSummary("Get an export by memory_export_id, or the newest export made with the given filters.");
        return app;
    }

    /// <summary><c>POST /v1/exports/</c>: 201 <c>{"message", "id"}</c>.</summary>
    internal static async Task<Created<ExportCreatedResponse>> CreateAsync(
        CreateExportWireRequest body, Tenant tenant, IExportStore exports, TimeProvider time, CancellationToken cancellationToken)
    {
        if (body.Schema.ValueKind != JsonValueKind.Object)
        {
            throw new MemoryValidationException("schema must be a JSON schema object.", "schema");
        }

        if (body.Filters.ValueKind != JsonValueKind.Object)
        {
            throw new MemoryValidationException("filters are required, for example {\"user_id\": \"alice\"}.", "filters");
        }

        var filter = WireParsing.Filters(body.Filters);
        var items = new List<MemoryItem>();
        for (var page = 1; items.Count < MaxMemories; page++)
        {
            var result = await tenant.Memory.ListAsync(new ListMemoriesRequest { Filter = filter, Page = page, PageSize = 1000 }, cancellationToken);
            items.AddRange(result.Items.Take(MaxMemories - items.Count));
            if (!result.HasMore)
            {
                break;
            }
        }

        var now = time.GetUtcNow();
        var export = new MemoryExport
        {
            Id = Guid.CreateVersion7(now).ToString(),
            ProjectId = tenant.ProjectId,
            Schema = WireParsing.ToJson(body.Schema),
            Filters = WireParsing.ToJson(body.Filters),
            Instructions = body.ExportInstructions,
            Data = ExportShaper.Shape(body.Schema, items),
            MemoryCount = items.Count,
            MemoryIds = items.Select(i => i.Id).ToList(),
            CreatedAt = now,
        };
        await exports.CreateExportAsync(export, cancellationToken);
        return TypedResults.Created((string?)null, new ExportCreatedResponse("Memory export request received. The export is ready.", export.Id));
    }

    /// <summary><c>POST /v1/exports/get/</c>: the export object.</summary>
    internal static async Task<Results<Ok<ExportResponse>, ProblemHttpResult>> GetAsync(
        GetExportWireRequest body, Tenant tenant, IExportStore exports, CancellationToken cancellationToken)
    {
        MemoryExport? export;
        if (!string.IsNullOrWhiteSpace(body.MemoryExportId))
        {
            export = await exports.GetExportAsync(tenant.ProjectId, WireParsing.Uuid(body.MemoryExportId, "memory_export_id"), cancellationToken);
        }
        else if (body.Filters.ValueKind == JsonValueKind.Object)
        {
            export = await exports.FindLatestExportAsync(tenant.ProjectId, WireParsing.ToJson(body.Filters), cancellationToken);
        }
        else
        {
            throw new MemoryValidationException("Give memory_export_id or filters.", "memory_export_id");
        }

        if (export is null)
        {
            return MemoryEndpoints.NotFound("Memory export not found.");
        }

        return TypedResults.Ok(new ExportResponse
        {
            Id = export.Id,
            Status = "SUCCEEDED",
            CreatedAt = export.CreatedAt,
            Schema = Parse(export.Schema),
            Filters = Parse(export.Filters),
            ExportInstructions = export.Instructions,
            Count = export.MemoryCount,
            Data = Parse(export.Data),
        });
    }

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
