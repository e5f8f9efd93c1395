namespace Engram;

/// <summary>A memory whose vector is not from the target embedder of a re-embedding (<see cref="IVectorReindexStore"/>).</summary>
/// <param name="Position">The memory's position in storage order (&gt; 0), the keyset of <see cref="IVectorReindexStore.ListStaleVectorsAsync"/>.</param>
/// <param name="ProjectId">The memory's project (tenant) id.</param>
/// <param name="MemoryId">The memory id.</param>
/// <param name="Text">The memory's text (<c>memory</c>): what is embedded. Personal data: never log it above Trace.</param>
/// <param name="ActorId">The memory's speaker (<see cref="MemoryItem.ActorId"/>), embedded with the text (<see cref="RetrievalOptions.EmbedSpeaker"/>).</param>
public sealed record StaleMemoryVector(long Position, string ProjectId, string MemoryId, string Text, string? ActorId = null);
