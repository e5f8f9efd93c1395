namespace Engram;

/// <summary>What a store query selects: a project, a filter, and whether expired or superseded memories count.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record MemoryQuery
{
    /// <summary>Gets the project (tenant) id; every statement is restricted to it.</summary>
    public required string ProjectId { get; init; }

    /// <summary>Gets the filter (scope conditions included), or <see langword="null"/> for the whole project.</summary>
    public MemoryFilter? Filter { get; init; }

    /// <summary>
    /// Gets today's UTC date when expired memories must be left out (a memory is expired when its
    /// <see cref="MemoryItem.ExpirationDate"/> is earlier); <see langword="null"/> includes expired memories.
    /// </summary>
    public DateOnly? ExcludeExpiredBefore { get; init; }

    /// <summary>Gets a value indicating whether superseded memories are left out.</summary>
    public bool ExcludeSuperseded { get; init; }
}
