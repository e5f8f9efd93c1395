namespace Engram;

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
