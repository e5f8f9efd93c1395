using Engram.Tests.Testing;

namespace Engram.Tests.Retrieval;

/// <summary>Behaviour of the retrieval mechanisms through the real engine and SQLite store, each on and off.</summary>
public sealed class RetrievalSignalTests
{
    private static readonly MemoryScope Scope = MemoryScope.ForUser("alice");

    private static async Task<string> AddAsync(EngineFixture fixture, string text, string? name, DateTimeOffset? at = null)
    {
        var result = await fixture.Engine.AddAsync(new AddMemoriesRequest
        {
            Messages = [MemoryMessage.User(text, name)],
            Scope = Scope,
            Infer = false,
            Timestamp = at,
        });
        return Assert.Single(result.Results).Id;
    }

    private static Task<SearchMemoriesResult> SearchAsync(EngineFixture fixture, string query) =>
        fixture.Engine.SearchAsync(new SearchMemoriesRequest { Query = query, Scope = Scope, Explain = true, Threshold = 0 });

    private static EngineFixture Create(Action<RetrievalOptions> configure) => new(o =>
    {
        o.DefaultThreshold = 0;
        o.Retrieval.UseVector = false;
        o.Retrieval.UseEntities = false;
        o.Retrieval.LexicalContextMessages = 0;
        o.Retrieval.LexicalFollowingMessages = 0;
        o.Retrieval.UseFeedback = false;
        o.Retrieval.UseTime = false;
        o.Retrieval.UseSpeaker = false;
        o.Retrieval.IndexSpeaker = false;
        o.Retrieval.UseLength = false;
        o.Retrieval.IndexSourceMessages = false;
        configure(o.Retrieval);
    });

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Speaker_RanksTheNamedSpeakersMemoryFirst(bool useSpeaker)
    {
        using var fixture = Create(r => r.UseSpeaker = useSpeaker);
        var own = await AddAsync(fixture, "I painted a sunset by the sea", "Caroline");
        var other = await AddAsync(fixture, "I painted a sunset by the sea", "Mel");

        var result = await SearchAsync(fixture, "What did Caroline paint?");

        var first = result.Results[0];
        var second = result.Results.Single(h => h.Item.Id != first.Item.Id);
        if (useSpeaker)
        {
            Assert.Equal(own, first.Item.Id);
            Assert.True(first.Score > second.Score);
            var signal = Assert.Single(first.Explanation!.Signals, s => s.Name == "speaker");
            Assert.Equal(1.0, signal.RawValue);
            Assert.Equal(0.5, signal.Weight);
            Assert.Equal(0.0, Assert.Single(second.Explanation!.Signals, s => s.Name == "speaker").Contribution);
        }
        else
        {
            Assert.Contains(other, result.Results.Select(h => h.Item.Id));
            Assert.Equal(first.Score, second.Score);
            Assert.DoesNotContain(first.Explanation!.Signals, s => s.Name == "speaker");
        }
    }

    [Fact]
    public async Task Speaker_AMentionOfTheNamedPersonIsNotTheirOwnMemory()
    {
        using var fixture = Create(r => r.UseSpeaker = true);
        var mention = await AddAsync(fixture, "Thanks, Caroline, for the advice!", "Mel");
        var own = await AddAsync(fixture, "My advice: adopt from a shelter", "Caroline");

        var result = await SearchAsync(fixture, "What advice did Caroline give?");

        Assert.Equal(1.0, Assert.Single(result.Results.Single(h => h.Item.Id == own).Explanation!.Signals, s => s.Name == "speaker").RawValue);
        var hit = Assert.Single(result.Results, h => h.Item.Id == mention);
        Assert.Equal(0.0, Assert.Single(hit.Explanation!.Signals, s => s.Name == "speaker").RawValue);
    }

