namespace Engram;

/// <summary>
/// What search needs to know about a query, computed once per search: its BM25 terms, the entities it names, its
/// folded word tokens (to recognise a speaker's name) and the calendar ranges of the dates it mentions.
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
internal sealed class QueryFeatures
{
    private QueryFeatures(IReadOnlyList<string> terms, IReadOnlyList<string> entityKeys, IReadOnlySet<string> tokens, IReadOnlyList<DateRange> dates)
    {
        Terms = terms;
        EntityKeys = entityKeys;
        Tokens = tokens;
        Dates = dates;
    }

    /// <summary>Gets the distinct analysed terms (Porter stems, stop words dropped), in query order.</summary>
    public IReadOnlyList<string> Terms { get; }

    /// <summary>Gets the distinct normalised keys of the entities the query names.</summary>
    public IReadOnlyList<string> EntityKeys { get; }

    /// <summary>Gets the query's folded word tokens, stop words included (see <see cref="TextAnalyzer.Tokenize"/>).</summary>
    public IReadOnlySet<string> Tokens { get; }

    /// <summary>Gets the calendar ranges of the dates the query mentions ("in May 2023", "on 8 May, 2023", "last week").</summary>
    public IReadOnlyList<DateRange> Dates { get; }

    /// <summary>Analyses a query.</summary>
    /// <param name="text">The query text.</param>
    /// <param name="analyzer">The analyzer that also built the stored lexical text.</param>
    /// <param name="entities">The entity extractor that also linked the stored memories.</param>
    /// <param name="now">The time of the search: the anchor of relative dates in the query ("last week").</param>
    /// <param name="resolveDates">Whether to find the query's dates (<see cref="Dates"/> stays empty otherwise).</param>
    /// <returns>The features.</returns>
    public static QueryFeatures Analyze(string text, TextAnalyzer analyzer, EntityExtractor entities, DateTimeOffset now, bool resolveDates = true)
    {
        var terms = analyzer.Analyze(text).Distinct(StringComparer.Ordinal).ToList();
        var keys = entities.Extract(text).Select(e => e.Key).Distinct(StringComparer.Ordinal).ToList();
        var tokens = analyzer.Tokenize(text).ToHashSet(StringComparer.Ordinal);
        List<DateRange> dates = resolveDates
            ? TemporalResolver.Default.Resolve(text, now).Dates.Select(d => new DateRange(d.Start, d.End)).Distinct().ToList()
            : [];
        return new QueryFeatures(terms, keys, tokens, dates);
    }
}

/// <summary>An inclusive range of calendar days.</summary>
/// <param name="Start">The first day.</param>
/// <param name="End">The last day (equal to <paramref name="Start"/> for a single day).</param>
internal readonly record struct DateRange(DateOnly Start, DateOnly End);
