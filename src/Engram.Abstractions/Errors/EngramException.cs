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