    [Fact]
    public async Task Speaker_QueryNamingNoSpeaker_AddsNoSignal()
    {
        using var fixture = Create(r => r.UseSpeaker = true);
        await AddAsync(fixture, "I finished a painting of a sunset", "Caroline");
        var result = await SearchAsync(fixture, "sunset painting");
        Assert.DoesNotContain(result.Results[0].Explanation!.Signals, s => s.Name == "speaker");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Time_RanksTheMemoryObservedInTheQueriedPeriodFirst(bool useTime)
    {
        using var fixture = Create(r => r.UseTime = useTime);
        var may = await AddAsync(fixture, "We went camping by the lake", "Mel", new DateTimeOffset(2023, 5, 20, 10, 0, 0, TimeSpan.Zero));
        var august = await AddAsync(fixture, "We went camping by the lake again", "Mel", new DateTimeOffset(2023, 8, 20, 10, 0, 0, TimeSpan.Zero));

        var result = await SearchAsync(fixture, "Where did Mel go camping in May 2023?");

        var first = result.Results[0];
        if (useTime)
        {
            Assert.Equal(may, first.Item.Id);
            Assert.Equal(1.0, Assert.Single(first.Explanation!.Signals, s => s.Name == "time").RawValue);
            Assert.Equal(0.0, Assert.Single(result.Results.Single(h => h.Item.Id == august).Explanation!.Signals, s => s.Name == "time").RawValue);
        }
        else
        {
            Assert.DoesNotContain(first.Explanation!.Signals, s => s.Name == "time");
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Feedback_FindsAMemoryThatSharesOnlyTheTopicOfTheBestHit(bool useFeedback)
    {
        using var fixture = Create(r => r.UseFeedback = useFeedback);
        await AddAsync(fixture, "My pottery class: I shaped clay on the wheel and glazed a bowl", "Mel");
        var related = await AddAsync(fixture, "The kiln fired my clay bowl, the glaze came out blue", "Mel");
        await AddAsync(fixture, "The weather is nice for a hike", "Mel");

        var result = await SearchAsync(fixture, "pottery");

        var hit = result.Results.SingleOrDefault(h => h.Item.Id == related);
        if (useFeedback)
        {
            Assert.NotNull(hit);
            var signal = Assert.Single(hit.Explanation!.Signals, s => s.Name == "feedback");
            Assert.True(signal.Contribution > 0);
            Assert.NotNull(signal.Rank);
        }
        else
        {
            Assert.Null(hit);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task FirstPersonSpeaker_RanksTheUsersOwnMessageAboveTheAssistantsAnswer(bool firstPerson)
    {
        using var fixture = Create(r =>
        {
            r.UseSpeaker = true;
            r.FirstPersonSpeaker = firstPerson;
        });
        var added = await fixture.Engine.AddAsync(new AddMemoriesRequest
        {
            Messages = [MemoryMessage.User("I keep my old sneakers on the shoe rack"), MemoryMessage.Assistant("Keep old sneakers dry: old sneakers keep best on a rack")],
            Scope = Scope,
            Infer = false,
        });
        var user = added.Results[0].Id;
        foreach (var other in (string[])["The weather is nice for a hike", "We adopted a puppy last spring", "My sister lives in Porto"])
        {
            await AddAsync(fixture, other, null);
        }

        var result = await SearchAsync(fixture, "Where do I keep my old sneakers?");

        var own = result.Results.Single(h => h.Item.Id == user);
        var answer = result.Results.Single(h => h.Item.Id == added.Results[1].Id);
        if (firstPerson)
        {
            Assert.Equal(user, result.Results[0].Item.Id);
            Assert.Equal(1.0, Assert.Single(own.Explanation!.Signals, s => s.Name == "speaker").RawValue);
            Assert.Equal(0.0, Assert.Single(answer.Explanation!.Signals, s => s.Name == "speaker").RawValue);
        }
        else
        {
            Assert.Equal(answer.Item.Id, result.Results[0].Item.Id);
            Assert.DoesNotContain(own.Explanation!.Signals, s => s.Name == "speaker");
        }
    }

    [Theory]
    [InlineData("Where do I keep the sneakers?", "Mel", false)]
    [InlineData("Where are the sneakers kept?", null, false)]
    [InlineData("Where do I keep the sneakers?", null, true)]
    public async Task FirstPersonSpeaker_MatchesOnlyAnUnnamedUserAskedAboutInTheFirstPerson(string query, string? name, bool expectMatch)
    {
        using var fixture = Create(r => r.UseSpeaker = true);
        var id = Assert.Single((await fixture.Engine.AddAsync(new AddMemoriesRequest
        {
            Messages = [MemoryMessage.User("The sneakers are kept on the shoe rack", name)],
            Scope = Scope,
            Infer = false,
        })).Results).Id;

        var result = await SearchAsync(fixture, query);

        var hit = Assert.Single(result.Results, h => h.Item.Id == id);
        Assert.Equal(expectMatch, hit.Explanation!.Signals.Any(s => s.Name == "speaker" && s.RawValue == 1.0));
    }

    [Theory]
    [InlineData(200, false, true)]
    [InlineData(0, true, true)]
    public async Task ContextCharacters_ALongNeighbourLendsOnlyTheWordsNearestTheMemory(int limit, bool farWordFinds, bool nearWordFinds)
    {
        using var fixture = Create(r =>
        {
            r.LexicalContextMessages = 1;
            r.LexicalContextCharacters = limit;
        });
        var filler = string.Join(' ', Enumerable.Repeat("lorem ipsum dolor", 40));
        await fixture.Engine.AddAsync(new AddMemoriesRequest
        {
            Messages = [MemoryMessage.Assistant($"Volcanoes erupt. {filler} Which telescope do you use?")],
            Scope = Scope,
            Infer = false,
        });
        var reply = await AddAsync(fixture, "A small refractor, mostly at weekends", "Ana");

        Assert.Equal(farWordFinds, (await SearchAsync(fixture, "volcanoes")).Results.Any(h => h.Item.Id == reply));
        Assert.Equal(nearWordFinds, (await SearchAsync(fixture, "telescope")).Results.Any(h => h.Item.Id == reply));
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(0, false)]
    public async Task FollowingContext_TurnIsFoundByTheWordsOfTheReplyAfterIt(int following, bool expectFound)
    {
        using var fixture = Create(r => r.LexicalFollowingMessages = following);
        var turn = await AddAsync(fixture, "I've had them for 3 years now and they bring me joy!", "Nate");
        await AddAsync(fixture, "Your turtles are so lucky to have you", "Joanna");
        var before = (await fixture.Engine.GetAsync(turn))!;

        var result = await SearchAsync(fixture, "How long has Nate had his turtles?");

        Assert.Equal(expectFound, result.Results.Any(h => h.Item.Id == turn));
        var after = (await fixture.Engine.GetAsync(turn))!;
        Assert.Equal(before.Memory, after.Memory);
        Assert.Equal(before.UpdatedAt, after.UpdatedAt);
        Assert.Equal(before.Hash, after.Hash);
        Assert.Single(await fixture.Engine.GetHistoryAsync(turn));
    }

    [Fact]
    public async Task FollowingContext_WithinOneAdd_IndexesTheNextMessage()
    {
        using var fixture = Create(r => r.LexicalFollowingMessages = 1);
        var result = await fixture.Engine.AddAsync(new AddMemoriesRequest
        {
            Messages = [MemoryMessage.User("I've had them for 3 years now", "Nate"), MemoryMessage.User("Your turtles are lucky", "Joanna")],
            Scope = Scope,
            Infer = false,
        });

        var search = await SearchAsync(fixture, "turtles");

        Assert.Contains(search.Results, h => h.Item.Id == result.Results[0].Id);
    }

    [Fact]
    public async Task FollowingContext_OtherScopesAreNotExtended()
    {
        using var fixture = Create(r => r.LexicalFollowingMessages = 1);
        var other = await fixture.Engine.AddAsync(new AddMemoriesRequest
        {
            Messages = [MemoryMessage.User("I've had them for 3 years now", "Bob")],
            Scope = MemoryScope.ForUser("bob"),
            Infer = false,
        });
        await AddAsync(fixture, "Your turtles are lucky", "Joanna");

        var search = await fixture.Engine.SearchAsync(new SearchMemoriesRequest { Query = "turtles", Scope = MemoryScope.ForUser("bob"), Threshold = 0 });

        Assert.DoesNotContain(search.Results, h => h.Item.Id == other.Results[0].Id);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Length_BreaksATieInFavourOfTheLongerMemory(bool useLength)
    {
        using var fixture = Create(r => r.UseLength = useLength);

        // The same two content words; the second memory is longer only by stop words.
        var shorter = await AddAsync(fixture, "Volunteering, yes.", "Mel");
        var longer = await AddAsync(fixture, "Volunteering is what I have been doing, and yes, it is what I would do again and again", "Maria");

        var result = await SearchAsync(fixture, "volunteering");

        var top = result.Results[0];
        var other = result.Results[1];
        if (useLength)
        {
            Assert.Equal(longer, top.Item.Id);
            Assert.True(top.Score > other.Score);
            Assert.Equal(top.Item.Memory.Length, Assert.Single(top.Explanation!.Signals, s => s.Name == "length").RawValue);
        }
        else
        {
            Assert.Contains(shorter, result.Results.Select(h => h.Item.Id));
            Assert.Equal(top.Score, other.Score, 10);
            Assert.DoesNotContain(top.Explanation!.Signals, s => s.Name == "length");
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SourceMessages_AnExtractedFactIsFoundByTheSpeakersOwnWords(bool indexSource)
    {
        using var fixture = Create(r => r.IndexSourceMessages = indexSource);
        var result = await fixture.Engine.AddAsync(new AddMemoriesRequest
        {
            Messages = [MemoryMessage.User("Yeah, I love my new bike, it's so fast!", "Ana")],
            Scope = Scope,
            Infer = true,
        });
        var fact = Assert.Single(result.Results);

        // "yeah" is dropped from the fact by the offline extractor, but the speaker said it.
        var search = await SearchAsync(fixture, "yeah");

        Assert.Equal(indexSource, search.Results.Any(h => h.Item.Id == fact.Id));
    }

    [Fact]
    public async Task FollowingContext_AfterARestart_FindsTheEarlierMemoryInTheStore()
    {
        using var fixture = Create(r => r.LexicalFollowingMessages = 1);
        var turn = await AddAsync(fixture, "I've had them for 3 years now", "Nate");

        // A second engine over the same store has not seen the first message (another process, or a restart).
        var options = new MemoryOptions { DefaultThreshold = 0 };
        options.Retrieval.UseVector = false;
        options.Retrieval.UseFeedback = false;
        options.Retrieval.LexicalContextMessages = 0;
        options.Retrieval.LexicalFollowingMessages = 1;
        var other = new MemoryEngine(fixture.Store, new HashingEmbeddingGenerator(), new RuleBasedFactExtractor(), Microsoft.Extensions.Options.Options.Create(options), fixture.Time);
        await other.AddAsync(new AddMemoriesRequest { Messages = [MemoryMessage.User("Your turtles are lucky", "Joanna")], Scope = Scope, Infer = false });

        var search = await SearchAsync(fixture, "turtles");

        Assert.Contains(search.Results, h => h.Item.Id == turn);
    }
}
