namespace Engram;

/// <summary>Marks a stored relation contradicted (Mem0g's soft delete: <c>valid=false</c>, <c>invalidated_at</c>).</summary>
/// <param name="RelationId">The relation id.</param>
/// <param name="At">The invalidation time (UTC).</param>
/// <param name="MemoryId">The memory whose new relation contradicts it.</param>
public sealed record RelationInvalidation(long RelationId, DateTimeOffset At, string MemoryId);
