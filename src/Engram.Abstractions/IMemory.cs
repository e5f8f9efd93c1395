namespace Engram;

/// <summary>
/// A memory layer for AI agents: stores facts from conversations per user, agent, app and run, and retrieves the
/// right ones later. The operations mirror Mem0's <c>Memory</c> API (add, search, get, get_all, update, delete,
/// delete_all, history, reset).
/// </summary>
/// <remarks>
/// Implementations are thread-safe: one long-lived instance serves all callers, and scope travels in each request,
/// never in instance state. Every write is transactional: it is applied completely or not at all, and once a call
/// returns its effect survives a process crash. Every method throws <see cref="OperationCanceledException"/> when
/// <c>cancellationToken</c> is cancelled.
/// </remarks>
public interface IMemory
{
    /// <summary>Stores messages and the memories extracted from them (Mem0 <c>add</c>).</summary>
    /// <param name="request">The messages, scope and options.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>One event per created memory.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="MemoryValidationException">The scope is missing or invalid.</exception>
    /// <exception cref="EmbeddingMismatchException">The embedder differs from the one the store was built with.</exception>
    /// <exception cref="MemoryStoreException">The store failed; nothing was written.</exception>
    Task<AddMemoriesResult> AddAsync(AddMemoriesRequest request, CancellationToken cancellationToken = default);

    /// <summary>Finds the memories most relevant to a query (Mem0 <c>search</c>), with hybrid retrieval.</summary>
    /// <param name="request">The query, scope, filters and options.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The hits, best first.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="MemoryValidationException">The query is empty, no scope is given, or an option is out of range.</exception>
    Task<SearchMemoriesResult> SearchAsync(SearchMemoriesRequest request, CancellationToken cancellationToken = default);

    /// <summary>Gets one memory by id (Mem0 <c>get</c>); expired and superseded memories are returned too.</summary>
    /// <param name="memoryId">The memory id.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The memory, or <see langword="null"/> when no memory has that id.</returns>
    /// <exception cref="ArgumentException"><paramref name="memoryId"/> is <see langword="null"/>, empty or whitespace.</exception>
    Task<MemoryItem?> GetAsync(string memoryId, CancellationToken cancellationToken = default);

    /// <summary>Lists memories page by page (Mem0 <c>get_all</c>).</summary>
    /// <param name="request">The scope, filters and page.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>One page, newest first, with the total count.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="MemoryValidationException">No scope is given, or the page is out of range.</exception>
    Task<ListMemoriesResult> ListAsync(ListMemoriesRequest request, CancellationToken cancellationToken = default);

    /// <summary>Changes a memory's text, metadata or expiration date (Mem0 <c>update</c>) and records an UPDATE history row.</summary>
    /// <param name="request">The memory id and the changes.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The memory after the change.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="MemoryValidationException">No change was requested, or the memory is <see cref="MemoryItem.Immutable"/>.</exception>
    /// <exception cref="MemoryNotFoundException">No memory has that id.</exception>
    Task<MemoryItem> UpdateAsync(UpdateMemoryRequest request, CancellationToken cancellationToken = default);

    /// <summary>Deletes a memory (Mem0 <c>delete</c>) and records a DELETE history row.</summary>
    /// <param name="memoryId">The memory id.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the deletion is durable.</returns>
    /// <exception cref="ArgumentException"><paramref name="memoryId"/> is <see langword="null"/>, empty or whitespace.</exception>
    /// <exception cref="MemoryNotFoundException">No memory has that id.</exception>
    Task DeleteAsync(string memoryId, CancellationToken cancellationToken = default);

