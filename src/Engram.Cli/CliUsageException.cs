namespace Engram.Cli;

/// <summary>The command line is well-formed but its values are not usable (exit code 2). Nothing was written.</summary>
internal sealed class CliUsageException : Exception
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">A one-line description of what is wrong.</param>
    /// <param name="innerException">The underlying exception, if any.</param>
    public CliUsageException(string message, Exception? innerException = null) : base(message, innerException) { }
}
