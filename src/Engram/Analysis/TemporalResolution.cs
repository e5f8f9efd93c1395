namespace Engram;

/// <summary>The result of <see cref="TemporalResolver.Resolve"/>: the text with absolute dates added, and the dates found.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record TemporalResolution
{
    /// <summary>
    /// Gets the input text with each resolved relative expression followed by its absolute form in parentheses, for
    /// example <c>I went hiking yesterday (7 May 2023)</c>. Equal to the input when nothing relative was found.
    /// </summary>
    public required string Text { get; init; }

    /// <summary>Gets the dates found (relative and absolute), in text order; empty when none.</summary>
    public required IReadOnlyList<ResolvedDate> Dates { get; init; }
}
