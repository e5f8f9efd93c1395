namespace Engram;

/// <summary>The base of every failure Engram reports on purpose.</summary>
public class EngramException : Exception
{
    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">A one-line description of the failure, safe to show to the caller.</param>
    public EngramException(string message) : base(message) { }

    /// <summary>Initializes a new instance with a message and a cause.</summary>
    /// <param name="message">A one-line description of the failure, safe to show to the caller.</param>
    /// <param name="innerException">The underlying exception.</param>
    public EngramException(string message, Exception? innerException) : base(message, innerException) { }
}

/// <summary>Input broke a rule (missing scope, empty query, malformed filter, …). Nothing was written.</summary>
public sealed class MemoryValidationException : EngramException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">A one-line description of what is wrong and how to fix it.</param>
    /// <param name="parameterName">The offending parameter or field, in Mem0's snake_case (<c>user_id</c>, <c>filters</c>, …).</param>
    /// <param name="innerException">The underlying exception, if any.</param>
    public MemoryValidationException(string message, string? parameterName = null, Exception? innerException = null)
        : base(message, innerException) => ParameterName = parameterName;

    /// <summary>Gets the offending parameter or field, when known.</summary>
    public string? ParameterName { get; }
}

/// <summary>No memory has the given id (Mem0 raises <c>ValueError</c>; the REST API answers 404).</summary>
public sealed class MemoryNotFoundException : EngramException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="memoryId">The id that was not found.</param>
    public MemoryNotFoundException(string memoryId) : base($"Memory '{memoryId}' not found.") => MemoryId = memoryId;

    /// <summary>Gets the id that was not found.</summary>
    public string MemoryId { get; }
}

/// <summary>The store failed. The operation had no effect.</summary>
public class MemoryStoreException : EngramException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">A one-line description of the failure.</param>
    /// <param name="innerException">The underlying exception.</param>
    public MemoryStoreException(string message, Exception? innerException = null) : base(message, innerException) { }

    /// <summary>Gets a value indicating whether retrying the same operation may succeed (lock contention, I/O hiccup).</summary>
    public bool IsTransient { get; init; }

    /// <summary>Gets the store that failed (<c>sqlite</c>, <c>postgres</c>, …).</summary>
    public string? Store { get; init; }

    /// <summary>Gets the operation that failed (<c>write</c>, <c>search</c>, …).</summary>
    public string? Operation { get; init; }
}

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
        : base($"The store holds vectors from embedder '{storedEmbedder}' with {storedDimensions} dimensions, but the configured embedder is '{embedder}' with {dimensions} dimensions. Use the original embedder, or start a new data directory.")
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
