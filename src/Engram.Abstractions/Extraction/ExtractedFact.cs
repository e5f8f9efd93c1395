namespace Engram;

/// <summary>One fact produced by an <see cref="IFactExtractor"/>.</summary>
public sealed record ExtractedFact
{
    /// <summary>Gets the self-contained fact text (names instead of pronouns, absolute dates).</summary>
    public required string Text { get; init; }

    /// <summary>Gets the ids of the messages the fact came from (a subset of the request's messages), at least one.</summary>
    public required IReadOnlyList<string> SourceMessageIds { get; init; }

    /// <summary>Gets who stated the fact: <c>user</c> or <c>assistant</c>, when known.</summary>
    public string? AttributedTo { get; init; }

    /// <summary>Gets the speaker's name, when known.</summary>
    public string? ActorId { get; init; }

    /// <summary>Gets ids of existing memories the fact relates to (Mem0 v3 <c>linked_memory_ids</c>).</summary>
    public IReadOnlyList<string> LinkedMemoryIds { get; init; } = [];

    /// <summary>
    /// Gets ids of existing memories this fact replaces (a changed single-valued attribute: a new employer, a new
    /// home). They must be among <see cref="FactExtractionRequest.ExistingMemories"/>; the engine marks them superseded,
    /// keeps them, and records a <see cref="MemoryEventType.Supersede"/> history row.
    /// </summary>
    public IReadOnlyList<string> SupersededMemoryIds { get; init; } = [];

    /// <summary>Gets the categories assigned to the fact (from <see cref="FactExtractionRequest.Categories"/>); empty when none.</summary>
    public IReadOnlyList<string> Categories { get; init; } = [];
}
