namespace Engram;

/// <summary>Where a store stands against a target embedder (<see cref="IVectorReindexStore.GetReindexStatusAsync"/>).</summary>
/// <param name="RecordedEmbedder">The embedder the store records (writes and searches must use it), or <see langword="null"/> when none is recorded.</param>
/// <param name="Memories">The number of memories, every project, superseded and expired ones included.</param>
/// <param name="Stale">How many of them have no vector from the target embedder (another id or dimension, or no vector).</param>
public sealed record VectorReindexStatus(EmbeddingModel? RecordedEmbedder, long Memories, long Stale);
