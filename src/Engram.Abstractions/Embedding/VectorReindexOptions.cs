using System.ComponentModel.DataAnnotations;

namespace Engram;

/// <summary>Options of a re-embedding (<c>MemoryEngine.ReindexAsync</c>, <c>engram reindex</c>).</summary>
/// <remarks>Not thread-safe while being set; the operation reads the values once, when it starts.</remarks>
public sealed class VectorReindexOptions
{
    /// <summary>The default <see cref="BatchSize"/>.</summary>
    public const int DefaultBatchSize = 256;

    /// <summary>The largest accepted <see cref="BatchSize"/>.</summary>
    public const int MaxBatchSize = 10_000;

    /// <summary>
    /// Gets or sets how many memories are embedded in one embedder call and written in one transaction (1..10,000). A
    /// crash loses at most one batch of work.
    /// </summary>
    /// <value>Defaults to 256.</value>
    [Range(1, MaxBatchSize)]
    public int BatchSize { get; set; } = DefaultBatchSize;

    /// <summary>
    /// Gets or sets the receiver of progress reports: one when the work is counted, then one after each committed batch,
    /// called synchronously on the operation's thread (so a handler may cancel the operation's token to stop after a batch).
    /// </summary>
    /// <value>Defaults to <see langword="null"/> (no reports).</value>
    public IProgress<VectorReindexProgress>? Progress { get; set; }
}
