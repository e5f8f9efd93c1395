namespace Engram;

/// <summary>A candidate that a search found but did not return, and why (explain only).</summary>
public sealed record ExcludedCandidate
{
    /// <summary>Gets the memory id.</summary>
    public required string MemoryId { get; init; }

    /// <summary>Gets the reason: <c>below_threshold</c>, <c>beyond_top_k</c>, <c>superseded</c> or <c>expired</c>.</summary>
    public required string Reason { get; init; }

    /// <summary>Gets the fused score the candidate reached, when it was scored.</summary>
    public double? Score { get; init; }

    /// <summary>Gets, for a <c>superseded</c> candidate, the memory that replaced it (the supersession chain).</summary>
    public string? SupersededBy { get; init; }
}
