namespace Engram;

/// <summary>The new vector of one memory in a re-embedding (<see cref="IVectorReindexStore.ReplaceVectorsAsync"/>).</summary>
/// <param name="ProjectId">The memory's project (tenant) id.</param>
/// <param name="MemoryId">The memory id.</param>
/// <param name="Text">The text the vector was made from; the store replaces the vector only while the memory still has this text.</param>
/// <param name="Vector">The vector: L2-normalised, of the target embedder's dimension.</param>
public sealed record MemoryVectorReplacement(string ProjectId, string MemoryId, string Text, ReadOnlyMemory<float> Vector);
