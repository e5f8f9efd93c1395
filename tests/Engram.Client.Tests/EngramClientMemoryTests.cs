namespace Engram.Client.Tests;

/// <summary><see cref="EngramClient"/> as <see cref="IMemory"/> against the real server: every method, both add modes.</summary>
[Collection(SharedServer.Name)]
public sealed class EngramClientMemoryTests(EngramServerProcess server)
{
    private IMemory Memory => server.Services.GetRequiredService<IMemory>();

    private static string NewUser() => "client-" + Guid.NewGuid().ToString("N")[..12];

    private async Task<string> AddAsync(string text, MemoryScope scope, IReadOnlyDictionary<string, JsonElement>? metadata = null)
    {
        var result = await Memory.AddAsync(new AddMemoriesRequest { Messages = [MemoryMessage.User(text)], Scope = scope, Infer = false, Metadata = metadata });
        return Assert.Single(result.Results).Id;
    }

    [Fact]
    public void AddEngramClient_RegistersTheClientAsIMemory()
    {
        var memory = Memory;
        Assert.IsType<EngramClient>(memory);
        Assert.Same(memory, memory.GetService(typeof(EngramClient)));
        Assert.Null(memory.GetService(typeof(string)));
    }

    [Fact]
    public async Task Add_WithoutInference_StoresEachMessageSynchronously()
    {
        var user = NewUser();

        var result = await Memory.AddAsync(new AddMemoriesRequest
        {
            Messages = [MemoryMessage.User("I love hiking in the Alps"), MemoryMessage.User("My favourite drink is green tea")],
            Scope = new MemoryScope { UserId = user, AgentId = "client-agent" },
            Infer = false,
            Metadata = MemoryMetadata.From(new KeyValuePair<string, object?>("source", "client-test")),
            ExpirationDate = new DateOnly(2999, 1, 1),
            Timestamp = new DateTimeOffset(2024, 5, 1, 10, 0, 0, TimeSpan.Zero),
        });

        Assert.Equal(2, result.Results.Count);
        Assert.All(result.Results, e => Assert.Equal(MemoryEventType.Add, e.Event));
        Assert.Equal("I love hiking in the Alps", result.Results[0].Memory);
        var stored = await Memory.GetAsync(result.Results[0].Id);
        Assert.NotNull(stored);
        Assert.Equal(user, stored.Scope.UserId);
        Assert.Equal("client-agent", stored.Scope.AgentId);
        Assert.Equal("client-test", stored.Metadata["source"].GetString());
        Assert.Equal(new DateOnly(2999, 1, 1), stored.ExpirationDate);
        Assert.False(string.IsNullOrEmpty(stored.Hash));
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 10, 0, 0, TimeSpan.Zero), stored.ObservedAt);
    }

    [Fact]
    public async Task GetRelations_ReadsAnEntitysNeighbourhood_FromTheServersGraph()
    {
        var user = NewUser();
        var added = await Memory.AddAsync(new AddMemoriesRequest
        {
            Messages = [MemoryMessage.User("I live in Lisbon.", "Hana")],
            Scope = MemoryScope.ForUser(user),
            Infer = false,
            EnableGraph = true,
        });

        var relation = Assert.Single(await Memory.GetRelationsAsync("Lisbon", MemoryScope.ForUser(user)));

        Assert.Equal(("hana", "lives_in", "lisbon"), (relation.Source, relation.Relationship, relation.Destination));
        Assert.Equal((Assert.Single(added.Results).Id, user), (relation.MemoryId, relation.Scope.UserId));
        Assert.Null(relation.InvalidatedAt);
        Assert.Empty(await Memory.GetRelationsAsync("Lisbon", MemoryScope.ForUser(NewUser()), includeInvalidated: true));
    }

    [Fact]
    public async Task Add_WithInference_PollsTheEventAndReturnsTheExtractedMemories()
    {
        var user = NewUser();

        var result = await Memory.AddAsync(AddMemoriesRequest.FromText("I moved to Lisbon last month. I work as a nurse at the city hospital.", MemoryScope.ForUser(user)));

        Assert.NotEmpty(result.Results);
        Assert.Contains(result.Results, e => e.Event == MemoryEventType.Add && e.Memory.Contains("Lisbon", StringComparison.Ordinal));
        var listed = await Memory.ListAsync(new ListMemoriesRequest { Scope = MemoryScope.ForUser(user) });
        Assert.Equal(result.Results.Count, listed.TotalCount);
        var events = await server.Client.ListEventsAsync();
        Assert.Equal(JsonValueKind.Array, events.GetProperty("results").ValueKind);
        Assert.Contains(events.GetProperty("results").EnumerateArray(), e => e.GetProperty("status").GetString() == "SUCCEEDED");
    }

    [Fact]
    public async Task Search_WithScopeFiltersAndExplain_FindsOnlyMatchingMemories()
    {
        var user = NewUser();
        await AddAsync("Ana lives in Lisbon", MemoryScope.ForUser(user), MemoryMetadata.From(new KeyValuePair<string, object?>("topic", "home")));
        await AddAsync("Ana drinks green tea every morning", MemoryScope.ForUser(user), MemoryMetadata.From(new KeyValuePair<string, object?>("topic", "food")));
        await AddAsync("Bob lives in Lisbon too", MemoryScope.ForUser(NewUser()));

        var found = await Memory.SearchAsync(new SearchMemoriesRequest { Query = "Where does she live? Lisbon", Scope = MemoryScope.ForUser(user), TopK = 5, Explain = true });
        var byMetadata = await Memory.SearchAsync(new SearchMemoriesRequest
        {
            Query = "what does she drink",
            Scope = MemoryScope.ForUser(user),
            Filter = MemoryFilter.Parse("""{"metadata":{"topic":"food"}}"""),
        });
        var top = await Memory.SearchAsync(new SearchMemoriesRequest { Query = "Ana", Scope = MemoryScope.ForUser(user), TopK = 1, Threshold = 0 });
        var byFilterOnly = await Memory.SearchAsync(new SearchMemoriesRequest { Query = "Lisbon", Filter = MemoryFilter.Parse($$$"""{"AND":[{"user_id":"{{{user}}}"},{"created_at":{"gte":"2000-01-01"}}]}""") });

        Assert.NotEmpty(found.Results);
        Assert.All(found.Results, h => Assert.Equal(user, h.Item.Scope.UserId));
        var best = found.Results[0];
        Assert.Equal("Ana lives in Lisbon", best.Item.Memory);
        Assert.InRange(best.Score, double.Epsilon, 1);
        Assert.NotNull(best.Explanation);
        Assert.NotEmpty(best.Explanation.Signals);
        Assert.False(string.IsNullOrEmpty(best.Explanation.Fusion));
        Assert.Equal("Ana drinks green tea every morning", Assert.Single(byMetadata.Results).Item.Memory);
        Assert.Single(top.Results);
        Assert.All(byFilterOnly.Results, h => Assert.Equal(user, h.Item.Scope.UserId));
        Assert.Null(byMetadata.Results[0].Explanation);
    }

    [Fact]
    public async Task List_PagesNewestFirstWithTheTotal()
    {
        var user = NewUser();
        for (var i = 1; i <= 5; i++)
        {
            await AddAsync($"Paged memory {i}", MemoryScope.ForUser(user));
        }

        var first = await Memory.ListAsync(new ListMemoriesRequest { Scope = MemoryScope.ForUser(user), Page = 1, PageSize = 2 });
        var last = await Memory.ListAsync(new ListMemoriesRequest { Scope = MemoryScope.ForUser(user), Page = 3, PageSize = 2 });

        Assert.Equal(5, first.TotalCount);
        Assert.Equal(["Paged memory 5", "Paged memory 4"], first.Items.Select(i => i.Memory));
        Assert.Equal((1, 2), (first.Page, first.PageSize));
        Assert.Equal("Paged memory 1", Assert.Single(last.Items).Memory);
        Assert.Equal(5, last.TotalCount);
    }

    [Fact]
    public async Task Get_UnknownOrMalformedId_IsNull()
    {
        Assert.Null(await Memory.GetAsync(Guid.CreateVersion7().ToString()));
        Assert.Null(await Memory.GetAsync("not-a-uuid"));
    }

    [Fact]
    public async Task Update_TextMetadataAndExpiration_AreAppliedAndRecordedInHistory()
    {
        var user = NewUser();
        var id = await AddAsync("Works at Acme", MemoryScope.ForUser(user), MemoryMetadata.From(new KeyValuePair<string, object?>("team", "blue")));

        var renamed = await Memory.UpdateAsync(new UpdateMemoryRequest
        {
            MemoryId = id,
            Text = "Works at Globex",
            Metadata = MemoryMetadata.From(new KeyValuePair<string, object?>("changed", true)),
            ExpirationDate = new DateOnly(2999, 12, 31),
        });
        var cleared = await Memory.UpdateAsync(new UpdateMemoryRequest { MemoryId = id, ClearExpirationDate = true });
        var history = await Memory.GetHistoryAsync(id);

        Assert.Equal("Works at Globex", renamed.Memory);
        Assert.Equal("blue", renamed.Metadata["team"].GetString());
        Assert.True(renamed.Metadata["changed"].GetBoolean());
        Assert.Equal(new DateOnly(2999, 12, 31), renamed.ExpirationDate);
        Assert.Null(cleared.ExpirationDate);
        Assert.Equal("Works at Globex", cleared.Memory);
        Assert.Equal(MemoryEventType.Add, history[0].Event);
        var update = history.First(h => h.Event == MemoryEventType.Update);
        Assert.Equal(("Works at Acme", "Works at Globex"), (update.OldMemory, update.NewMemory));
        Assert.All(history, h => Assert.Equal(id, h.MemoryId));
        Assert.Empty(await Memory.GetHistoryAsync(Guid.CreateVersion7().ToString()));
    }

    [Fact]
    public async Task TimestampAndImmutable_RoundTripThroughTheServer()
    {
        var user = NewUser();
        var id = await AddAsync("Likes jazz", MemoryScope.ForUser(user));
        var said = new DateTimeOffset(2023, 3, 4, 5, 6, 7, TimeSpan.Zero);

        var moved = await Memory.UpdateAsync(new UpdateMemoryRequest { MemoryId = id, Timestamp = said });
        var immutable = await Memory.AddAsync(new AddMemoriesRequest { Messages = [MemoryMessage.User("Blood type O")], Scope = MemoryScope.ForUser(user), Infer = false, Immutable = true });
        var stored = await Memory.GetAsync(Assert.Single(immutable.Results).Id);

        Assert.Equal(said, moved.ObservedAt);
        Assert.Equal(said, moved.CreatedAt);
        Assert.True(stored!.Immutable);
        Assert.False(moved.Immutable);
        await Assert.ThrowsAsync<MemoryValidationException>(() => Memory.UpdateAsync(new UpdateMemoryRequest { MemoryId = stored.Id, Text = "Blood type A" }));
    }

    [Fact]
    public async Task Delete_RemovesOneMemory_AndASecondDeleteIsNotFound()
    {
        var id = await AddAsync("Temporary note", MemoryScope.ForUser(NewUser()));

        await Memory.DeleteAsync(id);

        Assert.Null(await Memory.GetAsync(id));
        await Assert.ThrowsAsync<MemoryNotFoundException>(() => Memory.DeleteAsync(id));
        var history = await Memory.GetHistoryAsync(id);
        Assert.Contains(history, h => h.Event == MemoryEventType.Delete);
    }

    [Fact]
    public async Task DeleteAll_RemovesTheScopesMemoriesAndReturnsTheirCount()
    {
        var user = NewUser();
        var other = NewUser();
        await AddAsync("One", MemoryScope.ForUser(user));
        await AddAsync("Two", MemoryScope.ForUser(user));
        await AddAsync("Kept", MemoryScope.ForUser(other));

        var deleted = await Memory.DeleteAllAsync(MemoryScope.ForUser(user));

        Assert.Equal(2, deleted);
        Assert.Equal(0, (await Memory.ListAsync(new ListMemoriesRequest { Scope = MemoryScope.ForUser(user) })).TotalCount);
        Assert.Equal(1, (await Memory.ListAsync(new ListMemoriesRequest { Scope = MemoryScope.ForUser(other) })).TotalCount);
    }
}
