namespace Engram;

/// <summary>
/// The storage SPI every backend implements (embedded SQLite, PostgreSQL, …): memories with their vectors and
/// lexical text, history, raw messages and entity links, under a project (tenant) id.
/// </summary>
/// <remarks>
/// <para>Implementations are thread-safe and may be used by several processes over the same database.
/// Every method takes the project id (directly or in <see cref="MemoryQuery"/>) and must apply it as a predicate on every
/// statement: a project never sees another project's rows.</para>
/// <para><see cref="WriteAsync"/> is atomic and durable: when it returns, a process crash cannot undo it; when it throws,
/// nothing of the batch was written.</para>
/// </remarks>
public interface IMemoryStore
{
    /// <summary>Gets the store's short name (<c>sqlite</c>, <c>postgres</c>), used in errors and telemetry.</summary>
    string Name { get; }

    /// <summary>Creates or migrates the schema. Idempotent; called once before first use.</summary>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the store is ready.</returns>
    /// <exception cref="MemoryStoreException">The database is unreadable, corrupt, or from a newer schema version.</exception>
    Task InitializeAsync(CancellationToken cancellationToken = default);

    /// <summary>Applies a batch of changes in one transaction.</summary>
    /// <param name="batch">The changes.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the batch is durable.</returns>
    /// <exception cref="EmbeddingMismatchException">A vector's embedder or dimension differs from the stored ones.</exception>
    /// <exception cref="MemoryStoreException">The write failed; nothing was written.</exception>
    Task WriteAsync(MemoryWriteBatch batch, CancellationToken cancellationToken = default);

    /// <summary>Gets one memory by id.</summary>
    /// <param name="projectId">The project (tenant) id.</param>
    /// <param name="memoryId">The memory id.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The memory, or <see langword="null"/>.</returns>
    Task<MemoryItem?> GetAsync(string projectId, string memoryId, CancellationToken cancellationToken = default);

    /// <summary>Gets several memories by id; unknown ids are skipped.</summary>
    /// <param name="projectId">The project (tenant) id.</param>
    /// <param name="memoryIds">The ids.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The memories found, in no particular order.</returns>
    Task<IReadOnlyList<MemoryItem>> GetManyAsync(string projectId, IReadOnlyCollection<string> memoryIds, CancellationToken cancellationToken = default);

    /// <summary>Lists the memories matching a query, newest first (by <c>created_at</c>, then id, descending).</summary>
    /// <param name="query">The query.</param>
    /// <param name="offset">The number of matches to skip, ≥ 0.</param>
    /// <param name="limit">The most to return, ≥ 1.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The page and the total number of matches.</returns>
    Task<MemoryPage> ListAsync(MemoryQuery query, int offset, int limit, CancellationToken cancellationToken = default);

    /// <summary>Finds the memories whose vectors are most similar to <paramref name="vector"/> (cosine similarity, exact).</summary>
    /// <param name="query">The query restricting the candidates.</param>
    /// <param name="vector">The query vector; L2-normalised, of <paramref name="model"/>'s dimension.</param>
    /// <param name="model">The embedder the vector came from.</param>
    /// <param name="limit">The most to return, ≥ 1.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>Hits with cosine similarity in [-1, 1] as <see cref="ScoredMemoryId.Score"/>, best first.</returns>
    /// <exception cref="EmbeddingMismatchException"><paramref name="model"/> differs from the stored vectors' embedder.</exception>
    Task<IReadOnlyList<ScoredMemoryId>> SearchVectorsAsync(MemoryQuery query, ReadOnlyMemory<float> vector, EmbeddingModel model, int limit, CancellationToken cancellationToken = default);

    /// <summary>Ranks memories by BM25 over their lexical text for any of the given terms.</summary>
    /// <param name="query">The query restricting the candidates.</param>
    /// <param name="terms">Analysed query terms (lower-case stems as produced for <see cref="MemoryRecord.LexicalText"/>).</param>
    /// <param name="limit">The most to return, ≥ 1.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>Hits with the BM25 score (≥ 0, higher is better; Robertson/Spärck Jones with k1 = 1.2, b = 0.75) as <see cref="ScoredMemoryId.Score"/>, best first.</returns>
    Task<IReadOnlyList<ScoredMemoryId>> SearchKeywordsAsync(MemoryQuery query, IReadOnlyList<string> terms, int limit, CancellationToken cancellationToken = default);

    /// <summary>Finds memories linked to any of the given entities.</summary>
    /// <param name="query">The query restricting the candidates.</param>
    /// <param name="entityKeys">Normalised entity keys (see <see cref="EntityMention.Key"/>).</param>
    /// <param name="limit">The most links to return, ≥ 1.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>One row per (memory, entity) link.</returns>
    Task<IReadOnlyList<EntityLink>> FindEntityLinksAsync(MemoryQuery query, IReadOnlyList<string> entityKeys, int limit, CancellationToken cancellationToken = default);

    /// <summary>Gets a memory's history, oldest first.</summary>
    /// <param name="projectId">The project (tenant) id.</param>
    /// <param name="memoryId">The memory id.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The rows; empty for an unknown id.</returns>
    Task<IReadOnlyList<MemoryHistoryEntry>> GetHistoryAsync(string projectId, string memoryId, CancellationToken cancellationToken = default);

    /// <summary>Gets raw messages by id; unknown ids are skipped.</summary>
    /// <param name="projectId">The project (tenant) id.</param>
    /// <param name="messageIds">The message ids.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The messages, oldest first.</returns>
    Task<IReadOnlyList<StoredMessage>> GetMessagesAsync(string projectId, IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken = default);

    /// <summary>Gets the most recent raw messages of exactly this scope (Mem0 keeps the last 10 as extraction context).</summary>
    /// <param name="projectId">The project (tenant) id.</param>
    /// <param name="scope">The scope; identifiers that are <see langword="null"/> must be null on the message too.</param>
    /// <param name="limit">The most to return, ≥ 1.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The messages, oldest first.</returns>
    Task<IReadOnlyList<StoredMessage>> GetRecentMessagesAsync(string projectId, MemoryScope scope, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes a batch whose <see cref="MemoryWriteBatch.Deletes"/> are erasures: besides the rows, the store removes
    /// every copy of their text it holds (history text, source messages, event payloads, exports, entity links) and,
    /// when <paramref name="scope"/> is given, the scope's raw messages and event payloads, in the same transaction.
    /// </summary>
    /// <param name="batch">The batch (deletes plus their history rows).</param>
    /// <param name="scope">The scope being erased (delete_all, entity deletion), or <see langword="null"/> for single ids.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>What was removed. The default implementation (stores that predate erasure) is <see cref="WriteAsync"/>
    /// and reports only the memories.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="batch"/> is <see langword="null"/>.</exception>
    /// <exception cref="MemoryNotFoundException">A delete names an id that is not in the project.</exception>
    async Task<ErasureReceipt> EraseAsync(MemoryWriteBatch batch, MemoryScope? scope, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        await WriteAsync(batch, cancellationToken).ConfigureAwait(false);
        return new ErasureReceipt { MemoryIds = batch.Deletes, ErasedAt = TimeProvider.System.GetUtcNow() };
    }

    /// <summary>Deletes every memory, history row, message and entity of the project.</summary>
    /// <param name="projectId">The project (tenant) id.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the deletion is durable.</returns>
    Task ResetAsync(string projectId, CancellationToken cancellationToken = default);
}
