namespace Engram;

/// <content>Re-embedding every memory with the configured embedder (<see cref="VectorReindexer"/>, <c>engram reindex</c>).</content>
public sealed partial class MemoryEngine
{
    /// <summary>
    /// Re-embeds every memory of the store — every project, not only <see cref="ProjectId"/>, superseded and expired
    /// memories included — whose vector is not from the configured embedder, embedding its text as a document, in
    /// transactions of <see cref="VectorReindexOptions.BatchSize"/> memories; then records the configured embedder as the
    /// store's, so that writes and searches with it work. Nothing else of a memory changes (text, metadata, timestamps,
    /// history).
    /// </summary>
    /// <param name="options">The batch size and a progress receiver; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">A token to stop between batches.</param>
    /// <returns>What was done; <see cref="VectorReindexResult.IsNoOp"/> when every memory already used the configured embedder.</returns>
    /// <remarks>
    /// <para>Resumable: a run that is cancelled or killed keeps the batches it committed, and the next run re-embeds only
    /// the memories still stale. Until a run completes, the store keeps recording the old embedder, so writes and
    /// searches with the configured one fail with <see cref="EmbeddingMismatchException"/>: run it with the servers over
    /// the store stopped.</para>
    /// <para>Thread-safe, but meant to run alone; the store serialises its batches with other writes.</para>
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="VectorReindexOptions.BatchSize"/> is outside 1..10,000.</exception>
    /// <exception cref="NotSupportedException">The registered store does not implement <see cref="IVectorReindexStore"/>.</exception>
    /// <exception cref="EngramException">The embedder failed or changed during the run, or memories kept changing.</exception>
    /// <exception cref="MemoryStoreException">The store failed; the batch in progress was not written.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; committed batches stay done.</exception>
    public async Task<VectorReindexResult> ReindexAsync(VectorReindexOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new VectorReindexOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.BatchSize, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.BatchSize, VectorReindexOptions.MaxBatchSize, nameof(options));
        using var activity = EngramTelemetry.Start("memory.reindex", _projectId);
        var store = await _core.GetStoreAsync(cancellationToken).ConfigureAwait(false) as IVectorReindexStore
            ?? throw new NotSupportedException($"The registered memory store '{_core.Store.Name}' does not support re-embedding ({nameof(IVectorReindexStore)}).");
        var target = await _core.GetModelAsync(cancellationToken).ConfigureAwait(false);
        var reindexer = new VectorReindexer(store, (memories, token) => _core.EmbedAsync(memories.Select(m => EmbeddingText(m.Text, m.ActorId)).ToList(), token), _core.Time);
        var result = await reindexer.RunAsync(target, options, cancellationToken).ConfigureAwait(false);
        activity.SetTag("engram.reembedded", result.Reembedded);
        Log.MemoriesReindexed(_core.Logger, result.Reembedded, result.Skipped, result.Embedder.Id, result.Embedder.Dimensions, result.Elapsed.TotalMilliseconds);
        return result;
    }
}
