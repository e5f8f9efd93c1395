using Engram.Tests.Testing;

namespace Engram.Tests.Engine;

/// <summary>Graph memory: rule-extracted relations linked to their memories, invalidated (never deleted) when contradicted.</summary>
public sealed class GraphMemoryTests : IDisposable
{
    private readonly EngineFixture _fixture = new(o => o.DefaultThreshold = 0);

    public void Dispose() => _fixture.Dispose();

    private Task<AddMemoriesResult> SayAsync(string text, bool graph = true) => _fixture.Engine.AddAsync(new AddMemoriesRequest
    {
        Messages = [MemoryMessage.User(text, "Ana")],
        Scope = MemoryScope.ForUser("ana"),
        EnableGraph = graph,
    });

    [Theory]
    [InlineData("I live in Lisbon.", "ana", "lives_in", "lisbon")]
    [InlineData("Caroline: I went to a LGBTQ support group yesterday.", "caroline", "went_to", "lgbtq_support_group")]
    [InlineData("Bob works at Globex Corp.", "bob", "works_at", "globex_corp")]
    [InlineData("I went to a pride parade last Friday and it was great.", "ana", "went_to", "pride_parade")]
    [InlineData("I love that you chose pottery.", null, null, null)]
    [InlineData("My sister Maria plays the violin.", null, null, null)]
    [InlineData("it was a lovely day", null, null, null)]
    [InlineData("They have an amazing ability to bounce back.", null, null, null)]
    [InlineData("Must have been traumatizing for you.", null, null, null)]
    [InlineData("Everyone loves the new park.", null, null, null)]
    [InlineData("Melanie loves camping trips.", "melanie", "loves", "camping_trips")]
    public void Extractor_FindsSubjectVerbObject_WithMem0gNames(string text, string? source, string? relationship, string? destination)
    {
        var self = text.StartsWith("Caroline", StringComparison.Ordinal) ? "Caroline" : "Ana";
        var triples = RuleBasedRelationExtractor.Extract(text, self);

        if (source is null)
        {
            Assert.Empty(triples);
        }
        else
        {
            Assert.Contains((source, relationship!, destination!), triples);
        }
    }

    [Fact]
    public async Task Search_WithGraph_AddsMemoriesOfTheQueryEntities_AndOneHopFurther_AsTheGraphSignal()
    {
        // "lisbon" names the first memory's relation (ana lives_in lisbon); its other end, "ana", names the second's.
        var lisbon = Assert.Single((await SayAsync("I live in Lisbon.")).Results).Id;
        var cello = Assert.Single((await SayAsync("I play the cello.")).Results).Id;
        await SayAsync("I had pasta for lunch.");

        var withGraph = await SearchAsync("Tell me about Lisbon", graph: true);
        var withoutGraph = await SearchAsync("Tell me about Lisbon", graph: false);

        Assert.Equal(1.0, GraphSignal(withGraph, lisbon)!.Value);
        Assert.Equal(0.5, GraphSignal(withGraph, cello)!.Value);
        Assert.All(withoutGraph.Results, hit => Assert.Null(GraphSignal(withoutGraph, hit.Item.Id)));
    }

    [Fact]
    public async Task Search_WithGraph_KeepsTheFilter_ForMemoriesFoundThroughRelations()
    {
        var lisbon = Assert.Single((await SayAsync("I live in Lisbon.")).Results).Id;
        var cello = Assert.Single((await _fixture.Engine.AddAsync(new AddMemoriesRequest
        {
            Messages = [MemoryMessage.User("I play the cello.", "Ana")],
            Scope = MemoryScope.ForUser("ana"),
            Metadata = MemoryMetadata.From(new KeyValuePair<string, object?>("team", "other")),
            EnableGraph = true,
        })).Results).Id;

        var result = await _fixture.Engine.SearchAsync(new SearchMemoriesRequest
        {
            Query = "Tell me about Lisbon",
            Scope = MemoryScope.ForUser("ana"),
            Filter = MemoryFilterParser.Parse("""{"NOT": [{"metadata": {"team": "other"}}]}"""),
            EnableGraph = true,
            Explain = true,
        });

        Assert.Equal(1.0, GraphSignal(result, lisbon)!.Value);
        Assert.DoesNotContain(result.Results, hit => hit.Item.Id == cello);
        Assert.DoesNotContain(result.Excluded, e => e.MemoryId == cello);
    }

