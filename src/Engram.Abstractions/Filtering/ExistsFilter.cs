namespace Engram;

/// <summary>The field is present and not null (Mem0's <c>"*"</c> wildcard, with pgvector's "field exists" meaning).</summary>
/// <param name="Field">The field.</param>
public sealed record ExistsFilter(FilterField Field) : MemoryFilter;
