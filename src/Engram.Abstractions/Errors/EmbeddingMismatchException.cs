namespace Engram;

/// <summary>
/// The embedder's id or dimension differs from the one the stored vectors were made with. Mixing them would silently
/// corrupt search, so the write or search is refused (Mem0's most common local-model bug, issues #4195, #4212).
/// </summary>
public sealed class EmbeddingMismatchException : MemoryStoreException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="storedEmbedder">The embedder id recorded in the store.</param>
    /// <param name="storedDimensions">The dimension recorded in the store.</param>
    /// <param name="embedder">The embedder id in use now.</param>
    /// <param name="dimensions">The dimension in use now.</param>
    public EmbeddingMismatchException(string storedEmbedder, int storedDimensions, string embedder, int dimensions)
        : base($"The store holds vectors from embedder '{storedEmbedder}' with {storedDimensions} dimensions, but the configured embedder is '{embedder}' with {dimensions} dimensions. Use the original embedder, or run `engram reindex` to re-embed every memory with the configured one.")
    {
        StoredEmbedder = storedEmbedder;
        StoredDimensions = storedDimensions;
        Embedder = embedder;
        Dimensions = dimensions;
    }

    /// <summary>Gets the embedder id recorded in the store.</summary>
    public string StoredEmbedder { get; }

    /// <summary>Gets the vector dimension recorded in the store.</summary>
    public int StoredDimensions { get; }

    /// <summary>Gets the embedder id in use now.</summary>
    public string Embedder { get; }

    /// <summary>Gets the vector dimension in use now.</summary>
    public int Dimensions { get; }
}