    private Task<SearchMemoriesResult> SearchAsync(string query, bool graph) => _fixture.Engine.SearchAsync(new SearchMemoriesRequest
    {
        Query = query,
        Scope = MemoryScope.ForUser("ana"),
        EnableGraph = graph,
        Explain = true,
    });

    private static SignalContribution? GraphSignal(SearchMemoriesResult result, string memoryId) =>
        Assert.Single(result.Results, hit => hit.Item.Id == memoryId).Explanation!.Signals.SingleOrDefault(s => s.Name == "graph") is { } signal
            ? signal
            : null;

    [Fact]
    public async Task Add_WithGraph_StoresRelationsLinkedToTheMemory()
    {
        var result = await SayAsync("I live in Lisbon and I play the cello.");

        var memoryId = Assert.Single(result.Results).Id;
        Assert.Equal(["ana lives_in lisbon", "ana plays cello"], result.AddedRelations.Select(Text).Order(StringComparer.Ordinal));
        Assert.All(result.AddedRelations, r => Assert.Equal(memoryId, r.MemoryId));
        var stored = await _fixture.Engine.GetRelationsAsync("Ana");
        Assert.Equal(2, stored.Count);
        Assert.All(stored, r => Assert.Null(r.InvalidatedAt));
    }

    [Fact]
    public async Task Add_Contradiction_InvalidatesTheOldRelationWithATimestamp_AndKeepsIt()
    {
        await SayAsync("I live in Lisbon.");
        _fixture.Time.Advance(TimeSpan.FromDays(10));

        var moved = await SayAsync("I live in Porto.");

        var old = Assert.Single(moved.InvalidatedRelations);
        Assert.Equal("ana lives_in lisbon", Text(old));
        Assert.Equal(_fixture.Time.GetUtcNow(), old.InvalidatedAt);
        Assert.Equal(Assert.Single(moved.Results, e => e.Event == MemoryEventType.Add).Id, old.InvalidatedByMemoryId);
        Assert.Equal(["ana lives_in porto"], (await _fixture.Engine.GetRelationsAsync("ana")).Select(Text));
        var all = await _fixture.Engine.GetRelationsAsync("ana", includeInvalidated: true);
        Assert.Equal(["ana lives_in porto", "ana lives_in lisbon"], all.Select(Text));
        Assert.Equal(_fixture.Time.GetUtcNow(), all[1].InvalidatedAt);
    }

    [Fact]
    public async Task Delete_OfTheSourceMemory_ErasesItsRelations()
    {
        var kept = await SayAsync("I play the cello.");
        var gone = await SayAsync("I live in Lisbon.");

        await _fixture.Engine.DeleteAsync(Assert.Single(gone.Results).Id);

        var left = Assert.Single(await _fixture.Engine.GetRelationsAsync("ana", includeInvalidated: true));
        Assert.Equal(Assert.Single(kept.Results).Id, left.MemoryId);
    }

    [Fact]
    public async Task Delete_OfAContradictingMemory_LeavesTheRelationsItInvalidated_Invalidated()
    {
        var lisbon = Assert.Single((await SayAsync("I live in Lisbon.")).Results).Id;
        var porto = Assert.Single((await SayAsync("I live in Porto.")).Results, e => e.Event == MemoryEventType.Add).Id;

        await _fixture.Engine.DeleteAsync(porto);

        var left = Assert.Single(await _fixture.Engine.GetRelationsAsync("ana", includeInvalidated: true));
        Assert.Equal((lisbon, porto), (left.MemoryId, left.InvalidatedByMemoryId));
        Assert.Empty(await _fixture.Engine.GetRelationsAsync("ana"));
    }

    [Fact]
    public async Task Update_OfTheText_InvalidatesTheMemorysRelations_ByItself_AndExtractsTheNewText()
    {
        var cello = Assert.Single((await SayAsync("I play the cello.")).Results).Id;
        var home = Assert.Single((await SayAsync("I live in Lisbon.")).Results).Id;
        _fixture.Time.Advance(TimeSpan.FromDays(3));

        await _fixture.Engine.UpdateAsync(new UpdateMemoryRequest { MemoryId = home, Text = "I live in Porto." });

        var all = await _fixture.Engine.GetRelationsAsync("ana", includeInvalidated: true);
        Assert.Equal(["ana lives_in porto", "ana lives_in lisbon", "ana plays cello"], all.Select(Text));
        Assert.Equal((home, (DateTimeOffset?)null), (all[0].MemoryId, all[0].InvalidatedAt));
        Assert.Equal((home, _fixture.Time.GetUtcNow(), home), (all[1].MemoryId, all[1].InvalidatedAt, all[1].InvalidatedByMemoryId));
        Assert.Equal((cello, (DateTimeOffset?)null), (all[2].MemoryId, all[2].InvalidatedAt));
        Assert.Equal(2, (await _fixture.Engine.GetMemoryRelationsAsync([home])).Count);
    }

