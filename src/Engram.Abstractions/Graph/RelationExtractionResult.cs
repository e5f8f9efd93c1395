namespace Engram;

/// <summary>The output of <see cref="IRelationExtractor.ExtractAsync"/>.</summary>
/// <remarks>Immutable; thread-safe.</remarks>
public sealed record RelationExtractionResult
{
    /// <summary>An empty result: no relation, no contradiction.</summary>
    public static RelationExtractionResult Empty { get; } = new();

    /// <summary>Gets the relations the memories state, in memory order.</summary>
    public IReadOnlyList<ExtractedRelation> Relations { get; init; } = [];

    /// <summary>Gets the existing relations the memories make untrue (each invalidated by the memory named).</summary>
    public IReadOnlyList<RelationContradiction> Contradictions { get; init; } = [];

    /// <summary>Gets the language-model tokens spent, when a model was called.</summary>
    public ModelUsage? Usage { get; init; }
}
