namespace Engram;

/// <summary>How search combines its signals into one score.</summary>
public enum FusionMethod
{
    /// <summary>
    /// Weighted sum of normalised signals divided by the sum of the weights of the signals present, so the score is in
    /// [0, 1]: cosine similarity clipped to [0, 1], BM25 divided by the query's best BM25, and the entity boost.
    /// </summary>
    Weighted,

    /// <summary>Reciprocal rank fusion: Σ weight / (k + rank), rescaled to [0, 1] by its maximum possible value.</summary>
    Rrf,

    /// <summary>
    /// Mem0 OSS's formula: (semantic + sigmoid-normalised BM25 + entity boost) / max_possible, with the threshold applied to
    /// the semantic score before fusion (<c>mem0/utils/scoring.py</c>).
    /// </summary>
    Mem0,
}
