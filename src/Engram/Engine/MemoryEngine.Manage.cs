namespace Engram;

public sealed partial class MemoryEngine
{
    /// <summary>The most memories <see cref="DeleteAllAsync"/> removes per transaction (Mem0 pages its delete_all by 1,000).</summary>
    private const int DeleteBatchSize = 1000;

    /// <inheritdoc/>
    public async Task<MemoryItem?> GetAsync(string memoryId, CancellationToken cancellationToken = default)
    {
        RequestValidation.ValidateMemoryId(memoryId, nameof(memoryId));
        using var activity = EngramTelemetry.Start("memory.get", _projectId);
        var store = await _core.GetStoreAsync(cancellationToken).ConfigureAwait(false);
        return await store.GetAsync(_projectId, memoryId, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<ListMemoriesResult> ListAsync(ListMemoriesRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var activity = EngramTelemetry.Start("memory.list", _projectId);
        if (request.Page < 1)
        {
            throw new MemoryValidationException($"page must be 1 or more, not {request.Page}.", "page");
        }

        if (request.PageSize is < 1 or > 1000)
        {
            throw new MemoryValidationException($"page_size must be between 1 and 1000, not {request.PageSize}.", "page_size");
        }

        var filter = RequestValidation.BuildReadFilter(request.Scope, request.Filter);
        var offset = (long)(request.Page - 1) * request.PageSize;
        if (offset > int.MaxValue)
        {
            throw new MemoryValidationException("page is too large.", "page");
        }

        var store = await _core.GetStoreAsync(cancellationToken).ConfigureAwait(false);
        var page = await store.ListAsync(
            new MemoryQuery
            {
                ProjectId = _projectId,
                Filter = filter,
                ExcludeExpiredBefore = request.ShowExpired ? null : TodayUtc(),
                ExcludeSuperseded = request.LatestOnly,
            },
            (int)offset,
            request.PageSize,
            cancellationToken).ConfigureAwait(false);

        return new ListMemoriesResult { Items = page.Items, TotalCount = page.TotalCount, Page = request.Page, PageSize = request.PageSize };
    }

    /// <inheritdoc/>
    public async Task<MemoryItem> UpdateAsync(UpdateMemoryRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        RequestValidation.ValidateMemoryId(request.MemoryId, "memory_id");
        using var activity = EngramTelemetry.Start("memory.update", _projectId);
        if (request.Text is null && request.Metadata is null && request.ExpirationDate is null && !request.ClearExpirationDate && request.Timestamp is null)
        {
            throw new MemoryValidationException("Nothing to update: give text, metadata, an expiration date or a timestamp.", "text");
        }

        if (request.Text is not null && string.IsNullOrWhiteSpace(request.Text))
        {
            throw new MemoryValidationException("text cannot be empty or whitespace.", "text");
        }

        if (request.ExpirationDate is not null && request.ClearExpirationDate)
        {
            throw new MemoryValidationException("Give either a new expiration date or clear it, not both.", "expiration_date");
        }

        var metadata = RequestValidation.StripIdentityKeys(request.Metadata, _core.Logger);
        var store = await _core.GetStoreAsync(cancellationToken).ConfigureAwait(false);
        var existing = await store.GetAsync(_projectId, request.MemoryId, cancellationToken).ConfigureAwait(false)
            ?? throw new MemoryNotFoundException(request.MemoryId);

        if (existing.Immutable)
        {
            throw new MemoryValidationException(
                $"Memory {existing.Id} is immutable and cannot be updated: delete it and add a new one instead.", "immutable");
        }

        var now = _core.Time.GetUtcNow();
        var mergedMetadata = existing.Metadata;
        if (metadata.Count > 0)
        {
            var merged = new Dictionary<string, System.Text.Json.JsonElement>(existing.Metadata, StringComparer.Ordinal);
            foreach (var (key, value) in metadata)
            {
                merged[key] = value;
            }

            mergedMetadata = merged;
        }

        var text = request.Text ?? existing.Memory;
        var updated = existing with
        {
            Memory = text,
            Hash = ComputeHash(text),
            Metadata = mergedMetadata,
            ExpirationDate = request.ClearExpirationDate ? null : request.ExpirationDate ?? existing.ExpirationDate,
            UpdatedAt = now,
            ObservedAt = request.Timestamp?.ToUniversalTime() ?? existing.ObservedAt,
            CreatedAt = request.Timestamp?.ToUniversalTime() ?? existing.CreatedAt,
        };

        MemoryRecord record;
        if (request.Text is not null && request.Text != existing.Memory)
        {
            var (vectors, model) = await _core.EmbedAsync([EmbeddingText(text, updated.ActorId)], cancellationToken).ConfigureAwait(false);
            record = CreateRecord(updated, vectors[0], model, updated.ActorId is null ? [] : [updated.ActorId]);
        }
        else
        {
            // Same text: keep the stored vector and entity links.
            record = CreateRecord(updated, null, null, []);
        }

        var history = new MemoryHistoryEntry
        {
            Id = NewId(),
            MemoryId = existing.Id,
            Event = MemoryEventType.Update,
            OldMemory = existing.Memory,
            NewMemory = text,
            CreatedAt = now,
            ActorId = existing.ActorId,
            Role = existing.Role,
        };

        var (relations, invalidations) = request.Text is not null && request.Text != existing.Memory && store is IGraphStore graph
            ? await ReextractRelationsAsync(graph, updated, now, cancellationToken).ConfigureAwait(false)
            : ([], []);
        await store.WriteAsync(
            new MemoryWriteBatch { ProjectId = _projectId, Updates = [record], History = [history], Relations = relations, RelationInvalidations = invalidations },
            cancellationToken).ConfigureAwait(false);
        Log.MemoryUpdated(_core.Logger, existing.Id);
        return updated;
    }

    /// <inheritdoc/>
    /// <remarks>An erasure: see <see cref="EraseAsync"/>.</remarks>
    public async Task DeleteAsync(string memoryId, CancellationToken cancellationToken = default) =>
        await EraseAsync(memoryId, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    /// <remarks>An erasure: see <see cref="EraseAllAsync"/>.</remarks>
    public async Task<int> DeleteAllAsync(MemoryScope scope, CancellationToken cancellationToken = default) =>
        (await EraseAllAsync(scope, cancellationToken).ConfigureAwait(false)).Memories;

    /// <inheritdoc/>
    /// <remarks>The DELETE history row records the event without the text; the store erases the other copies
    /// (<see cref="IMemoryStore.EraseAsync"/>).</remarks>
    public async Task<ErasureReceipt> EraseAsync(string memoryId, CancellationToken cancellationToken = default)
    {
        RequestValidation.ValidateMemoryId(memoryId, nameof(memoryId));
        using var activity = EngramTelemetry.Start("memory.delete", _projectId);
        var store = await _core.GetStoreAsync(cancellationToken).ConfigureAwait(false);
        var existing = await store.GetAsync(_projectId, memoryId, cancellationToken).ConfigureAwait(false)
            ?? throw new MemoryNotFoundException(memoryId);
        return await EraseItemsAsync(store, [existing], null, cancellationToken, scrubNeighbours: true).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <remarks>Pages of at most 1,000 memories, one transaction each; the receipt adds them up.</remarks>
    public async Task<ErasureReceipt> EraseAllAsync(MemoryScope scope, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        using var activity = EngramTelemetry.Start("memory.delete_all", _projectId);
        var normalized = RequestValidation.NormalizeScope(scope, required: true);
        var store = await _core.GetStoreAsync(cancellationToken).ConfigureAwait(false);
        var query = new MemoryQuery { ProjectId = _projectId, Filter = RequestValidation.ScopeFilter(normalized) };

        ErasureReceipt? receipt = null;
        HashSet<string>? previous = null;
        while (true)
        {
            var page = await store.ListAsync(query, 0, DeleteBatchSize, cancellationToken).ConfigureAwait(false);

            // Mem0 stops when it sees the same batch twice; a store that does not delete would otherwise loop forever.
            var ids = page.Items.Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
            if (previous is not null && ids.SetEquals(previous))
            {
                throw new MemoryStoreException("delete_all made no progress: the store returned the same memories twice.") { Store = store.Name, Operation = "delete_all" };
            }

            // The scope's messages and event payloads are erased with the last page: a short or empty one.
            var last = page.Items.Count < DeleteBatchSize;
            var next = await EraseItemsAsync(store, page.Items, last ? normalized : null, cancellationToken).ConfigureAwait(false);
            receipt = receipt is null ? next : receipt.Combine(next);
            if (last)
            {
                return receipt;
            }

            previous = ids;
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<MemoryHistoryEntry>> GetHistoryAsync(string memoryId, CancellationToken cancellationToken = default)
    {
        RequestValidation.ValidateMemoryId(memoryId, nameof(memoryId));
        using var activity = EngramTelemetry.Start("memory.history", _projectId);
        var store = await _core.GetStoreAsync(cancellationToken).ConfigureAwait(false);
        return await store.GetHistoryAsync(_projectId, memoryId, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task ResetAsync(CancellationToken cancellationToken = default)
    {
        using var activity = EngramTelemetry.Start("memory.reset", _projectId);
        var store = await _core.GetStoreAsync(cancellationToken).ConfigureAwait(false);
        await store.ResetAsync(_projectId, cancellationToken).ConfigureAwait(false);
        Log.ProjectReset(_core.Logger, _projectId);
    }

    // scrubNeighbours: the memories stay around the erased ones (erasure by id, retention), so the erased messages' words
    // leave their neighbours' keywords too; a scope erasure takes the whole scope, neighbours included.
    private async Task<ErasureReceipt> EraseItemsAsync(
        IMemoryStore store, IReadOnlyList<MemoryItem> items, MemoryScope? scope, CancellationToken cancellationToken, bool scrubNeighbours = false)
    {
        var removals = scrubNeighbours ? await NeighbourRemovalsAsync(store, items, cancellationToken).ConfigureAwait(false) : [];
        var now = _core.Time.GetUtcNow();
        var history = items.Select(i => new MemoryHistoryEntry
        {
            Id = NewId(),
            MemoryId = i.Id,
            Event = MemoryEventType.Delete,
            CreatedAt = now,
            IsDeleted = true,
            ActorId = i.ActorId,
            Role = i.Role,
        }).ToList();

        var receipt = await store.EraseAsync(
            new MemoryWriteBatch { ProjectId = _projectId, Deletes = items.Select(i => i.Id).ToList(), History = history, LexicalRemovals = removals },
            scope,
            cancellationToken).ConfigureAwait(false);
        Log.MemoriesDeleted(_core.Logger, items.Count);
        return receipt;
    }
}