    [Fact]
    public async Task Update_OfAMemoryWithoutRelations_WithTheGraphOff_ExtractsNothing()
    {
        var id = Assert.Single((await SayAsync("I play the cello.", graph: false)).Results).Id;

        await _fixture.Engine.UpdateAsync(new UpdateMemoryRequest { MemoryId = id, Text = "I live in Porto." });

        Assert.Empty(await _fixture.Engine.GetRelationsAsync("ana", includeInvalidated: true));
    }

    [Fact]
    public async Task Update_WithTheGraphOnForEveryAdd_ExtractsRelationsOfAMemoryThatHadNone()
    {
        using var fixture = new EngineFixture(o => o.EnableGraph = true);
        var id = Assert.Single((await fixture.Engine.AddAsync(new AddMemoriesRequest
        {
            Messages = [MemoryMessage.User("it was a lovely day", "Ana")],
            Scope = MemoryScope.ForUser("ana"),
            Infer = false,
        })).Results).Id;

        await fixture.Engine.UpdateAsync(new UpdateMemoryRequest { MemoryId = id, Text = "I live in Porto." });

        Assert.Equal(id, Assert.Single(await fixture.Engine.GetRelationsAsync("ana")).MemoryId);
    }

    [Fact]
    public async Task Update_OfMetadataOnly_KeepsTheRelations()
    {
        var id = Assert.Single((await SayAsync("I live in Lisbon.")).Results).Id;

        await _fixture.Engine.UpdateAsync(new UpdateMemoryRequest { MemoryId = id, Metadata = MemoryMetadata.From(new KeyValuePair<string, object?>("k", "v")) });

        Assert.Null(Assert.Single(await _fixture.Engine.GetRelationsAsync("ana", includeInvalidated: true)).InvalidatedAt);
    }

    [Fact]
    public async Task Add_WithoutGraph_StoresNoRelations()
    {
        var result = await SayAsync("I live in Lisbon.", graph: false);

        Assert.Empty(result.AddedRelations);
        Assert.Empty(await _fixture.Engine.GetRelationsAsync("ana"));
    }

    [Fact]
    public async Task Search_WithGraph_ReturnsTheRelationsAroundTheQuery_BestFirst()
    {
        await SayAsync("I live in Lisbon.");
        await SayAsync("I play the cello.");
        await _fixture.Engine.AddAsync(new AddMemoriesRequest
        {
            Messages = [MemoryMessage.User("I live in Oslo.", "Ben")],
            Scope = MemoryScope.ForUser("ben"),
            EnableGraph = true,
        });

        var withGraph = await _fixture.Engine.SearchAsync(new SearchMemoriesRequest { Query = "Where does Ana live?", Scope = MemoryScope.ForUser("ana"), EnableGraph = true });
        var without = await _fixture.Engine.SearchAsync(new SearchMemoriesRequest { Query = "Where does Ana live?", Scope = MemoryScope.ForUser("ana") });

        Assert.Equal("ana lives_in lisbon", Text(withGraph.Relations[0]));
        Assert.DoesNotContain(withGraph.Relations, r => r.Source == "ben");
        Assert.Empty(without.Relations);
    }

    [Fact]
    public async Task Search_WithGraph_ReturnsTheScopeUsersRelations_WhenTheQueryDoesNotNameThem()
    {
        // The query names "tea", not the user: the user's relations (read separately and merged, newest first) are returned too.
        await _fixture.Engine.AddAsync(new AddMemoriesRequest { Messages = [MemoryMessage.User("Bob likes tea.")], Scope = MemoryScope.ForUser("ana"), Infer = false, EnableGraph = true });
        await SayAsync("I play the cello.");

        var result = await _fixture.Engine.SearchAsync(new SearchMemoriesRequest { Query = "tea", Scope = MemoryScope.ForUser("ana"), EnableGraph = true });

        Assert.Equal(["bob likes tea", "ana plays cello"], result.Relations.Select(Text));
    }

    private static string Text(GraphRelation r) => $"{r.Source} {r.Relationship} {r.Destination}";
}
