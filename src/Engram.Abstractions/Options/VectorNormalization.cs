namespace Engram;

/// <summary>How <see cref="FusionMethod.Weighted"/> turns a candidate's cosine similarity into the vector signal's value in [0, 1].</summary>
public enum VectorNormalization
{
    /// <summary>The cosine itself, clamped to [0, 1]. Suits embedders whose cosines spread over the whole range (the hashing embedder).</summary>
    Cosine,

    /// <summary>
    /// Min-max over the query's vector candidates: <c>(cos − min) / (max − min)</c>, so the best vector candidate scores 1
    /// and the weakest 0 (0 also for a memory outside them; a lone candidate keeps its cosine). Neural embedders put most cosines in a narrow band
    /// (snowflake-arctic-embed-xs: roughly 0.2–0.7), which raw cosines would flatten.
    /// </summary>
    MinMax,
}
