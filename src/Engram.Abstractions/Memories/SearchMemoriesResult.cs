namespace Engram;

/// <summary>Output of <see cref="IMemory.SearchAsync"/>: hits best first.</summary>
public sealed record SearchMemoriesResult
{
    /// <summary>Gets the hits, ordered by descending <see cref="MemorySearchHit.Score"/>, at most <c>top_k</c>.</summary>
    public required IReadOnlyList<MemorySearchHit> Results { get; init; }

    /// <summary>Gets, when explain was requested, the candidates that were dropped and why; otherwise empty.</summary>
    public IReadOnlyList<ExcludedCandidate> Excluded { get; init; } = [];
}

/// <summary>One search result: a memory and its fused score.</summary>
public sealed record MemorySearchHit
{
    /// <summary>Gets the memory.</summary>
    public required MemoryItem Item { get; init; }

    /// <summary>Gets the fused relevance score in [0, 1]; higher is better.</summary>
    public required double Score { get; init; }

    /// <summary>Gets the signal breakdown when explain was requested; otherwise <see langword="null"/>.</summary>
    public SearchExplanation? Explanation { get; init; }
}

/// <summary>Why a result scored what it did: each retrieval signal's value and contribution.</summary>
public sealed record SearchExplanation
{
    /// <summary>Gets one entry per signal (vector, bm25, entity, …), in a stable order.</summary>
    public required IReadOnlyList<SignalContribution> Signals { get; init; }

    /// <summary>Gets the fusion method that combined the signals (<c>weighted</c>, <c>rrf</c> or <c>mem0</c>).</summary>
    public required string Fusion { get; init; }

    /// <summary>Gets the score before clamping or normalisation.</summary>
    public required double RawScore { get; init; }

    /// <summary>Gets the threshold the score was compared with.</summary>
    public required double Threshold { get; init; }

    /// <summary>Gets the ids of the raw messages the memory came from (same as <see cref="MemoryItem.SourceMessageIds"/>).</summary>
    public required IReadOnlyList<string> SourceMessageIds { get; init; }
}

/// <summary>One signal's share of a fused score.</summary>
public sealed record SignalContribution
{
    /// <summary>Gets the signal name: <c>vector</c>, <c>bm25</c>, <c>entity</c> or another mechanism's name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the signal's raw value (cosine similarity, BM25 score, entity boost, …); 0 when the signal did not fire.</summary>
    public required double RawValue { get; init; }

    /// <summary>Gets the signal's normalised value in [0, 1].</summary>
    public required double Value { get; init; }

    /// <summary>Gets the signal's weight in the fusion.</summary>
    public required double Weight { get; init; }

    /// <summary>Gets the amount the signal added to the raw fused score.</summary>
    public required double Contribution { get; init; }

    /// <summary>Gets the 1-based rank of the memory in this signal's candidate list, or <see langword="null"/> when absent.</summary>
    public int? Rank { get; init; }
}

/// <summary>A candidate that a search found but did not return, and why (explain only).</summary>
public sealed record ExcludedCandidate
{
    /// <summary>Gets the memory id.</summary>
    public required string MemoryId { get; init; }

    /// <summary>Gets the reason: <c>below_threshold</c>, <c>beyond_top_k</c>, <c>superseded</c> or <c>expired</c>.</summary>
    public required string Reason { get; init; }

    /// <summary>Gets the fused score the candidate reached, when it was scored.</summary>
    public double? Score { get; init; }
}
