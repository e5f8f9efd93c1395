namespace Engram;

/// <summary>A set of changes applied atomically by <see cref="IMemoryStore.WriteAsync"/>.</summary>
/// <remarks>Applied in this order: messages, inserts, updates, lexical appends, supersessions, deletes, history. Immutable.</remarks>
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

    /// <summary>
    /// Gets terms to append to existing memories' lexical text, after the inserts and updates. Index-only: the memories'
    /// other fields (text, vector, <c>updated_at</c>, history) are untouched, and unknown ids are skipped.
    /// </summary>
    public IReadOnlyList<LexicalAppend> LexicalAppends { get; init; } = [];

    /// <summary>
    /// Gets words of erased messages to remove from neighbouring memories' lexical text, applied after the lexical
    /// appends and before the deletes (see <see cref="LexicalRemoval"/>). Index-only like <see cref="LexicalAppends"/>;
    /// unknown ids are skipped. The engine sets it on erasures (<see cref="IMemoryStore.EraseAsync"/>).
    /// </summary>
    public IReadOnlyList<LexicalRemoval> LexicalRemovals { get; init; } = [];

    /// <summary>
    /// Gets the id of an unfinished asynchronous event (see <see cref="IEventStore"/>) that this batch carries out, or
    /// <see langword="null"/>. A store implementing <see cref="IEventStore"/> marks the event succeeded, with the inserted
    /// memories as its results, in the same transaction, and refuses the whole batch with
    /// <see cref="EventConflictException"/> when the event is unknown or already finished: an event's work is applied once.
    /// </summary>
    public string? CompletesEventId { get; init; }

    /// <summary>Gets the language-model usage to record on the event named by <see cref="CompletesEventId"/>, if any.</summary>
    public ModelUsage? CompletesEventUsage { get; init; }

    /// <summary>Gets the graph relations extracted from this batch's memories (written by an <see cref="IGraphStore"/>, ignored otherwise).</summary>
    public IReadOnlyList<GraphRelation> Relations { get; init; } = [];

    /// <summary>Gets the stored relations this batch contradicts (written by an <see cref="IGraphStore"/>, ignored otherwise).</summary>
    public IReadOnlyList<RelationInvalidation> RelationInvalidations { get; init; } = [];

    /// <summary>Gets a value indicating whether the batch changes nothing.</summary>
    public bool IsEmpty => Messages.Count == 0 && Inserts.Count == 0 && Updates.Count == 0 && Supersessions.Count == 0 && Deletes.Count == 0 && History.Count == 0 && LexicalAppends.Count == 0 && LexicalRemovals.Count == 0 && Relations.Count == 0 && RelationInvalidations.Count == 0;
}
