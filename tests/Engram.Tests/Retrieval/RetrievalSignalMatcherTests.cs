namespace Engram.Tests.Retrieval;

public sealed class RetrievalSignalMatcherTests
{
    private static IReadOnlySet<string> Tokens(string query) => TextAnalyzer.Default.Tokenize(query).ToHashSet(StringComparer.Ordinal);

    [Theory]
    [InlineData("Caroline", "What did Caroline research?", true)]
    [InlineData("Caroline", "What is Caroline's identity?", true)]
    [InlineData("Caroline", "What did Melanie paint?", false)]
    [InlineData("Caroline", "What did Carol paint?", false)]
    [InlineData("John Smith", "Where does Smith work?", true)]
    [InlineData("John Smith", "Where does John work?", true)]
    [InlineData("Zoë", "Where did Zoe go?", true)]
    [InlineData(null, "What did Caroline research?", false)]
    [InlineData("  ", "What did Caroline research?", false)]
    public void SpeakerMatcher_IsNamed_WhenFirstOrLastNameIsAQueryWord(string? actor, string query, bool expected)
    {
        Assert.Equal(expected, SpeakerMatcher.IsNamed(actor, Tokens(query), TextAnalyzer.Default));
    }

    [Fact]
    public void SpeakerMatcher_StopWordNamesNeverMatch()
    {
        // A speaker called "I" or "The" must not match every query that contains the word.
        Assert.False(SpeakerMatcher.IsNamed("I", Tokens("What did I say?"), TextAnalyzer.Default));
    }

    [Theory]
    [InlineData("2023-05-08", true)]  // the day itself
    [InlineData("2023-05-15", true)]  // told within the week after
    [InlineData("2023-05-16", false)] // too late
    [InlineData("2023-05-07", false)] // before
    public void TimeMatcher_MatchesTheRangeAndTheWindowAfterIt(string observed, bool expected)
    {
        var ranges = new[] { new DateRange(new DateOnly(2023, 5, 8), new DateOnly(2023, 5, 8)) };
        var at = DateTimeOffset.Parse(observed + "T18:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(expected, TimeMatcher.Matches(at, ranges, windowDays: 7));
    }

    [Fact]
    public void QueryFeatures_ResolvesAbsoluteAndRelativeDates()
    {
        var now = new DateTimeOffset(2026, 3, 11, 12, 0, 0, TimeSpan.Zero);
        var features = QueryFeatures.Analyze("What did Tim do in August 2023 and last week?", TextAnalyzer.Default, EntityExtractor.Default, now);
        Assert.Contains(new DateRange(new DateOnly(2023, 8, 1), new DateOnly(2023, 8, 31)), features.Dates);
        Assert.Contains(new DateRange(new DateOnly(2026, 3, 2), new DateOnly(2026, 3, 8)), features.Dates);
        Assert.Contains("tim", features.Tokens);
        Assert.Contains("august", features.Terms);
    }

    [Fact]
    public void FeedbackExpansion_SelectsTheTopicalWordsOfTheBestHits()
    {
        var documents = new[]
        {
            ("Awesome! I shaped a clay bowl on the wheel and fired it in the kiln.", 1.0),
            ("Thanks! The clay was so soft, the wheel spun fast.", 0.8),
            ("Great, thanks, see you soon!", 0.5),
        };
        var terms = FeedbackExpansion.SelectTerms(documents, new HashSet<string>(["pottery"], StringComparer.Ordinal), 3, TextAnalyzer.Default);
        Assert.Equal(3, terms.Count);
        Assert.Contains("clai", terms);
        Assert.Contains("wheel", terms);
        Assert.DoesNotContain("awesom", terms);
        Assert.DoesNotContain("thank", terms);
    }

    [Fact]
    public void FeedbackExpansion_LeavesOutExcludedTermsAndNumbers()
    {
        var documents = new[] { ("Caroline ran 5 miles by the lake in 2023", 1.0) };
        var terms = FeedbackExpansion.SelectTerms(documents, new HashSet<string>(["carolin", "lake"], StringComparer.Ordinal), 10, TextAnalyzer.Default);
        Assert.Equal(["mile", "ran"], terms);
    }

    [Fact]
    public void FeedbackExpansion_NoDocumentsGiveNoTerms()
    {
        Assert.Empty(FeedbackExpansion.SelectTerms([], new HashSet<string>(StringComparer.Ordinal), 10, TextAnalyzer.Default));
    }
}
