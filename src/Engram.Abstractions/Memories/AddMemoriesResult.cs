namespace Engram;

/// <summary>Output of <see cref="IMemory.AddAsync"/>: one event per memory the call created or changed (Mem0 <c>{"results": [...]}</c>).</summary>
public sealed record AddMemoriesResult
{
    /// <summary>Gets the per-memory events, in creation order. Empty when nothing memorable was found.</summary>
    public required IReadOnlyList<MemoryEvent> Results { get; init; }

    /// <summary>Gets the ids of the raw messages stored by the call (provenance), in input order.</summary>
    public IReadOnlyList<string> MessageIds { get; init; } = [];

    /// <summary>Gets the language-model tokens the call spent, or <see langword="null"/> when no model was called.</summary>
    public ModelUsage? Usage { get; init; }

    /// <summary>Gets the graph relations extracted from the added memories (with graph memory on).</summary>
    public IReadOnlyList<GraphRelation> AddedRelations { get; init; } = [];

    /// <summary>Gets the stored relations the added memories contradicted, now invalidated (with graph memory on).</summary>
    public IReadOnlyList<GraphRelation> InvalidatedRelations { get; init; } = [];
}
