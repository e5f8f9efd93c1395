namespace Engram;

/// <summary>Why a result scored what it did: each retrieval signal's value and contribution.</summary>
public sealed record SearchExplanation
{
    /// <summary>Gets one entry per signal (vector, bm25, entity, …), in a stable order.</summary>
    public required IReadOnlyList<SignalContribution> Signals { get; init; }

    /// <summary>Gets the fusion method that combined the signals (<c>weighted</c>, <c>rrf</c> or <c>mem0</c>).</summary>
    public required string Fusion { get; init; }

    /// <summary>Gets the score before clamping or normalisation.</summary>
    public required double RawScore { get; init; }

    /// <summary>Gets the threshold the score was compared with.</summary>
    public required double Threshold { get; init; }

    /// <summary>Gets the ids of the raw messages the memory came from (same as <see cref="MemoryItem.SourceMessageIds"/>).</summary>
    public required IReadOnlyList<string> SourceMessageIds { get; init; }
}
