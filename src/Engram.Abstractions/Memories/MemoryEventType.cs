namespace Engram;

/// <summary>The kinds of memory change recorded in results and history (Mem0's events plus supersession).</summary>
public enum MemoryEventType
{
    /// <summary>A memory was created (Mem0 <c>ADD</c>).</summary>
    Add,

    /// <summary>A memory's text, metadata or expiration changed (Mem0 <c>UPDATE</c>).</summary>
    Update,

    /// <summary>A memory was deleted (Mem0 <c>DELETE</c>).</summary>
    Delete,

    /// <summary>A memory was replaced by a newer one and kept with a validity end (Engram <c>SUPERSEDE</c>).</summary>
    Supersede,

    /// <summary>Nothing changed (Mem0 <c>NONE</c>).</summary>
    None,
}
