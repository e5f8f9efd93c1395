namespace Engram;

/// <summary>Progress of a re-embedding, reported after each committed batch.</summary>
/// <param name="Reembedded">Memories re-embedded so far by this run.</param>
/// <param name="Total">Memories this run found to re-embed when it started (memories written meanwhile with the old
/// embedder are re-embedded too, so <paramref name="Reembedded"/> may end above it).</param>
public sealed record VectorReindexProgress(long Reembedded, long Total);
