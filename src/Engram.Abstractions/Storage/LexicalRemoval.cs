namespace Engram;

/// <summary>
/// Removes an erased message's words from a neighbouring memory's lexical text (its BM25 index entry) without changing
/// the memory itself. The engine indexes each memory with the text of the turns around its source
/// (<see cref="RetrievalOptions.LexicalContextMessages"/>, <see cref="RetrievalOptions.LexicalFollowingMessages"/>), so
/// erasing a memory must also take its words out of its neighbours' keywords.
/// </summary>
/// <param name="MemoryId">The neighbouring memory; a store skips an id it does not hold.</param>
/// <param name="Context">
/// Analysed terms of the erased message (as produced for <see cref="MemoryRecord.LexicalText"/>). A memory picked the
/// whole message up as context, so the store changes the memory only when its lexical text holds every one of these
/// terms; a memory that merely shares some words is left alone.
/// </param>
/// <param name="Keep">Analysed terms of the memory's own text (and speaker and source messages), which stay.</param>
/// <remarks>The store removes every occurrence of each term in <paramref name="Context"/> that is not in
/// <paramref name="Keep"/>. A removed term that the memory also took from another neighbouring turn goes too: erasure
/// wins over recall.</remarks>
public sealed record LexicalRemoval(string MemoryId, IReadOnlyCollection<string> Context, IReadOnlyCollection<string> Keep)
{
    /// <summary>Applies the removal to a memory's lexical text (space-separated terms).</summary>
    /// <param name="lexical">The memory's current lexical text.</param>
    /// <returns>The reduced text, or <see langword="null"/> when it does not hold every term of <see cref="Context"/>
    /// or nothing would be removed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="lexical"/> is <see langword="null"/>.</exception>
    /// <remarks>Pure and thread-safe.</remarks>
    public string? ApplyTo(string lexical)
    {
        ArgumentNullException.ThrowIfNull(lexical);
        var terms = lexical.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var present = new HashSet<string>(terms, StringComparer.Ordinal);
        if (Context.Count == 0 || !Context.All(present.Contains))
        {
            return null;
        }

        var remove = new HashSet<string>(Context, StringComparer.Ordinal);
        remove.ExceptWith(Keep);
        if (!remove.Overlaps(present))
        {
            return null;
        }

        return string.Join(' ', terms.Where(t => !remove.Contains(t)));
    }
}
