namespace Engram;

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
