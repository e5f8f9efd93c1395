namespace Engram;

/// <summary>A set of changes applied atomically by <see cref="IMemoryStore.WriteAsync"/>.</summary>
/// <remarks>Applied in this order: messages, inserts, updates, supersessions, deletes, history. Immutable.</remarks>
public sealed record MemoryWriteBatch
{
    /// <summary>Gets the project (tenant) id of every row in the batch.</summary>
    public required string ProjectId { get; init; }

    /// <summary>Gets raw messages to store.</summary>
    public IReadOnlyList<StoredMessage> Messages { get; init; } = [];

    /// <summary>Gets new memories.</summary>
    public IReadOnlyList<MemoryRecord> Inserts { get; init; } = [];

    /// <summary>Gets replacements of existing memories (matched by id).</summary>
    public IReadOnlyList<MemoryRecord> Updates { get; init; } = [];

    /// <summary>Gets memories to mark as superseded.</summary>
    public IReadOnlyList<MemorySupersession> Supersessions { get; init; } = [];

    /// <summary>Gets ids of memories to delete (with their vectors, index entries and entity links).</summary>
    public IReadOnlyList<string> Deletes { get; init; } = [];

    /// <summary>Gets history rows to append.</summary>
    public IReadOnlyList<MemoryHistoryEntry> History { get; init; } = [];

    /// <summary>Gets a value indicating whether the batch changes nothing.</summary>
    public bool IsEmpty => Messages.Count == 0 && Inserts.Count == 0 && Updates.Count == 0 && Supersessions.Count == 0 && Deletes.Count == 0 && History.Count == 0;
}
