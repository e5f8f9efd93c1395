namespace Engram;

/// <summary>Output of <see cref="IMemory.SearchAsync"/>: hits best first.</summary>
public sealed record SearchMemoriesResult
{
    /// <summary>Gets the hits, ordered by descending <see cref="MemorySearchHit.Score"/>, at most <c>top_k</c>.</summary>
    public required IReadOnlyList<MemorySearchHit> Results { get; init; }

    /// <summary>Gets, when explain was requested, the candidates that were dropped and why; otherwise empty.</summary>
    public IReadOnlyList<ExcludedCandidate> Excluded { get; init; } = [];
}
