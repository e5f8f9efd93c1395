namespace Engram.Postgres;

/// <summary>How a <see cref="PostgresMemoryStore"/> keeps and searches vectors; chosen once, when the schema is created.</summary>
public enum PostgresVectorMode
{
    /// <summary>pgvector <c>vector</c> columns with an HNSW index (cosine) per embedder dimension: approximate, sub-linear.</summary>
    Pgvector,

    /// <summary>
    /// The fallback when pgvector is unavailable: <c>bytea</c> columns holding each float32 in network byte order (the
    /// layout of <c>float4send</c>; <c>real[]</c> before schema version 3), every candidate scored exactly (dot product
    /// of L2-normalised vectors) in the process; linear in the number of candidate rows.
    /// </summary>
    ExactArray,
}
