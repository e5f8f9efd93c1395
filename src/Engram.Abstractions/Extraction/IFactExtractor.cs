namespace Engram;

/// <summary>
/// Turns conversation messages into self-contained facts (the <c>infer=true</c> path of add): the offline
/// rule-based extractor, or an LLM single-pass extractor in Mem0 v3 style.
/// </summary>
/// <remarks>Implementations are thread-safe.</remarks>
public interface IFactExtractor
{
    /// <summary>Extracts facts from new messages.</summary>
    /// <param name="request">The new messages and their context.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The facts, in conversation order; empty when nothing is memorable.</returns>
    /// <exception cref="MemoryExtractionException">The extractor produced unusable output (after its own retries).</exception>
    Task<IReadOnlyList<ExtractedFact>> ExtractAsync(FactExtractionRequest request, CancellationToken cancellationToken = default);
}

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
}

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
}

/// <summary>The fact extractor produced output that could not be used (after its retries). Nothing was written.</summary>
public sealed class MemoryExtractionException : EngramException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">A one-line description of the failure.</param>
    /// <param name="innerException">The underlying exception.</param>
    public MemoryExtractionException(string message, Exception? innerException = null) : base(message, innerException) { }
}
