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

    /// <summary>Graph score in [0, 1]: 1 when a relation of the memory names a query entity, 0.5 one hop further.</summary>
    public double? Graph { get; set; }

    public int? GraphRank { get; set; }

    /// <summary>1 when the query names the memory's speaker, 0 when it does not; null when not evaluated.</summary>
    public double? Speaker { get; set; }

    /// <summary>1 when the memory was observed within a date range of the query, 0 when not; null when not evaluated.</summary>
    public double? Time { get; set; }

    /// <summary>The memory's length in characters, when evaluated (the <c>length</c> prior).</summary>
    public double? Length { get; set; }

    /// <summary>Raw BM25 score (≥ 0) of the feedback expansion terms, when the memory was among their hits.</summary>
    public double? Feedback { get; set; }

    public int? FeedbackRank { get; set; }
}
