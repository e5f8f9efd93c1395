namespace Engram;

/// <summary>One triple stated by a memory: <c>source —relationship→ destination</c>.</summary>
/// <param name="Source">The source entity, for example <c>Ana</c> or <c>ana</c> (the engine normalises it).</param>
/// <param name="Relationship">The relationship, for example <c>lives in</c> or <c>lives_in</c>.</param>
/// <param name="Destination">The destination entity, for example <c>Lisbon</c>.</param>
/// <param name="MemoryId">The id of the memory that states it (one of <see cref="RelationExtractionRequest.Memories"/>).</param>
public sealed record ExtractedRelation(string Source, string Relationship, string Destination, string MemoryId);
