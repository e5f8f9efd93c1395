namespace Engram.ModelQuantizer;

/// <summary>Texts read from a LoCoMo file.</summary>
/// <param name="Turns">The conversation turns, in file order.</param>
/// <param name="Questions">The questions, query-prefixed, in file order.</param>
public sealed record LocomoTextSet(IReadOnlyList<string> Turns, IReadOnlyList<string> Questions);
