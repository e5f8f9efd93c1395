namespace Engram;

/// <summary>None of the inner filters holds (Mem0 <c>NOT</c>, with Qdrant's <c>must_not</c> meaning for a list).</summary>
/// <param name="Filters">The inner filters.</param>
public sealed record NotFilter(IReadOnlyList<MemoryFilter> Filters) : MemoryFilter;
