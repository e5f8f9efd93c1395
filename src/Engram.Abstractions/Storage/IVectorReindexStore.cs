namespace Engram;

/// <summary>
/// Storage SPI for re-embedding (<c>engram reindex</c>): finds the memories whose vector was not made by a target
/// embedder, replaces their vectors a batch at a time, and records the target as the store's embedder once none is left.
/// </summary>
/// <remarks>
/// <para>Implementations are thread-safe. Every method covers the whole database: every project, superseded and expired
/// memories included (the recorded embedder is one per database, see <see cref="EmbeddingMismatchException"/>).</para>
/// <para>The progress of a re-embedding is the rows' own embedder column, so it survives a crash: a memory is
/// <i>stale</i> while its vector's embedder id or dimension differs from the target (or it has no vector), and stops
/// being stale when <see cref="ReplaceVectorsAsync"/> commits. The recorded embedder stays the old one until
/// <see cref="TryRecordEmbedderAsync"/> finds no stale memory, so writes and searches with the target embedder are
/// refused with <see cref="EmbeddingMismatchException"/> until then.</para>
/// </remarks>
public interface IVectorReindexStore
{
    /// <summary>Counts the memories and those whose vector is not from <paramref name="target"/>.</summary>
    /// <param name="target">The embedder the vectors should come from.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The recorded embedder and the counts, over every project.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="target"/> is <see langword="null"/>.</exception>
    /// <exception cref="MemoryStoreException">The database cannot be read.</exception>
    Task<VectorReindexStatus> GetReindexStatusAsync(EmbeddingModel target, CancellationToken cancellationToken = default);

    /// <summary>Lists the next stale memories after a position, in storage order (keyset paging).</summary>
    /// <param name="target">The embedder the vectors should come from.</param>
    /// <param name="afterPosition">The <see cref="StaleMemoryVector.Position"/> of the last memory of the previous page; 0 to start.</param>
    /// <param name="limit">The most to return, ≥ 1.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>Stale memories with a position above <paramref name="afterPosition"/>, by ascending position; fewer than
    /// <paramref name="limit"/> only at the end.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="target"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="afterPosition"/> is negative or <paramref name="limit"/> is not positive.</exception>
    /// <exception cref="MemoryStoreException">The database cannot be read.</exception>
    Task<IReadOnlyList<StaleMemoryVector>> ListStaleVectorsAsync(EmbeddingModel target, long afterPosition, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces the vectors of a batch of memories with vectors from <paramref name="target"/>, and their recorded
    /// embedder with <paramref name="target"/>, in one transaction. Nothing else of the memories changes (text, metadata,
    /// <c>updated_at</c>, history, lexical index).
    /// </summary>
    /// <param name="target">The embedder the new vectors come from.</param>
    /// <param name="vectors">The new vectors, each of <paramref name="target"/>'s dimension and L2-normalised.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The number of memories replaced. A memory that no longer exists, or whose text is no longer
    /// <see cref="MemoryVectorReplacement.Text"/> (changed since it was listed), is skipped and stays stale if it is.</returns>
    /// <exception cref="ArgumentNullException">An argument or an element is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A vector's length differs from <paramref name="target"/>'s dimension.</exception>
    /// <exception cref="MemoryStoreException">The write failed; nothing of the batch was written.</exception>
    Task<int> ReplaceVectorsAsync(EmbeddingModel target, IReadOnlyList<MemoryVectorReplacement> vectors, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records <paramref name="target"/> as the store's embedder when no memory is stale, atomically with that check
    /// (a concurrent write with the old embedder either lands before and makes the check fail, or after and is refused).
    /// </summary>
    /// <param name="target">The embedder to record.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns><see langword="true"/> when <paramref name="target"/> is now the recorded embedder (it may have been
    /// already); <see langword="false"/> when stale memories remain and nothing was changed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="target"/> is <see langword="null"/>.</exception>
    /// <exception cref="MemoryStoreException">The write failed; the recorded embedder is unchanged.</exception>
    Task<bool> TryRecordEmbedderAsync(EmbeddingModel target, CancellationToken cancellationToken = default);
}
