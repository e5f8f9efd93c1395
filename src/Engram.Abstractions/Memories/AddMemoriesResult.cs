namespace Engram;

/// <summary>Output of <see cref="IMemory.AddAsync"/>: one event per memory the call created or changed (Mem0 <c>{"results": [...]}</c>).</summary>
public sealed record AddMemoriesResult
{
    /// <summary>Gets the per-memory events, in creation order. Empty when nothing memorable was found.</summary>
    public required IReadOnlyList<MemoryEvent> Results { get; init; }

    /// <summary>Gets the ids of the raw messages stored by the call (provenance), in input order.</summary>
    public IReadOnlyList<string> MessageIds { get; init; } = [];
}

/// <summary>What happened to one memory during a write (Mem0's <c>{"id","memory","event"}</c> result item).</summary>
public sealed record MemoryEvent
{
    /// <summary>Gets the memory id.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the memory text after the event (the old text for <see cref="MemoryEventType.Delete"/>).</summary>
    public required string Memory { get; init; }

    /// <summary>Gets the kind of change.</summary>
    public required MemoryEventType Event { get; init; }

    /// <summary>Gets the text before an update, when the event changed it.</summary>
    public string? PreviousMemory { get; init; }

    /// <summary>Gets the speaker's name of the source message, when known (Mem0 <c>actor_id</c>).</summary>
    public string? ActorId { get; init; }

    /// <summary>Gets the role of the source message, when known.</summary>
    public string? Role { get; init; }
}

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
