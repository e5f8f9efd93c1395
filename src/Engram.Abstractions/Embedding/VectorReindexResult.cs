namespace Engram;

/// <summary>The outcome of a completed re-embedding: the store now records <see cref="Embedder"/>.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record VectorReindexResult
{
    /// <summary>Gets the number of memories this run re-embedded.</summary>
    public required long Reembedded { get; init; }

    /// <summary>Gets the number of memories that already had a vector from <see cref="Embedder"/> when the run started
    /// (for example re-embedded by an interrupted earlier run), which it left alone.</summary>
    public required long Skipped { get; init; }

    /// <summary>Gets the embedder the store recorded before the run, or <see langword="null"/> when none was recorded.</summary>
    public required EmbeddingModel? PreviousEmbedder { get; init; }

    /// <summary>Gets the embedder the store records now: the configured one.</summary>
    public required EmbeddingModel Embedder { get; init; }

    /// <summary>Gets the time the run took.</summary>
    public required TimeSpan Elapsed { get; init; }

    /// <summary>Gets a value indicating whether there was nothing to do: every memory already used <see cref="Embedder"/>,
    /// which the store already recorded.</summary>
    public bool IsNoOp => Reembedded == 0 && PreviousEmbedder == Embedder;
}
