namespace Engram;

/// <summary>At least one inner filter holds (Mem0 <c>OR</c>).</summary>
/// <param name="Filters">The inner filters; an empty list matches nothing.</param>
public sealed record OrFilter(IReadOnlyList<MemoryFilter> Filters) : MemoryFilter;
