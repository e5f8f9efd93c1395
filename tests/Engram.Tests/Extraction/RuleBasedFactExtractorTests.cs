namespace Engram.Tests.Extraction;

public sealed class RuleBasedFactExtractorTests
{
    private static readonly DateTimeOffset ObservedAt = new(2023, 5, 8, 13, 56, 0, TimeSpan.Zero);
    private static readonly MemoryScope Scope = new() { UserId = "caroline" };

    private static StoredMessage Message(string content, string? name = "Caroline", string role = "user", string id = "m1") => new()
    {
        Id = id,
        Scope = Scope,
        Role = role,
        Content = content,
        Name = name,
        ObservedAt = ObservedAt,
        CreatedAt = ObservedAt,
    };

    private static async Task<IReadOnlyList<ExtractedFact>> ExtractAsync(params StoredMessage[] messages) =>
        (await new RuleBasedFactExtractor().ExtractAsync(new FactExtractionRequest
        {
            Messages = messages,
            ObservationDate = ObservedAt,
            Scope = Scope,
        })).Facts;

    private static async Task<string> SingleFactAsync(string content, string? name = "Caroline", string role = "user")
    {
        var facts = await ExtractAsync(Message(content, name, role));
        return Assert.Single(facts).Text;
    }

    [Theory]
    [InlineData("Hi!")]
    [InlineData("Wow, that's awesome!")]
    [InlineData("Thanks, bye!")]
    [InlineData("Sounds great")]
    [InlineData("\U0001F600\U0001F60D")]
    [InlineData("Hey Mel! Good to see you! How have you been?")]
    [InlineData("Wow, that's cool, Melanie! What happened that was so awesome? Did you hear any inspiring stories?")]
    [InlineData("Thanks so much, I really appreciate it. Take care and talk soon!")]
    [InlineData("Yep, totally agree. Me too!")]
    [InlineData("   ")]
    public async Task ExtractAsync_FillerOnly_ReturnsNothing(string content)
    {
        Assert.Empty(await ExtractAsync(Message(content)));
    }

    [Fact]
    public async Task ExtractAsync_FirstPerson_RewrittenWithAgreement()
    {
        Assert.Equal("Caroline loves hiking.", await SingleFactAsync("I love hiking."));
    }

    [Theory]
    [InlineData("I'm keen on counseling.", "Caroline is keen on counseling.")]
    [InlineData("I am a counselor.", "Caroline is a counselor.")]
    [InlineData("I've got two cats.", "Caroline has got two cats.")]
    [InlineData("I have two cats.", "Caroline has two cats.")]
    [InlineData("I'll start painting classes.", "Caroline will start painting classes.")]
    [InlineData("I'd love to support trans youth.", "Caroline would love to support trans youth.")]
    [InlineData("I was so happy about the adoption agency.", "Caroline was so happy about the adoption agency.")]
    [InlineData("My dog Max is sick.", "Caroline's dog Max is sick.")]
    [InlineData("The support group made me feel accepted and I embraced myself.", "The support group made Caroline feel accepted and Caroline embraced Caroline.")]
    [InlineData("I go swimming with the kids.", "Caroline goes swimming with the kids.")]
    [InlineData("I try to run every morning.", "Caroline tries to run every morning.")]
    [InlineData("I play the clarinet.", "Caroline plays the clarinet.")]
    [InlineData("I watch horror movies.", "Caroline watches horror movies.")]
    [InlineData("I really enjoy pottery.", "Caroline really enjoys pottery.")]
    [InlineData("I do pottery on weekends.", "Caroline does pottery on weekends.")]
    [InlineData("I don't like crowds at concerts.", "Caroline doesn't like crowds at concerts.")]
    [InlineData("I haven't been to Paris.", "Caroline hasn't been to Paris.")]
    [InlineData("I need a new guitar.", "Caroline needs a new guitar.")]
    [InlineData("I went to a pride parade.", "Caroline went to a pride parade.")]
    [InlineData("I painted a sunrise.", "Caroline painted a sunrise.")]
    [InlineData("I can swim across the lake.", "Caroline can swim across the lake.")]
    [InlineData("I read books about identity.", "Caroline read books about identity.")]
    [InlineData("I agreed to mentor the kids.", "Caroline agreed to mentor the kids.")]
    [InlineData("i love pottery class", "Caroline loves pottery class")]
    [InlineData("I\u2019m moving to Sweden.", "Caroline is moving to Sweden.")]
    public async Task ExtractAsync_FirstPersonForms_Rewritten(string content, string expected)
    {
        Assert.Equal(expected, await SingleFactAsync(content));
    }

    [Fact]
    public async Task ExtractAsync_QuotedTitle_NotRewritten()
    {
        Assert.Equal("Caroline loves \"I Will Survive\" by Gloria Gaynor.", await SingleFactAsync("I love \"I Will Survive\" by Gloria Gaynor."));
    }

    [Fact]
    public async Task ExtractAsync_RelativeDate_ResolvedAgainstObservationDate()
    {
        Assert.Equal(
            "Caroline went to a LGBTQ support group yesterday (7 May 2023) and it was so powerful.",
            await SingleFactAsync("I went to a LGBTQ support group yesterday and it was so powerful."));
    }

    [Fact]
    public async Task ExtractAsync_Message_LinksSourceAndSpeaker()
    {
        var facts = await ExtractAsync(Message("I adopted a puppy named Max.", id: "msg-42"));

        var fact = Assert.Single(facts);
        Assert.Equal(["msg-42"], fact.SourceMessageIds);
        Assert.Equal("Caroline", fact.ActorId);
        Assert.Equal("user", fact.AttributedTo);
        Assert.Empty(fact.LinkedMemoryIds);
    }

