namespace Engram;

/// <summary>One search result: a memory and its fused score.</summary>
public sealed record MemorySearchHit
{
    /// <summary>Gets the memory.</summary>
    public required MemoryItem Item { get; init; }

    /// <summary>Gets the fused relevance score in [0, 1]; higher is better.</summary>
    public required double Score { get; init; }

    /// <summary>Gets the reranker's relevance in [0, 1] when the search was reranked (Mem0 <c>rerank_score</c>); otherwise <see langword="null"/>.</summary>
    public double? RerankScore { get; init; }

    /// <summary>Gets the signal breakdown when explain was requested; otherwise <see langword="null"/>.</summary>
    public SearchExplanation? Explanation { get; init; }
}
