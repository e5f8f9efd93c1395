namespace Engram;

/// <summary>The input of <see cref="IRelationExtractor.ExtractAsync"/>.</summary>
/// <remarks>Immutable; thread-safe.</remarks>
public sealed record RelationExtractionRequest
{
    /// <summary>Gets the new (or re-written) memories to extract relations from, all of <see cref="Scope"/>.</summary>
    public required IReadOnlyList<MemoryItem> Memories { get; init; }

    /// <summary>Gets the scope of the memories.</summary>
    public required MemoryScope Scope { get; init; }

    /// <summary>
    /// Gets the valid stored relations of the scope around the memories' entities (their speakers, the user, the names
    /// they mention), newest first: the ones a new memory may contradict.
    /// </summary>
    public IReadOnlyList<GraphRelation> ExistingRelations { get; init; } = [];

    /// <summary>
    /// Gives the name a self-reference ("I", "me", "my") in a memory stands for, as Mem0g mapped it to the user: the
    /// memory's speaker (<see cref="MemoryItem.ActorId"/>), else the scope's user id, else its agent id.
    /// </summary>
    /// <param name="memory">A memory of <see cref="Memories"/>.</param>
    /// <returns>The name, or <see langword="null"/> when none is known.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="memory"/> is <see langword="null"/>.</exception>
    public string? SelfOf(MemoryItem memory)
    {
        ArgumentNullException.ThrowIfNull(memory);
        return memory.ActorId ?? Scope.UserId ?? Scope.AgentId;
    }
}
