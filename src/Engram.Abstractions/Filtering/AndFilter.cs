namespace Engram;

/// <summary>All the inner filters hold (Mem0 <c>AND</c>).</summary>
/// <param name="Filters">The inner filters; an empty list matches everything.</param>
public sealed record AndFilter(IReadOnlyList<MemoryFilter> Filters) : MemoryFilter;
