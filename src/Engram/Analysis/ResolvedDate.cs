namespace Engram;

/// <summary>A date expression found in text, with the calendar range it denotes.</summary>
/// <remarks>Immutable and thread-safe. Dates are calendar dates in the observation's own offset (UTC for Engram).</remarks>
public sealed record ResolvedDate
{
    /// <summary>Gets the expression as written in the text, for example <c>last week</c> or <c>May 7, 2023</c>.</summary>
    public required string Expression { get; init; }

    /// <summary>Gets the first day of the range (inclusive).</summary>
    public required DateOnly Start { get; init; }

    /// <summary>Gets the last day of the range (inclusive); equal to <see cref="Start"/> for a single day.</summary>
    public required DateOnly End { get; init; }

    /// <summary>
    /// Gets the absolute form: for a relative expression the text inserted in parentheses (<c>7 May 2023</c>,
    /// <c>the week of 1 May 2023</c>, <c>April 2023</c>, <c>2022</c>, <c>summer 2022</c>); for an absolute date the
    /// expression as written.
    /// </summary>
    public required string Label { get; init; }

    /// <summary>Gets a value indicating whether the expression was relative to the observation date.</summary>
    public bool IsRelative { get; init; }

    /// <summary>Gets the zero-based character offset of <see cref="Expression"/> in the input text.</summary>
    public int Index { get; init; }
}
