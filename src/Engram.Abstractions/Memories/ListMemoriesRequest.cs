namespace Engram;

/// <summary>Input of <see cref="IMemory.ListAsync"/> (Mem0 <c>get_all</c>, with Platform-style paging).</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record ListMemoriesRequest
{
    /// <summary>Gets the scope to list. Optional when <see cref="Filter"/> names a scope field; one of the two must.</summary>
    public MemoryScope? Scope { get; init; }

    /// <summary>Gets additional conditions in Mem0's filter language.</summary>
    public MemoryFilter? Filter { get; init; }

    /// <summary>Gets the 1-based page number.</summary>
    /// <value>Defaults to 1.</value>
    public int Page { get; init; } = 1;

    /// <summary>Gets the page size, 1..1000.</summary>
    /// <value>Defaults to 100 (Mem0 Platform).</value>
    public int PageSize { get; init; } = 100;

    /// <summary>Gets a value indicating whether expired memories are listed too.</summary>
    public bool ShowExpired { get; init; }

    /// <summary>Gets a value indicating whether superseded memories are hidden (Mem0 Platform <c>latest_only</c>).</summary>
    /// <value>Defaults to <see langword="true"/>, as for search; set <see langword="false"/> to list the whole history of facts.</value>
    public bool LatestOnly { get; init; } = true;
}
