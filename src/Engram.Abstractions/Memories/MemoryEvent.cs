namespace Engram;

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
