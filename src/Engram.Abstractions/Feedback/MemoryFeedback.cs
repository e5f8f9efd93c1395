namespace Engram;

/// <summary>A caller's judgement of a memory (Mem0 <c>feedback</c>: <c>POSITIVE</c>, <c>NEGATIVE</c>, <c>VERY_NEGATIVE</c> or none).</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record MemoryFeedback
{
    /// <summary>Gets the feedback id (UUIDv7).</summary>
    public required string Id { get; init; }

    /// <summary>Gets the project (tenant) id.</summary>
    public required string ProjectId { get; init; }

    /// <summary>Gets the id of the memory judged.</summary>
    public required string MemoryId { get; init; }

    /// <summary>Gets the judgement (<c>POSITIVE</c>, <c>NEGATIVE</c>, <c>VERY_NEGATIVE</c>), or <see langword="null"/> to clear it.</summary>
    public string? Feedback { get; init; }

    /// <summary>Gets the caller's reason, if any.</summary>
    public string? Reason { get; init; }

    /// <summary>Gets when the feedback was given (UTC).</summary>
    public required DateTimeOffset CreatedAt { get; init; }
}
