using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Engram.Server;

/// <summary>
/// <c>PUT|DELETE /v1/batch/</c>: up to 1000 updates or deletes. Every id is checked first (format, and presence in the
/// caller's project), so a bad entry fails the request before anything changes.
/// </summary>
internal static class BatchEndpoints
{
    public static IEndpointRouteBuilder MapBatchEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/batch").WithTags("Batch").RequireAuthorization();
        group.MapPut("/", UpdateAsync).WithName("BatchUpdateMemories").WithSummary("Update up to 1000 memories' text or metadata.");
        group.MapDelete("/", DeleteAsync).WithName("BatchDeleteMemories").WithSummary("Delete up to 1000 memories.");
        return app;
    }

    /// <summary><c>PUT /v1/batch/</c>: <c>{"memories": [{"memory_id", "text"?, "metadata"?}]}</c>.</summary>
    internal static async Task<Ok<MessageResponse>> UpdateAsync([FromBody] BatchWireRequest body, Tenant tenant, CancellationToken cancellationToken)
    {
        var entries = await ValidateAsync(body, tenant, cancellationToken);
        var updates = entries.Select(e => new UpdateMemoryRequest
        {
            MemoryId = e.Id,
            Text = e.Item.Text,
            Metadata = WireParsing.Metadata(e.Item.Metadata),
        }).ToList();
        if (updates.FirstOrDefault(u => u.Text is null && u.Metadata is null) is { } empty)
        {
            throw new MemoryValidationException($"Nothing to update for memory '{empty.MemoryId}': give text or metadata.", "memories");
        }

        foreach (var update in updates)
        {
            await tenant.Memory.UpdateAsync(update, cancellationToken);
        }

        return TypedResults.Ok(new MessageResponse($"Successfully updated {updates.Count} memories"));
    }

    /// <summary><c>DELETE /v1/batch/</c>: <c>{"memories": [{"memory_id"}]}</c>.</summary>
    internal static async Task<Ok<ErasureMessageResponse>> DeleteAsync([FromBody] BatchWireRequest body, Tenant tenant, CancellationToken cancellationToken)
    {
        var entries = await ValidateAsync(body, tenant, cancellationToken);
        var receipt = new ErasureReceipt();
        foreach (var entry in entries)
        {
            receipt = receipt.Combine(await tenant.Memory.EraseAsync(entry.Id, cancellationToken));
        }

        return TypedResults.Ok(new ErasureMessageResponse($"Successfully deleted {entries.Count} memories", receipt));
    }

    private static async Task<List<(string Id, BatchMemoryItem Item)>> ValidateAsync(BatchWireRequest body, Tenant tenant, CancellationToken cancellationToken)
    {
        if (body.Memories is not { Count: > 0 } memories)
        {
            throw new MemoryValidationException("memories must be a non-empty list of {\"memory_id\": …} objects.", "memories");
        }

        if (memories.Count > WireParsing.MaxBatchSize)
        {
            throw new MemoryValidationException($"A batch holds at most {WireParsing.MaxBatchSize} memories, not {memories.Count}.", "memories");
        }

        var entries = new List<(string Id, BatchMemoryItem Item)>(memories.Count);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in memories)
        {
            var id = WireParsing.MemoryId(item?.MemoryId);
            if (!seen.Add(id))
            {
                throw new MemoryValidationException($"Memory '{id}' appears twice in the batch.", "memories");
            }

            entries.Add((id, item!));
        }

        foreach (var (id, _) in entries)
        {
            if (await tenant.Memory.GetAsync(id, cancellationToken) is null)
            {
                throw new MemoryNotFoundException(id);
            }
        }

        return entries;
    }
}
