namespace Engram;

/// <summary>A memory id with a score from one retrieval signal.</summary>
/// <param name="MemoryId">The memory id.</param>
/// <param name="Score">The signal's score; its scale depends on the signal (cosine, BM25, …).</param>
public sealed record ScoredMemoryId(string MemoryId, double Score);
