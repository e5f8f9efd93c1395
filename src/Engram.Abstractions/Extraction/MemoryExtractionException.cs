namespace Engram;

/// <summary>The fact extractor produced output that could not be used (after its retries). Nothing was written.</summary>
public sealed class MemoryExtractionException : EngramException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">A one-line description of the failure.</param>
    /// <param name="innerException">The underlying exception.</param>
    public MemoryExtractionException(string message, Exception? innerException = null) : base(message, innerException) { }
}
