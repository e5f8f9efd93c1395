namespace Engram.Tests.Analysis;

public sealed class EntityExtractorTests
{
    private static readonly EntityExtractor Extractor = EntityExtractor.Default;

    private static string Describe(IReadOnlyList<EntityMention> mentions) =>
        string.Join("; ", mentions.Select(m => $"{m.Type}:{m.Name}"));

    [Fact]
    public void Extract_AcronymMidSentence_IsProper()
    {
        var mentions = Extractor.Extract("I went to a LGBTQ support group yesterday and it was so powerful.");
        var mention = Assert.Single(mentions);
        Assert.Equal(new EntityMention("lgbtq", "LGBTQ", "PROPER"), mention);
    }

    [Fact]
    public void Extract_MultiWordName_IsOneMention()
    {
        Assert.Equal("PROPER:Harry Potter", Describe(Extractor.Extract("Oh yeah, I remember you telling me about Harry Potter!")));
    }

    [Fact]
    public void Extract_QuotedTitleAndAuthor_ReturnsBoth()
    {
        var mentions = Extractor.Extract("I loved \"Becoming Nicole\" by Amy Ellis Nutt. It's a real inspiring true story.");
        Assert.Equal("QUOTED:Becoming Nicole; PROPER:Amy Ellis Nutt", Describe(mentions));
        Assert.Equal("becoming nicole", mentions[0].Key);
    }

    [Fact]
    public void Extract_QuotedTitle_KeepsArticleAndTrimsPunctuation()
    {
        Assert.Equal("QUOTED:The Lord of the Rings", Describe(Extractor.Extract("I watched \u201CThe Lord of the Rings\u201D trilogy last night.")));
        Assert.Equal("QUOTED:Finding Freedom", Describe(Extractor.Extract("We did a contemporary piece called \"Finding Freedom.\"")));
    }

    [Fact]
    public void Extract_ShortQuote_IsIgnored()
    {
        Assert.Empty(Extractor.Extract("She said \"ok\" and left."));
    }

    [Fact]
    public void Extract_Connectors_JoinCapitalisedWords()
    {
        Assert.Equal("PROPER:Bank of America; PROPER:New York", Describe(Extractor.Extract("My friend works at Bank of America in New York.")));
    }

    [Fact]
    public void Extract_AndBetweenNames_GivesSeparateMentions()
    {
        Assert.Equal("PROPER:Luna; PROPER:Oliver", Describe(Extractor.Extract("My cats are Luna and Oliver.")));
    }

    [Fact]
    public void Extract_SentenceInitialArticle_IsStrippedFromName()
    {
        Assert.Equal("PROPER:Grand Canyon", Describe(Extractor.Extract("The Grand Canyon was amazing.")));
        Assert.Equal("PROPER:Museum of Modern Art", Describe(Extractor.Extract("We loved it. The Museum of Modern Art was great.")));
    }

    [Theory]
    [InlineData("The support group has made me feel accepted.")]
    [InlineData("I love it. We should go. My kids agree. It was fun.")]
    [InlineData("Thanks for the help! Hey, wow, that's cool.")]
    [InlineData("Painting is my favorite hobby.")]
    [InlineData("See you on Monday in May, after Friday's class.")]
    [InlineData("Last Fri I took my kids to a pottery workshop.")]
    [InlineData("I said OK to him.")]
    [InlineData("")]
    public void Extract_PronounsFillerAndDates_AreNotEntities(string text)
    {
        Assert.Empty(Extractor.Extract(text));
    }

    [Fact]
    public void Extract_NameAfterGreeting_IsProper()
    {
        Assert.Equal("PROPER:Melanie", Describe(Extractor.Extract("Thanks, Melanie! That's really sweet.")));
        Assert.Equal("PROPER:Mel", Describe(Extractor.Extract("Hey Mel! Good to see you!")));
    }

    [Fact]
    public void Extract_SentenceInitialVerb_IsDroppedFromName()
    {
        Assert.Equal("PROPER:Paris", Describe(Extractor.Extract("Visited Paris last year.")));
    }

    [Fact]
    public void Extract_PossessiveAndHyphen_GiveCleanNames()
    {
        Assert.Equal("PROPER:Ed Sheeran; QUOTED:Perfect", Describe(Extractor.Extract("I'm a fan of Ed Sheeran's \"Perfect\".")));
        Assert.Equal("PROPER:Spider-Man", Describe(Extractor.Extract("We watched Spider-Man again.")));
    }

    [Fact]
    public void Extract_TitleAndInitials_StayInOneName()
    {
        Assert.Equal("PROPER:Dr. Smith", Describe(Extractor.Extract("Yesterday I saw Dr. Smith about it.")));
        Assert.Equal("PROPER:Harry Potter; PROPER:J. K. Rowling", Describe(Extractor.Extract("Harry Potter was written by J. K. Rowling.")));
    }

    [Fact]
    public void Extract_KnownNames_FoundAnywhereAsPerson()
    {
        var mentions = Extractor.Extract("caroline went hiking. Melanie's painting was lovely.", ["Caroline", "Melanie", " "]);
        Assert.Equal("PERSON:Caroline; PERSON:Melanie", Describe(mentions));
        Assert.Equal("caroline", mentions[0].Key);
    }

    [Fact]
    public void Extract_KnownNameAlsoCapitalised_PersonWins()
    {
        var mention = Assert.Single(Extractor.Extract("We talked to Caroline today.", ["Caroline"]));
        Assert.Equal("PERSON", mention.Type);
    }

    [Fact]
    public void Extract_KnownNameInsideWord_IsNotMatched()
    {
        Assert.Empty(Extractor.Extract("the jonquil bloomed", ["Jon"]));
    }

    [Fact]
    public void Extract_ConnectorBeforeKnownName_DoesNotJoin()
    {
        Assert.Equal("PERSON:Melanie", Describe(Extractor.Extract("Melanie said: Expression of Melanie and a way to relax.", ["Melanie"])));
    }

    [Fact]
    public void Extract_RepeatedName_ReturnsDistinctInOrder()
    {
        Assert.Equal("PROPER:Oliver; PROPER:Luna", Describe(Extractor.Extract("We love Oliver. Then Luna came, and Oliver hid.")));
    }

    [Fact]
    public void Extract_Null_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => Extractor.Extract(null!));
        Assert.Throws<ArgumentNullException>(() => Extractor.Extract("text", null!));
    }

    [Theory]
    [InlineData("  Ed   Sheeran's ", "ed sheeran")]
    [InlineData("Zoë", "zoe")]
    [InlineData("\"Perfect!\"", "perfect")]
    [InlineData("Café  Müller", "cafe muller")]
    [InlineData("Charlotte\u2019s Web", "charlotte's web")]
    [InlineData("James'", "james")]
    [InlineData("LGBTQ", "lgbtq")]
    [InlineData("...", "")]
    public void Normalize_Name_ReturnsKey(string name, string expected)
    {
        Assert.Equal(expected, EntityExtractor.Normalize(name));
    }
}
