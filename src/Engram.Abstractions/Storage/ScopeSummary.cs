namespace Engram;

/// <summary>One scope identifier that a project's memories use, with how many memories carry it (Mem0's entities).</summary>
/// <param name="Kind">The kind of identifier.</param>
/// <param name="Id">The identifier, for example a user id.</param>
/// <param name="MemoryCount">The number of memories carrying it, ≥ 1.</param>
/// <param name="FirstCreatedAt">The creation time of its oldest memory (UTC).</param>
/// <param name="LastUpdatedAt">The latest change of any of its memories (UTC).</param>
public sealed record ScopeSummary(ScopeKind Kind, string Id, long MemoryCount, DateTimeOffset FirstCreatedAt, DateTimeOffset LastUpdatedAt);
