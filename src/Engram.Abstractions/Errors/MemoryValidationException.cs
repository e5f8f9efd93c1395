namespace Engram;

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
