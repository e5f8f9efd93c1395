namespace Engram;

/// <summary>What each retrieval signal said about one candidate memory. Mutable while a search gathers candidates.</summary>
internal sealed class CandidateSignals(string memoryId)
{
    public string MemoryId { get; } = memoryId;

    /// <summary>Cosine similarity in [-1, 1], when the memory was among the vector candidates.</summary>
    public double? Vector { get; set; }

    public int? VectorRank { get; set; }

    /// <summary>Raw BM25 score (≥ 0), when the memory was among the keyword candidates.</summary>
    public double? Bm25 { get; set; }

    public int? Bm25Rank { get; set; }

    /// <summary>Entity boost in [0, 1] (the best over the query's entities linked to the memory).</summary>
    public double? Entity { get; set; }

    public int? EntityRank { get; set; }
}
