namespace Engram;

/// <summary>Output of <see cref="IMemory.SearchAsync"/>: hits best first.</summary>
public sealed record SearchMemoriesResult
{
    /// <summary>Gets the hits, ordered by descending <see cref="MemorySearchHit.Score"/>, at most <c>top_k</c>.</summary>
    public required IReadOnlyList<MemorySearchHit> Results { get; init; }

    /// <summary>Gets, when explain was requested, the candidates that were dropped and why; otherwise empty.</summary>
    public IReadOnlyList<ExcludedCandidate> Excluded { get; init; } = [];

    /// <summary>
    /// Gets the valid relations around the query's entities, at most 5, best first (only with
    /// <see cref="SearchMemoriesRequest.EnableGraph"/>; empty when the store has no graph).
    /// </summary>
    public IReadOnlyList<GraphRelation> Relations { get; init; } = [];
}
