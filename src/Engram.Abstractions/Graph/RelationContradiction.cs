namespace Engram;

/// <summary>A stored relation that a new memory makes untrue (Mem0g's soft delete): it is invalidated, never deleted.</summary>
/// <param name="RelationId">The id of a relation of <see cref="RelationExtractionRequest.ExistingRelations"/>.</param>
/// <param name="MemoryId">The id of the new memory that contradicts it (one of <see cref="RelationExtractionRequest.Memories"/>).</param>
public sealed record RelationContradiction(long RelationId, string MemoryId);
