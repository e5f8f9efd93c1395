namespace Engram;

/// <summary>
/// Storage SPI of the memory graph. A store that implements it writes <see cref="MemoryWriteBatch.Relations"/> and
/// <see cref="MemoryWriteBatch.RelationInvalidations"/> in the transaction of <see cref="IMemoryStore.WriteAsync"/>;
/// a store that does not ignores them, and graph features answer that the store has no graph.
/// </summary>
/// <remarks>Implementations are thread-safe; every call is restricted to one project.</remarks>
public interface IGraphStore
{
    /// <summary>Gets relations of a project, newest first.</summary>
    /// <param name="projectId">The project id.</param>
    /// <param name="scope">The scope: each non-null id must match; <see langword="null"/> for the whole project.</param>
    /// <param name="entities">Entity names (normalised, see <see cref="GraphRelation"/>): relations whose source or destination is one of them; <see langword="null"/> for all.</param>
    /// <param name="includeInvalidated">Whether contradicted relations are included.</param>
    /// <param name="limit">The most relations returned, at least 1.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The relations.</returns>
    Task<IReadOnlyList<GraphRelation>> GetRelationsAsync(
        string projectId, MemoryScope? scope, IReadOnlyCollection<string>? entities, bool includeInvalidated, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Gets the relations extracted from, or invalidated by, the given memories (valid and invalidated ones), newest
    /// first: what an update of a memory re-extracts, and what an add event reports.
    /// </summary>
    /// <param name="projectId">The project id.</param>
    /// <param name="memoryIds">The memory ids; none gives an empty list.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>Relations whose <see cref="GraphRelation.MemoryId"/> or <see cref="GraphRelation.InvalidatedByMemoryId"/> is one of <paramref name="memoryIds"/>.</returns>
    /// <remarks>
    /// The default implementation scans every relation of the project with <see cref="GetRelationsAsync"/>; stores
    /// override it with an indexed lookup.
    /// </remarks>
    async Task<IReadOnlyList<GraphRelation>> GetMemoryRelationsAsync(string projectId, IReadOnlyCollection<string> memoryIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(memoryIds);
        if (memoryIds.Count == 0)
        {
            return [];
        }

        var ids = memoryIds.ToHashSet(StringComparer.Ordinal);
        var all = await GetRelationsAsync(projectId, null, null, includeInvalidated: true, int.MaxValue, cancellationToken).ConfigureAwait(false);
        return all.Where(r => ids.Contains(r.MemoryId) || (r.InvalidatedByMemoryId is { } by && ids.Contains(by))).ToList();
    }
}
