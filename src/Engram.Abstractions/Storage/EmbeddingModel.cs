namespace Engram;

/// <summary>Identifies the embedder that produced a vector: a stable id and the vector dimension.</summary>
/// <param name="Id">A stable id such as <c>engram-hashing-v1</c> or <c>openai/text-embedding-3-small</c>.</param>
/// <param name="Dimensions">The vector dimension, ≥ 1.</param>
public sealed record EmbeddingModel(string Id, int Dimensions);