    [Fact]
    public async Task ExtractAsync_AssistantRole_AttributedToAssistant()
    {
        var facts = await ExtractAsync(Message("I painted that lake sunrise last year.", name: "Melanie", role: "assistant"));

        var fact = Assert.Single(facts);
        Assert.Equal("Melanie painted that lake sunrise last year (2022).", fact.Text);
        Assert.Equal("assistant", fact.AttributedTo);
        Assert.Equal("Melanie", fact.ActorId);
    }

    [Fact]
    public async Task ExtractAsync_ShortDependentSentence_GroupedWithPrevious()
    {
        Assert.Equal(
            "Melanie painted that lake sunrise last year (2022)! It's special to Melanie.",
            await SingleFactAsync("Yeah, I painted that lake sunrise last year! It's special to me.", name: "Melanie"));
    }

    [Fact]
    public async Task ExtractAsync_GreetingsAroundFacts_DroppedAndFactsGrouped()
    {
        Assert.Equal(
            "Melanie is swamped with the kids & work.",
            await SingleFactAsync("Hey Caroline! Good to see you! I'm swamped with the kids & work. What's up with you? Anything new?", name: "Melanie"));
    }

    [Fact]
    public async Task ExtractAsync_LongMessage_SplitIntoFactsOfAtMostSixtyWords()
    {
        var sentence = "I spent the whole afternoon at the community garden planting tomatoes, peppers and basil with my neighbors.";
        var content = string.Join(' ', Enumerable.Repeat(sentence, 6));

        var facts = await ExtractAsync(Message(content));

        Assert.True(facts.Count >= 2);
        Assert.All(facts, f =>
        {
            Assert.InRange(f.Text.Split(' ').Length, 15, 60);
            Assert.StartsWith("Caroline spent", f.Text, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task ExtractAsync_NoName_FallsBackToRoleLabel()
    {
        Assert.Equal("User loves hiking in the Alps.", await SingleFactAsync("I love hiking in the Alps.", name: null));
        Assert.Equal("Assistant recommends the Alps.", await SingleFactAsync("I recommend the Alps.", name: " ", role: "assistant"));
    }

    [Fact]
    public async Task ExtractAsync_StatementWithoutSpeaker_PrefixedWithSaid()
    {
        Assert.Equal(
            "Caroline said: The transgender stories at the support group were so inspiring!",
            await SingleFactAsync("The transgender stories at the support group were so inspiring!"));
    }

    [Fact]
    public async Task ExtractAsync_QuestionWithEntity_KeptAsAsked()
    {
        Assert.Equal("Melanie asked: Is your dog Max still sick?", await SingleFactAsync("Is your dog Max still sick?", name: "Melanie"));
    }

    [Fact]
    public async Task ExtractAsync_QuestionWithoutEntity_Dropped()
    {
        Assert.Empty(await ExtractAsync(Message("What kinda jobs are you thinkin' of? Anything that stands out?", name: "Melanie")));
    }

    [Fact]
    public async Task ExtractAsync_LeadingDiscourseAndTrailingVocative_Removed()
    {
        var facts = await new RuleBasedFactExtractor().ExtractAsync(new FactExtractionRequest
        {
            Messages = [Message("Oh yeah, I finished the mural for the youth center, Mel!")],
            RecentMessages = [Message("Hi", name: "Melanie", id: "m0")],
            ObservationDate = ObservedAt,
            Scope = Scope,
        });

        Assert.Equal("Caroline finished the mural for the youth center!", Assert.Single(facts.Facts).Text);
    }

    [Fact]
    public async Task ExtractAsync_LeadingTimeAdverb_KeptAndResolved()
    {
        Assert.Equal("Yesterday (7 May 2023), Caroline went hiking with friends.", await SingleFactAsync("Yesterday, I went hiking with friends."));
    }

    [Fact]
    public async Task ExtractAsync_SystemMessage_Skipped()
    {
        Assert.Empty(await ExtractAsync(Message("I am a helpful assistant that remembers things.", name: null, role: "system")));
    }

    [Fact]
    public async Task ExtractAsync_SeveralMessages_FactsInMessageOrder()
    {
        var facts = await ExtractAsync(
            Message("I adopted a cat named Luna.", id: "a"),
            Message("Thanks!", name: "Melanie", id: "b"),
            Message("I bought a kayak last week.", name: "Melanie", id: "c"));

        Assert.Equal(2, facts.Count);
        Assert.Equal(["a"], facts[0].SourceMessageIds);
        Assert.Equal(["c"], facts[1].SourceMessageIds);
        Assert.Equal("Melanie bought a kayak last week (the week of 1 May 2023).", facts[1].Text);
    }

    [Fact]
    public async Task ExtractAsync_SameInput_Deterministic()
    {
        var message = Message("Yeah, I painted that lake sunrise last year! It's special to me. I'll show you my new one tomorrow.");
        var first = await ExtractAsync(message);
        var second = await ExtractAsync(message);
        Assert.Equal(first.Select(f => f.Text), second.Select(f => f.Text));
    }

    [Fact]
    public async Task ExtractAsync_Canceled_Throws()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new RuleBasedFactExtractor().ExtractAsync(
            new FactExtractionRequest { Messages = [Message("I love hiking.")], ObservationDate = ObservedAt, Scope = Scope },
            cts.Token));
    }

    [Fact]
    public async Task ExtractAsync_NullRequest_Throws()
    {
        await Assert.ThrowsAsync<ArgumentNullException>(() => new RuleBasedFactExtractor().ExtractAsync(null!));
    }
}
