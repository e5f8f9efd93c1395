using System.Globalization;
using System.Text.Json;

namespace Engram;

public sealed partial class MemoryEngine
{
    /// <summary>
    /// Erases the memories of this project whose <c>expiration_date</c> is before today (UTC), as
    /// <see cref="EraseAsync"/> does, in transactions of at most 1,000 memories. Reads already hide expired memories;
    /// this removes them (what a retention sweeper runs on a schedule).
    /// </summary>
    /// <param name="cancellationToken">A token to cancel the operation; pages already erased stay erased.</param>
    /// <returns>What was removed; <see cref="ErasureReceipt.Memories"/> is 0 when nothing had expired.</returns>
    /// <exception cref="MemoryStoreException">The store failed; the current page was not erased.</exception>
    public async Task<ErasureReceipt> EraseExpiredAsync(CancellationToken cancellationToken = default)
    {
        using var activity = EngramTelemetry.Start("memory.erase_expired", _projectId);
        var store = await _core.GetStoreAsync(cancellationToken).ConfigureAwait(false);
        var today = TodayUtc().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var query = new MemoryQuery
        {
            ProjectId = _projectId,
            Filter = new ComparisonFilter(FilterField.Of(FilterFieldKind.ExpirationDate), FilterOperator.Lt, JsonSerializer.SerializeToElement(today)),
        };

        var receipt = new ErasureReceipt { Compacted = true, ErasedAt = _core.Time.GetUtcNow() };
        while (true)
        {
            var page = await store.ListAsync(query, 0, DeleteBatchSize, cancellationToken).ConfigureAwait(false);
            if (page.Items.Count == 0)
            {
                return receipt;
            }

            receipt = receipt.Combine(await EraseItemsAsync(store, page.Items, null, cancellationToken, scrubNeighbours: true).ConfigureAwait(false));
        }
    }
}
