namespace Engram;

/// <summary>Input of <see cref="IFactExtractor.ExtractAsync"/>.</summary>
public sealed record FactExtractionRequest
{
    /// <summary>Gets the new messages, oldest first, already stored (so they have ids).</summary>
    public required IReadOnlyList<StoredMessage> Messages { get; init; }

    /// <summary>Gets earlier messages of the scope, oldest first (context only; Mem0 uses the last 10).</summary>
    public IReadOnlyList<StoredMessage> RecentMessages { get; init; } = [];

    /// <summary>Gets existing memories similar to the new messages (for dedup and linking).</summary>
    public IReadOnlyList<MemoryItem> ExistingMemories { get; init; } = [];

    /// <summary>Gets when the messages were said (UTC); the only anchor for relative dates.</summary>
    public required DateTimeOffset ObservationDate { get; init; }

    /// <summary>Gets the scope the facts will be stored in.</summary>
    public required MemoryScope Scope { get; init; }

    /// <summary>Gets caller instructions (Mem0 <c>custom_instructions</c>), when given.</summary>
    public string? CustomInstructions { get; init; }

    /// <summary>
    /// Gets the categories facts may be assigned to, name → description (Mem0's <c>custom_categories</c>, or its default
    /// catalogue); empty when categorisation is off.
    /// </summary>
    public IReadOnlyDictionary<string, string> Categories { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Gets a value indicating whether the messages are an agent's run to summarise as one procedural memory (Mem0
    /// <c>memory_type="procedural_memory"</c>) instead of facts to extract.
    /// </summary>
    public bool Procedural { get; init; }
}
