namespace Engram;

/// <summary>One row of a memory's change history (Mem0's <c>history</c> table, plus supersession).</summary>
/// <remarks>Immutable and thread-safe. All timestamps are UTC.</remarks>
public sealed record MemoryHistoryEntry
{
    /// <summary>Gets the history row id (UUIDv7).</summary>
    public required string Id { get; init; }

    /// <summary>Gets the id of the memory the row is about.</summary>
    public required string MemoryId { get; init; }

    /// <summary>Gets the kind of change.</summary>
    public required MemoryEventType Event { get; init; }

    /// <summary>Gets the text before the change (<see langword="null"/> for <see cref="MemoryEventType.Add"/>).</summary>
    public string? OldMemory { get; init; }

    /// <summary>Gets the text after the change (<see langword="null"/> for <see cref="MemoryEventType.Delete"/>).</summary>
    public string? NewMemory { get; init; }

    /// <summary>Gets when the change happened (UTC).</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets a value indicating whether the change deleted the memory.</summary>
    public bool IsDeleted { get; init; }

    /// <summary>Gets the speaker's name behind the change, when known.</summary>
    public string? ActorId { get; init; }

    /// <summary>Gets the role behind the change, when known.</summary>
    public string? Role { get; init; }

    /// <summary>Gets, for supersession, the id of the memory that replaced this one.</summary>
    public string? RelatedMemoryId { get; init; }
}
