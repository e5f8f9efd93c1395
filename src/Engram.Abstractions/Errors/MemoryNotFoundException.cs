namespace Engram;

/// <summary>No memory has the given id (Mem0 raises <c>ValueError</c>; the REST API answers 404).</summary>
public sealed class MemoryNotFoundException : EngramException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="memoryId">The id that was not found.</param>
    public MemoryNotFoundException(string memoryId) : base($"Memory '{memoryId}' not found.") => MemoryId = memoryId;

    /// <summary>Gets the id that was not found.</summary>
    public string MemoryId { get; }
}
