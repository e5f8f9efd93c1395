namespace Engram;

/// <summary>Input of <see cref="IMemory.SearchAsync"/> (Mem0 <c>search</c>).</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record SearchMemoriesRequest
{
    /// <summary>Gets the natural-language query. Empty or whitespace-only queries are rejected (Mem0's rule).</summary>
    public required string Query { get; init; }

    /// <summary>
    /// Gets the scope to search. Optional when <see cref="Filter"/> names at least one scope field
    /// (<c>user_id</c>, <c>agent_id</c>, <c>app_id</c>, <c>run_id</c>); one of the two must.
    /// </summary>
    public MemoryScope? Scope { get; init; }

    /// <summary>Gets additional conditions in Mem0's filter language (see <see cref="MemoryFilter.Parse(string)"/>).</summary>
    public MemoryFilter? Filter { get; init; }

    /// <summary>Gets the number of results to return, 1..1000. Defaults to <see cref="MemoryOptions.DefaultTopK"/>.</summary>
    public int? TopK { get; init; }

    /// <summary>
    /// Gets the minimum fused score in [0, 1] a result must reach. Defaults to <see cref="MemoryOptions.DefaultThreshold"/>.
    /// </summary>
    public double? Threshold { get; init; }

    /// <summary>Gets a value indicating whether each result carries its signal breakdown and excluded candidates are reported.</summary>
    public bool Explain { get; init; }

    /// <summary>Gets a value indicating whether expired memories are returned too (Mem0 <c>show_expired</c>).</summary>
    public bool ShowExpired { get; init; }

    /// <summary>Gets a value indicating whether superseded memories are hidden (Mem0 Platform <c>latest_only</c>).</summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool LatestOnly { get; init; } = true;

    /// <summary>
    /// Gets a value indicating whether the results are re-ordered by the registered <see cref="IReranker"/> (Mem0
    /// <c>rerank</c>); ignored when none is registered. On a reranker failure the fused order is kept, as in Mem0.
    /// </summary>
    public bool Rerank { get; init; }

    /// <summary>Gets the date that stands for "now" when the query has relative dates (Mem0 Platform <c>reference_date</c>).</summary>
    public DateTimeOffset? ReferenceDate { get; init; }

    /// <summary>
    /// Gets a value indicating whether the result carries the graph relations around the query's entities
    /// (<see cref="SearchMemoriesResult.Relations"/>; Mem0's <c>enable_graph</c> / <c>output_format: v1.1</c>).
    /// </summary>
    public bool EnableGraph { get; init; }
}
