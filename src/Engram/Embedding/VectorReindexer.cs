namespace Engram;

/// <summary>
/// Re-embeds every memory of a store whose vector is not from a target embedder, a batch at a time, then records the
/// target as the store's embedder (<see cref="MemoryEngine.ReindexAsync"/>).
/// </summary>
/// <remarks>
/// <para>Resumable: each batch is one transaction that writes the new vectors with the target's id, so the rows
/// themselves say what is done. A rerun after a crash or a cancellation lists only the memories still stale and never
/// embeds a done one again. The store's recorded embedder changes only once none is stale.</para>
/// <para>Pages are read by position (keyset) in one pass; a memory that changed meanwhile (skipped by the store) or was
/// written meanwhile with the old embedder is taken by a further pass, up to <see cref="MaxPasses"/>; a repeated pass
/// that re-embeds none of the memories it lists stops the run.</para>
/// <para>Not thread-safe: one run per instance at a time. Memory text is never logged.</para>
/// </remarks>
/// <param name="store">The store.</param>
/// <param name="embed">Embeds the memories as documents and L2-normalises the vectors, returning the model they come from.</param>
/// <param name="timeProvider">The clock of <see cref="VectorReindexResult.Elapsed"/>.</param>
internal sealed class VectorReindexer(
    IVectorReindexStore store,
    Func<IReadOnlyList<StaleMemoryVector>, CancellationToken, Task<(float[][] Vectors, EmbeddingModel Model)>> embed,
    TimeProvider timeProvider)
{
    /// <summary>The most passes over the store before giving up on memories that keep changing.</summary>
    public const int MaxPasses = 8;

    /// <summary>Re-embeds the stale memories and records <paramref name="target"/>.</summary>
    /// <param name="target">The embedder to move to (the configured one).</param>
    /// <param name="options">The batch size and progress receiver.</param>
    /// <param name="cancellationToken">A token to stop between batches (committed batches stay done).</param>
    /// <returns>What was done.</returns>
    /// <exception cref="EngramException">The embedder answered with another model or number of vectors, or memories kept
    /// changing during <see cref="MaxPasses"/> passes.</exception>
    /// <exception cref="MemoryStoreException">The store failed; the batch in progress was not written.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<VectorReindexResult> RunAsync(EmbeddingModel target, VectorReindexOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.BatchSize, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.BatchSize, VectorReindexOptions.MaxBatchSize, nameof(options));
        var started = timeProvider.GetTimestamp();
        var status = await store.GetReindexStatusAsync(target, cancellationToken).ConfigureAwait(false);
        options.Progress?.Report(new VectorReindexProgress(0, status.Stale));

        long reembedded = 0;
        for (var pass = 1; ; pass++)
        {
            var (listed, replaced) = await RunPassAsync(target, options, status.Stale, reembedded, cancellationToken).ConfigureAwait(false);
            reembedded += replaced;
            cancellationToken.ThrowIfCancellationRequested();
            if (await store.TryRecordEmbedderAsync(target, cancellationToken).ConfigureAwait(false))
            {
                break;
            }

            // A pass that re-embedded nothing of what it listed, after one that already had to be repeated: the same
            // memories keep changing under it.
            if (pass == MaxPasses || (pass > 1 && listed > 0 && replaced == 0))
            {
                throw new EngramException(
                    $"Memories kept changing while they were re-embedded with '{target.Id}' ({pass} passes). Stop every server writing to this store and run the re-embedding again.");
            }
        }

        return new VectorReindexResult
        {
            Reembedded = reembedded,
            Skipped = status.Memories - status.Stale,
            PreviousEmbedder = status.RecordedEmbedder,
            Embedder = target,
            Elapsed = timeProvider.GetElapsedTime(started),
        };
    }

    /// <summary>One pass over the stale memories, in position order.</summary>
    private async Task<(long Listed, long Replaced)> RunPassAsync(
        EmbeddingModel target, VectorReindexOptions options, long total, long reembeddedBefore, CancellationToken cancellationToken)
    {
        long listed = 0, replaced = 0, after = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = await store.ListStaleVectorsAsync(target, after, options.BatchSize, cancellationToken).ConfigureAwait(false);
            if (batch.Count == 0)
            {
                return (listed, replaced);
            }

            listed += batch.Count;
            var (vectors, model) = await embed(batch, cancellationToken).ConfigureAwait(false);
            if (vectors.Length != batch.Count)
            {
                throw new EngramException($"The embedder returned {vectors.Length} vectors for {batch.Count} texts.");
            }

            if (model != target)
            {
                throw new EngramException(
                    $"The embedder announced '{target.Id}' with {target.Dimensions} dimensions but produced '{model.Id}' with {model.Dimensions}.");
            }

            var replacements = new MemoryVectorReplacement[batch.Count];
            for (var i = 0; i < batch.Count; i++)
            {
                replacements[i] = new MemoryVectorReplacement(batch[i].ProjectId, batch[i].MemoryId, batch[i].Text, vectors[i]);
            }

            replaced += await store.ReplaceVectorsAsync(target, replacements, cancellationToken).ConfigureAwait(false);
            after = batch[^1].Position;
            options.Progress?.Report(new VectorReindexProgress(reembeddedBefore + replaced, total));
            if (batch.Count < options.BatchSize)
            {
                return (listed, replaced);
            }
        }
    }
}
