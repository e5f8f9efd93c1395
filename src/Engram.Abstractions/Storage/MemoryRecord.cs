namespace Engram;

/// <summary>A memory as the engine writes it: the item plus what retrieval needs (lexical text, vector, entities).</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record MemoryRecord
{
    /// <summary>Gets the memory.</summary>
    public required MemoryItem Item { get; init; }

    /// <summary>Gets the analysed text (space-separated lower-case stems) indexed for BM25.</summary>
    public required string LexicalText { get; init; }

    /// <summary>
    /// Gets the L2-normalised embedding of <see cref="MemoryItem.Memory"/>. On update, an empty vector keeps the stored one.
    /// </summary>
    public ReadOnlyMemory<float> Embedding { get; init; }

    /// <summary>Gets the embedder of <see cref="Embedding"/>; required when the vector is not empty.</summary>
    public EmbeddingModel? EmbeddingModel { get; init; }

    /// <summary>Gets the entities the memory mentions; on update, <see langword="null"/> keeps the stored links.</summary>
    public IReadOnlyList<EntityMention>? Entities { get; init; }
}
