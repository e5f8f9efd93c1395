namespace Engram;

/// <summary>
/// One relation of the memory graph (Mem0g's triple): <c>source —relationship→ destination</c>, extracted from a memory
/// and linked to it. Entity names are lower case with spaces as <c>_</c> (Mem0g's form); a self-reference ("I") is the
/// speaker's name or the user id. A contradicted relation is invalidated (<see cref="InvalidatedAt"/>), never deleted.
/// </summary>
/// <remarks>Immutable; thread-safe.</remarks>
public sealed record GraphRelation
{
    /// <summary>Gets the relation id, assigned by the store (0 before it is written).</summary>
    public long Id { get; init; }

    /// <summary>Gets the scope of the source memory.</summary>
    public required MemoryScope Scope { get; init; }

    /// <summary>Gets the source entity, for example <c>alice</c>.</summary>
    public required string Source { get; init; }

    /// <summary>Gets the relationship, for example <c>lives_in</c>.</summary>
    public required string Relationship { get; init; }

    /// <summary>Gets the destination entity, for example <c>lisbon</c>.</summary>
    public required string Destination { get; init; }

    /// <summary>Gets the id of the memory the relation was extracted from.</summary>
    public required string MemoryId { get; init; }

    /// <summary>Gets the time the relation was recorded (UTC).</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets the time a newer relation contradicted it, or <see langword="null"/> while it is valid.</summary>
    public DateTimeOffset? InvalidatedAt { get; init; }

    /// <summary>Gets the memory whose relation contradicted it, or <see langword="null"/>.</summary>
    public string? InvalidatedByMemoryId { get; init; }
}
