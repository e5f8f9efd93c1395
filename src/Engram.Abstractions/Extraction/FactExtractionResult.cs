namespace Engram;

/// <summary>Output of <see cref="IFactExtractor.ExtractAsync"/>.</summary>
public sealed record FactExtractionResult
{
    /// <summary>Gets the facts, in conversation order; empty when nothing is memorable.</summary>
    public required IReadOnlyList<ExtractedFact> Facts { get; init; }

    /// <summary>Gets the language-model tokens spent, or <see langword="null"/> when no model was called (offline extraction).</summary>
    public ModelUsage? Usage { get; init; }
}
