namespace Engram;

/// <summary>Output of <see cref="IMemory.ListAsync"/>: one page of memories, newest first.</summary>
public sealed record ListMemoriesResult
{
    /// <summary>Gets the memories of the page, ordered by descending creation time, then id.</summary>
    public required IReadOnlyList<MemoryItem> Items { get; init; }

    /// <summary>Gets the number of memories that match, over all pages.</summary>
    public required long TotalCount { get; init; }

    /// <summary>Gets the 1-based page number.</summary>
    public required int Page { get; init; }

    /// <summary>Gets the page size.</summary>
    public required int PageSize { get; init; }

    /// <summary>Gets a value indicating whether a next page exists.</summary>
    public bool HasMore => (long)Page * PageSize < TotalCount;
}
