using Engram.Tests.Testing;

namespace Engram.Tests.Engine;

public sealed class SupersessionTests : IDisposable
{
    private readonly EngineFixture _fixture = new(o => o.DefaultThreshold = 0);

    public void Dispose() => _fixture.Dispose();

    private Task<AddMemoriesResult> SayAsync(string text) => _fixture.Engine.AddAsync(new AddMemoriesRequest
    {
        Messages = [MemoryMessage.User(text, "Ana")],
        Scope = MemoryScope.ForUser("ana"),
    });

    [Fact]
    public async Task AddAsync_NewEmployer_SupersedesOldOneAndKeepsIt()
    {
        var first = await SayAsync("I work at Acme.");
        var oldId = Assert.Single(first.Results).Id;
        _fixture.Time.Advance(TimeSpan.FromDays(30));

        var second = await SayAsync("I moved to Globex.");

        var added = Assert.Single(second.Results, e => e.Event == MemoryEventType.Add);
        var superseded = Assert.Single(second.Results, e => e.Event == MemoryEventType.Supersede);
        Assert.Equal(oldId, superseded.Id);

        var old = await _fixture.Engine.GetAsync(oldId);
        Assert.NotNull(old);
        Assert.Equal(added.Id, old.SupersededBy);
        Assert.Equal(_fixture.Time.GetUtcNow(), old.ValidTo);

        var history = await _fixture.Engine.GetHistoryAsync(oldId);
        var entry = history[^1];
        Assert.Equal(MemoryEventType.Supersede, entry.Event);
        Assert.Equal(added.Id, entry.RelatedMemoryId);
        Assert.Contains("Globex", entry.NewMemory, StringComparison.Ordinal);

        var latest = await _fixture.Engine.SearchAsync(new SearchMemoriesRequest { Query = "Where does Ana work?", Scope = MemoryScope.ForUser("ana") });
        Assert.DoesNotContain(latest.Results, h => h.Item.Id == oldId);
        var all = await _fixture.Engine.SearchAsync(new SearchMemoriesRequest { Query = "Where does Ana work?", Scope = MemoryScope.ForUser("ana"), LatestOnly = false });
        Assert.Contains(all.Results, h => h.Item.Id == oldId);

        var list = await _fixture.Engine.ListAsync(new ListMemoriesRequest { Scope = MemoryScope.ForUser("ana") });
        Assert.DoesNotContain(list.Items, i => i.Id == oldId);
        var everything = await _fixture.Engine.ListAsync(new ListMemoriesRequest { Scope = MemoryScope.ForUser("ana"), LatestOnly = false });
        Assert.Contains(everything.Items, i => i.Id == oldId);
    }

    [Fact]
    public async Task AddAsync_SameEmployerAgain_SupersedesNothing()
    {
        await SayAsync("I work at Acme.");
        var again = await SayAsync("I still work at Acme, and I love it.");
        Assert.DoesNotContain(again.Results, e => e.Event == MemoryEventType.Supersede);
    }

    [Fact]
    public async Task AddAsync_OtherPersonsEmployer_IsNotSuperseded()
    {
        await SayAsync("I work at Acme.");
        var other = await _fixture.Engine.AddAsync(new AddMemoriesRequest
        {
            Messages = [MemoryMessage.User("I work at Globex.", "Bo")],
            Scope = MemoryScope.ForUser("ana"),
        });
        Assert.DoesNotContain(other.Results, e => e.Event == MemoryEventType.Supersede);
    }

    [Theory]
    [InlineData("Ana works at Acme", "Ana works at Globex", true)]
    [InlineData("Ana lives in Lisbon", "Ana moved to Porto", true)]
    [InlineData("Ana lives in Lisbon", "Ana lives in Lisbon", false)]
    [InlineData("Ana's favorite color is blue", "Ana's favorite color is green", true)]
    [InlineData("Ana's favorite color is blue", "Ana's favorite food is pasta", false)]
    [InlineData("Ana is married to Tom", "Ana is married to Sam", true)]
    [InlineData("Ana likes tea", "Ana works at Globex", false)]
    public void Find_SingleValuedAttributes(string old, string fresh, bool expected)
    {
        var existing = new MemoryItem
        {
            Id = "m1",
            Memory = old,
            Hash = "h",
            Scope = MemoryScope.ForUser("ana"),
            CreatedAt = DateTimeOffset.UnixEpoch,
            UpdatedAt = DateTimeOffset.UnixEpoch,
            ObservedAt = DateTimeOffset.UnixEpoch,
        };
        Assert.Equal(expected, AttributeSupersession.Find(fresh, [existing]).Count == 1);
    }

    [Fact]
    public async Task AddAsync_UnknownMemoryType_IsRejected()
    {
        var ex = await Assert.ThrowsAsync<MemoryValidationException>(() => _fixture.Engine.AddAsync(new AddMemoriesRequest
        {
            Messages = [MemoryMessage.User("x")],
            Scope = MemoryScope.ForAgent("a"),
            MemoryType = "episodic",
        }));
        Assert.Equal("memory_type", ex.ParameterName);
    }

    [Fact]
    public async Task AddAsync_ProceduralWithoutLanguageModel_FailsClearlyAndWritesNothing()
    {
        await Assert.ThrowsAsync<MemoryExtractionException>(() => _fixture.Engine.AddAsync(new AddMemoriesRequest
        {
            Messages = [MemoryMessage.User("Step 1: open the page")],
            Scope = MemoryScope.ForAgent("bot"),
            MemoryType = "procedural_memory",
        }));
        Assert.Equal(0, (await _fixture.Engine.ListAsync(new ListMemoriesRequest { Scope = MemoryScope.ForAgent("bot") })).TotalCount);
    }
}
