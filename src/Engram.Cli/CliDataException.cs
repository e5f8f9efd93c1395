namespace Engram.Cli;

/// <summary>An input data file (LoCoMo, corrections) is missing, unreadable or malformed (exit code 4).</summary>
internal sealed class CliDataException : Exception
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">A one-line description of what is wrong.</param>
    /// <param name="innerException">The underlying exception, if any.</param>
    public CliDataException(string message, Exception? innerException = null) : base(message, innerException) { }
}