    /// <summary>Deletes every memory of a scope (Mem0 <c>delete_all</c>), each with a DELETE history row.</summary>
    /// <param name="scope">The scope; at least one identifier is required (use <see cref="ResetAsync"/> to delete everything).</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The number of memories deleted.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="scope"/> is <see langword="null"/>.</exception>
    /// <exception cref="MemoryValidationException">The scope is empty or invalid.</exception>
    Task<int> DeleteAllAsync(MemoryScope scope, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes a memory as <see cref="DeleteAsync"/> does and erases every copy of its text the store holds (history
    /// text, source messages, event payloads, exports, entity links), then reports what was removed.
    /// </summary>
    /// <param name="memoryId">The memory id.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The receipt. The default implementation (for implementations that predate erasure) only deletes and
    /// reports the one memory.</returns>
    /// <exception cref="ArgumentException"><paramref name="memoryId"/> is <see langword="null"/>, empty or whitespace.</exception>
    /// <exception cref="MemoryNotFoundException">No memory has that id.</exception>
    async Task<ErasureReceipt> EraseAsync(string memoryId, CancellationToken cancellationToken = default)
    {
        await DeleteAsync(memoryId, cancellationToken).ConfigureAwait(false);
        return new ErasureReceipt { MemoryIds = [memoryId], ErasedAt = TimeProvider.System.GetUtcNow() };
    }

    /// <summary>
    /// Deletes every memory of a scope as <see cref="DeleteAllAsync"/> does and erases every copy of their text, plus
    /// the scope's raw messages and event payloads, then reports what was removed.
    /// </summary>
    /// <param name="scope">The scope; at least one identifier is required.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The receipt. The default implementation only deletes and reports no ids (it does not know them).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="scope"/> is <see langword="null"/>.</exception>
    /// <exception cref="MemoryValidationException">The scope is empty or invalid.</exception>
    async Task<ErasureReceipt> EraseAllAsync(MemoryScope scope, CancellationToken cancellationToken = default)
    {
        await DeleteAllAsync(scope, cancellationToken).ConfigureAwait(false);
        return new ErasureReceipt { ErasedAt = TimeProvider.System.GetUtcNow() };
    }

    /// <summary>Gets a memory's change history (Mem0 <c>history</c>), oldest first.</summary>
    /// <param name="memoryId">The memory id.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The history rows; empty when the id is unknown.</returns>
    /// <exception cref="ArgumentException"><paramref name="memoryId"/> is <see langword="null"/>, empty or whitespace.</exception>
    Task<IReadOnlyList<MemoryHistoryEntry>> GetHistoryAsync(string memoryId, CancellationToken cancellationToken = default);

    /// <summary>Deletes every memory, history row and raw message of the project (Mem0 <c>reset</c>).</summary>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the store is empty.</returns>
    Task ResetAsync(CancellationToken cancellationToken = default);

    /// <summary>Asks for a service the implementation may provide (the store, the embedder, …), as <c>IChatClient.GetService</c> does.</summary>
    /// <param name="serviceType">The type of service requested.</param>
    /// <param name="serviceKey">An optional key.</param>
    /// <returns>The service, or <see langword="null"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="serviceType"/> is <see langword="null"/>.</exception>
    object? GetService(Type serviceType, object? serviceKey = null);
    /// <summary>
    /// Gets an entity's one-hop neighbourhood in the memory graph: the relations whose source or destination is the
    /// entity, newest first (see <see cref="GraphRelation"/>).
    /// </summary>
    /// <param name="entity">The entity name, in any case and spacing (normalised as Mem0g did: <c>Ana Lima</c> is <c>ana_lima</c>).</param>
    /// <param name="scope">The scope to look in, or <see langword="null"/> for the whole project.</param>
    /// <param name="includeInvalidated">Whether contradicted relations are included (with their invalidation time).</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The relations (an implementation may cap their number; the engine returns at most 200).</returns>
    /// <exception cref="ArgumentException"><paramref name="entity"/> is empty.</exception>
    /// <exception cref="NotSupportedException">The implementation (or its store) has no memory graph; the default implementation always throws it.</exception>
    Task<IReadOnlyList<GraphRelation>> GetRelationsAsync(string entity, MemoryScope? scope = null, bool includeInvalidated = false, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"{GetType().Name} has no memory graph.");
}
