namespace Engram;

/// <summary>One page of a listing.</summary>
/// <param name="Items">The memories of the page.</param>
/// <param name="TotalCount">The number of matches over all pages.</param>
public sealed record MemoryPage(IReadOnlyList<MemoryItem> Items, long TotalCount);
