namespace Engram;

/// <summary>A memory linked to an entity, with the entity's popularity.</summary>
/// <param name="MemoryId">The memory id.</param>
/// <param name="EntityKey">The entity's normalised key.</param>
/// <param name="LinkCount">How many memories (matching the query) the entity is linked to, ≥ 1.</param>
public sealed record EntityLink(string MemoryId, string EntityKey, int LinkCount);
