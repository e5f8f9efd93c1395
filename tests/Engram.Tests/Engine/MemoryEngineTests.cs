using Engram.Tests.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Engram.Tests.Engine;

public sealed class MemoryEngineTests : IDisposable
{
    private readonly EngineFixture _fixture = new(o => o.DefaultThreshold = 0);

    private MemoryEngine Engine => _fixture.Engine;

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public async Task AddAsync_InferFalse_StoresEachMessageVerbatimWithProvenance()
    {
        var result = await Engine.AddAsync(new AddMemoriesRequest
        {
            Messages = [MemoryMessage.User("I moved to Lisbon in May", "Ana"), MemoryMessage.Assistant("Noted!"), new MemoryMessage { Role = "system", Content = "be brief" }],
            Scope = new MemoryScope { UserId = " ana ", AgentId = "helper" },
            Infer = false,
            Metadata = MemoryMetadata.From(new KeyValuePair<string, object?>("topic", "moving")),
            Timestamp = new DateTimeOffset(2025, 5, 20, 9, 0, 0, TimeSpan.Zero),
        });

        Assert.Equal(2, result.Results.Count);
        Assert.Equal(3, result.MessageIds.Count);
        var first = await Engine.GetAsync(result.Results[0].Id);
        Assert.NotNull(first);
        Assert.Equal("I moved to Lisbon in May", first.Memory);
        Assert.Equal("ana", first.Scope.UserId);
        Assert.Equal("helper", first.Scope.AgentId);
        Assert.Equal("Ana", first.ActorId);
        Assert.Equal("user", first.Role);
        Assert.Equal("moving", first.Metadata["topic"].GetString());
        Assert.Equal(new DateTimeOffset(2025, 5, 20, 9, 0, 0, TimeSpan.Zero), first.ObservedAt);
        Assert.Equal(first.ObservedAt, first.CreatedAt);
        Assert.Equal(first.ObservedAt, first.UpdatedAt);
        Assert.Equal(MemoryEngine.ComputeHash("I moved to Lisbon in May"), first.Hash);
        Assert.Equal([result.MessageIds[0]], first.SourceMessageIds);

        var messages = await _fixture.Store.GetMessagesAsync("default", first.SourceMessageIds);
        Assert.Equal("I moved to Lisbon in May", Assert.Single(messages).Content);

        var history = Assert.Single(await Engine.GetHistoryAsync(first.Id));
        Assert.Equal(MemoryEventType.Add, history.Event);
        Assert.Null(history.OldMemory);
        Assert.Equal(first.Memory, history.NewMemory);
    }

    [Fact]
    public void ComputeHash_IsMd5Hex()
    {
        Assert.Equal("5d41402abc4b2a76b9719d911017c592", MemoryEngine.ComputeHash("hello"));
    }

    [Fact]
    public async Task AddAsync_InferTrue_ExtractsFactsAndSkipsDuplicates()
    {
        var request = new AddMemoriesRequest
        {
            Messages = [MemoryMessage.User("Hi! I love hiking in the Alps with my dog Rex.", "Caroline")],
            Scope = MemoryScope.ForUser("caroline"),
        };

        var first = await Engine.AddAsync(request);
        Assert.NotEmpty(first.Results);
        Assert.All(first.Results, r => Assert.Contains("Caroline", r.Memory, StringComparison.Ordinal));

        var second = await Engine.AddAsync(request);
        Assert.Empty(second.Results);
    }

    [Fact]
    public async Task AddAsync_OnlyEmptyMessages_ReturnsNothingAndWritesNothing()
    {
        var result = await Engine.AddAsync(new AddMemoriesRequest { Messages = [MemoryMessage.User("   ")], Scope = MemoryScope.ForUser("u") });
        Assert.Empty(result.Results);
        var list = await Engine.ListAsync(new ListMemoriesRequest { Scope = MemoryScope.ForUser("u") });
        Assert.Equal(0, list.TotalCount);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("  ", null)]
    [InlineData("a b", null)]
    public async Task AddAsync_InvalidScope_ThrowsAndWritesNothing(string? userId, string? agentId)
    {
        var ex = await Assert.ThrowsAsync<MemoryValidationException>(() => Engine.AddAsync(new AddMemoriesRequest
        {
            Messages = [MemoryMessage.User("text")],
            Scope = new MemoryScope { UserId = userId, AgentId = agentId },
        }));
        Assert.False(string.IsNullOrEmpty(ex.Message));
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Theory]
    [InlineData("user_id")]
    [InlineData("agent_id")]
    [InlineData("run_id")]
    [InlineData("actor_id")]
    public async Task AddAsync_IdentityKeyInMetadata_IsStrippedAndNeverBecomesTheScope(string key)
    {
        var result = await Engine.AddAsync(new AddMemoriesRequest
        {
            Messages = [MemoryMessage.User("text")],
            Scope = MemoryScope.ForUser("alice"),
            Metadata = MemoryMetadata.From(new(key, "mallory"), new("topic", "food")),
            Infer = false,
        });

        var item = await Engine.GetAsync(Assert.Single(result.Results).Id);
        Assert.NotNull(item);
        Assert.Equal("alice", item.Scope.UserId);
        Assert.Null(item.Scope.AgentId);
        Assert.Null(item.Scope.RunId);
        Assert.Null(item.ActorId);
        Assert.Equal(["topic"], item.Metadata.Keys);
    }

    [Theory]
    [InlineData("session_id")]
    [InlineData("app_id")]
    [InlineData("org_id")]
    [InlineData("project_id")]
    [InlineData("")]
    public async Task AddAndUpdate_OrdinaryKeysNamedLikeIds_AreStoredAsPlainMetadata(string key)
    {
        var id = await _fixture.AddRawAsync("text", metadata: MemoryMetadata.From(new KeyValuePair<string, object?>(key, "s1")));
        var item = await Engine.GetAsync(id);
        Assert.Equal("s1", item!.Metadata[key].GetString());
        Assert.True(item.Scope.AppId is null && item.Scope.RunId is null);

        var updated = await Engine.UpdateAsync(new UpdateMemoryRequest { MemoryId = id, Metadata = MemoryMetadata.From(new(key, "s2"), new("user_id", "mallory")) });
        Assert.Equal("s2", updated.Metadata[key].GetString());
        Assert.False(updated.Metadata.ContainsKey("user_id"));
        Assert.Equal("alice", updated.Scope.UserId);
    }

    [Fact]
    public async Task SearchAsync_FindsLexicalAndScopesToUser()
    {
        await _fixture.AddRawAsync("Melanie painted a sunrise over the lake", "mel");
        await _fixture.AddRawAsync("Caroline went to a support group", "car");
        await _fixture.AddRawAsync("Melanie likes camping with her kids", "mel");

        var result = await Engine.SearchAsync(new SearchMemoriesRequest { Query = "painting sunrise", Scope = MemoryScope.ForUser("mel") });
        Assert.NotEmpty(result.Results);
        Assert.Equal("Melanie painted a sunrise over the lake", result.Results[0].Item.Memory);
        Assert.All(result.Results, h => Assert.Equal("mel", h.Item.Scope.UserId));
        Assert.True(result.Results.Zip(result.Results.Skip(1)).All(p => p.First.Score >= p.Second.Score));
    }

    [Fact]
    public async Task SearchAsync_ScopeInsideFilters_IsAccepted()
    {
        await _fixture.AddRawAsync("The cat is called Luna", "u1");
        var result = await Engine.SearchAsync(new SearchMemoriesRequest { Query = "cat name", Filter = MemoryFilter.Parse("""{"AND":[{"user_id":"u1"}]}""") });
        Assert.Single(result.Results);
    }

    [Fact]
    public async Task SearchAsync_FilterOnMetadata_Restricts()
    {
        await _fixture.AddRawAsync("Trip to Rome", metadata: MemoryMetadata.From(new KeyValuePair<string, object?>("kind", "travel")));
        await _fixture.AddRawAsync("Trip to the dentist", metadata: MemoryMetadata.From(new KeyValuePair<string, object?>("kind", "health")));
        var result = await Engine.SearchAsync(new SearchMemoriesRequest
        {
            Query = "trip",
            Scope = MemoryScope.ForUser("alice"),
            Filter = MemoryFilter.Parse("""{"kind":{"ne":"health"}}"""),
        });
        Assert.Equal("Trip to Rome", Assert.Single(result.Results).Item.Memory);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task SearchAsync_EmptyQuery_IsRejected(string query)
    {
        var ex = await Assert.ThrowsAsync<MemoryValidationException>(() => Engine.SearchAsync(new SearchMemoriesRequest { Query = query, Scope = MemoryScope.ForUser("a") }));
        Assert.Equal("query", ex.ParameterName);
    }

    [Fact]
    public async Task SearchAsync_NoScope_IsRejected()
    {
        var ex = await Assert.ThrowsAsync<MemoryValidationException>(() => Engine.SearchAsync(new SearchMemoriesRequest { Query = "x", Filter = MemoryFilter.Parse("""{"topic":"a"}""") }));
        Assert.Equal("filters", ex.ParameterName);
    }

    [Theory]
    [InlineData(0, 0.1)]
    [InlineData(1001, 0.1)]
    [InlineData(5, -0.1)]
    [InlineData(5, 1.5)]
    public async Task SearchAsync_OutOfRangeOptions_AreRejected(int topK, double threshold)
    {
        await Assert.ThrowsAsync<MemoryValidationException>(() => Engine.SearchAsync(new SearchMemoriesRequest
        {
            Query = "x",
            Scope = MemoryScope.ForUser("a"),
            TopK = topK,
            Threshold = threshold,
        }));
    }

    [Fact]
    public async Task SearchAsync_Explain_ReportsSignalsSourcesAndExclusions()
    {
        var kept = await _fixture.AddRawAsync("Jon opened a dance studio downtown");
        await _fixture.AddRawAsync("Gina sells clothes online");
        var result = await Engine.SearchAsync(new SearchMemoriesRequest { Query = "Jon dance studio", Scope = MemoryScope.ForUser("alice"), Explain = true, TopK = 1 });

        var hit = Assert.Single(result.Results);
        Assert.Equal(kept, hit.Item.Id);
        Assert.NotNull(hit.Explanation);
        Assert.Contains(hit.Explanation.Signals, s => s.Name == "vector" && s.Value > 0);
        Assert.Contains(hit.Explanation.Signals, s => s.Name == "bm25" && s.Value > 0);
        Assert.Equal(hit.Item.SourceMessageIds, hit.Explanation.SourceMessageIds);
        Assert.Equal(hit.Score, Math.Clamp(hit.Explanation.RawScore / hit.Explanation.Signals.Sum(s => s.Weight), 0, 1), 10);
        Assert.Contains(result.Excluded, e => e.Reason is "beyond_top_k" or "below_threshold");
    }

    [Fact]
    public async Task SearchAsync_Threshold_DropsWeakResults()
    {
        await _fixture.AddRawAsync("Jon opened a dance studio downtown");
        await _fixture.AddRawAsync("Gina sells clothes online");
        var result = await Engine.SearchAsync(new SearchMemoriesRequest { Query = "dance studio", Scope = MemoryScope.ForUser("alice"), Threshold = 0.99 });
        Assert.Empty(result.Results);
    }

    [Fact]
    public async Task SearchAsync_ExpiredMemory_HiddenUnlessShowExpired()
    {
        await Engine.AddAsync(new AddMemoriesRequest
        {
            Messages = [MemoryMessage.User("Coupon code SPRING works")],
            Scope = MemoryScope.ForUser("alice"),
            Infer = false,
            ExpirationDate = new DateOnly(2026, 3, 1),
        });

        var sameDay = await Engine.SearchAsync(new SearchMemoriesRequest { Query = "coupon code", Scope = MemoryScope.ForUser("alice") });
        Assert.Single(sameDay.Results);

        _fixture.Time.Advance(TimeSpan.FromDays(1));
        var nextDay = await Engine.SearchAsync(new SearchMemoriesRequest { Query = "coupon code", Scope = MemoryScope.ForUser("alice") });
        Assert.Empty(nextDay.Results);
        var shown = await Engine.SearchAsync(new SearchMemoriesRequest { Query = "coupon code", Scope = MemoryScope.ForUser("alice"), ShowExpired = true });
        Assert.Single(shown.Results);
        var explained = await Engine.SearchAsync(new SearchMemoriesRequest { Query = "coupon code", Scope = MemoryScope.ForUser("alice"), Explain = true });
        Assert.Contains(explained.Excluded, e => e.Reason == "expired");
        Assert.Empty((await Engine.ListAsync(new ListMemoriesRequest { Scope = MemoryScope.ForUser("alice") })).Items);
    }

    [Fact]
    public async Task UpdateAsync_NewText_ReembedsRecordsHistoryAndMergesMetadata()
    {
        var id = await _fixture.AddRawAsync("Likes tea", metadata: MemoryMetadata.From(new KeyValuePair<string, object?>("a", 1)));
        _fixture.Time.Advance(TimeSpan.FromMinutes(5));
        var updated = await Engine.UpdateAsync(new UpdateMemoryRequest
        {
            MemoryId = id,
            Text = "Likes green coffee",
            Metadata = MemoryMetadata.From(new KeyValuePair<string, object?>("b", 2)),
        });

        Assert.Equal("Likes green coffee", updated.Memory);
        Assert.Equal(1, updated.Metadata["a"].GetInt32());
        Assert.Equal(2, updated.Metadata["b"].GetInt32());
        Assert.True(updated.UpdatedAt > updated.CreatedAt);

        var found = await Engine.SearchAsync(new SearchMemoriesRequest { Query = "coffee", Scope = MemoryScope.ForUser("alice") });
        Assert.Equal(id, Assert.Single(found.Results).Item.Id);

        var history = await Engine.GetHistoryAsync(id);
        Assert.Equal([MemoryEventType.Add, MemoryEventType.Update], history.Select(h => h.Event));
        Assert.Equal("Likes tea", history[1].OldMemory);
        Assert.Equal("Likes green coffee", history[1].NewMemory);
    }

    [Fact]
    public async Task UpdateAsync_ExpirationOnly_KeepsTextAndVector()
    {
        var id = await _fixture.AddRawAsync("Owns a red bicycle");
        var updated = await Engine.UpdateAsync(new UpdateMemoryRequest { MemoryId = id, ExpirationDate = new DateOnly(2030, 1, 1) });
        Assert.Equal(new DateOnly(2030, 1, 1), updated.ExpirationDate);
        var found = await Engine.SearchAsync(new SearchMemoriesRequest { Query = "red bicycle", Scope = MemoryScope.ForUser("alice") });
        Assert.Equal(id, Assert.Single(found.Results).Item.Id);
        var cleared = await Engine.UpdateAsync(new UpdateMemoryRequest { MemoryId = id, ClearExpirationDate = true });
        Assert.Null(cleared.ExpirationDate);
    }

    [Fact]
    public async Task UpdateAsync_NothingToChangeOrUnknownId_Throws()
    {
        var id = await _fixture.AddRawAsync("x y z");
        await Assert.ThrowsAsync<MemoryValidationException>(() => Engine.UpdateAsync(new UpdateMemoryRequest { MemoryId = id }));
        await Assert.ThrowsAsync<MemoryNotFoundException>(() => Engine.UpdateAsync(new UpdateMemoryRequest { MemoryId = "nope", Text = "t" }));
    }

    [Fact]
    public async Task DeleteAsync_RemovesFromSearchAndRecordsHistory()
    {
        var id = await _fixture.AddRawAsync("Plays the violin");
        await Engine.DeleteAsync(id);
        Assert.Null(await Engine.GetAsync(id));
        Assert.Empty((await Engine.SearchAsync(new SearchMemoriesRequest { Query = "violin", Scope = MemoryScope.ForUser("alice") })).Results);
        var history = await Engine.GetHistoryAsync(id);
        var delete = history[^1];
        Assert.Equal(MemoryEventType.Delete, delete.Event);
        Assert.True(delete.IsDeleted);
        Assert.All(history, h => Assert.True(h.OldMemory is null && h.NewMemory is null, "a delete is an erasure: history keeps the events, not the text"));
        await Assert.ThrowsAsync<MemoryNotFoundException>(() => Engine.DeleteAsync(id));
    }

    [Fact]
    public async Task DeleteAsync_RemovesTheErasedTurnsWordsFromItsNeighboursKeywords()
    {
        // Each memory is indexed with the words of the turns around it, so the neighbours match "zanzibar" before the erasure.
        var before = await _fixture.AddRawAsync("I spent the summer hiking with my sister");
        var erased = await _fixture.AddRawAsync("My secret island is Zanzibar, do not tell anyone");
        var after = await _fixture.AddRawAsync("That sounds lovely, my island trip was short");
        var unrelated = await _fixture.AddRawAsync("Zanzibar spices are my favourite at dinner", "bob");
        Assert.Equivalent(new[] { after, before, erased }, await KeywordMatchesAsync("zanzibar secret", "alice"), strict: true);

        await Engine.DeleteAsync(erased);

        Assert.Empty(await KeywordMatchesAsync("zanzibar secret", "alice"));
        // Their own words still match ("island" is also in the later memory's own text), and so does the context of the turn
        // that stays (the later memory is indexed with the two turns before it); other scopes are untouched.
        Assert.Equivalent(new[] { after, before }, await KeywordMatchesAsync("hiking sister", "alice"), strict: true);
        Assert.Equal([after], await KeywordMatchesAsync("island trip", "alice"));
        Assert.Equal([unrelated], await KeywordMatchesAsync("zanzibar", "bob"));
    }

    // The memories that the query's keywords (BM25) match, whatever the other signals say.
    private async Task<List<string>> KeywordMatchesAsync(string query, string userId)
    {
        var results = (await Engine.SearchAsync(new SearchMemoriesRequest { Query = query, Scope = MemoryScope.ForUser(userId), Explain = true })).Results;
        return [.. results.Where(h => h.Explanation!.Signals.Any(s => s.Name == SearchFusion.KeywordSignal && s.Value > 0)).Select(h => h.Item.Id)];
    }

    [Fact]
    public async Task DeleteAllAsync_DeletesOnlyThatScope()
    {
        await _fixture.AddRawAsync("one", "u1");
        await _fixture.AddRawAsync("two", "u1");
        await _fixture.AddRawAsync("three", "u2");
        Assert.Equal(2, await Engine.DeleteAllAsync(MemoryScope.ForUser("u1")));
        Assert.Equal(0, (await Engine.ListAsync(new ListMemoriesRequest { Scope = MemoryScope.ForUser("u1") })).TotalCount);
        Assert.Equal(1, (await Engine.ListAsync(new ListMemoriesRequest { Scope = MemoryScope.ForUser("u2") })).TotalCount);
        await Assert.ThrowsAsync<MemoryValidationException>(() => Engine.DeleteAllAsync(new MemoryScope()));
    }

    [Fact]
    public async Task ListAsync_PagesNewestFirst()
    {
        for (var i = 0; i < 5; i++)
        {
            await _fixture.AddRawAsync($"memory number {i}");
            _fixture.Time.Advance(TimeSpan.FromSeconds(1));
        }

        var page1 = await Engine.ListAsync(new ListMemoriesRequest { Scope = MemoryScope.ForUser("alice"), PageSize = 2 });
        var page3 = await Engine.ListAsync(new ListMemoriesRequest { Scope = MemoryScope.ForUser("alice"), PageSize = 2, Page = 3 });
        Assert.Equal(5, page1.TotalCount);
        Assert.True(page1.HasMore);
        Assert.Equal(["memory number 4", "memory number 3"], page1.Items.Select(i => i.Memory));
        Assert.Equal("memory number 0", Assert.Single(page3.Items).Memory);
        Assert.False(page3.HasMore);
        await Assert.ThrowsAsync<MemoryValidationException>(() => Engine.ListAsync(new ListMemoriesRequest { Scope = MemoryScope.ForUser("alice"), Page = 0 }));
        await Assert.ThrowsAsync<MemoryValidationException>(() => Engine.ListAsync(new ListMemoriesRequest()));
    }

    [Fact]
    public async Task ForProject_IsolatesTenants()
    {
        var id = await _fixture.AddRawAsync("secret plan", "shared-user");
        var other = Engine.ForProject("other");
        Assert.Null(await other.GetAsync(id));
        Assert.Empty((await other.SearchAsync(new SearchMemoriesRequest { Query = "secret plan", Scope = MemoryScope.ForUser("shared-user") })).Results);
        Assert.Empty(await other.GetHistoryAsync(id));
        await other.ResetAsync();
        Assert.NotNull(await Engine.GetAsync(id));
        await Engine.ResetAsync();
        Assert.Null(await Engine.GetAsync(id));
    }

    [Fact]
    public async Task AddEngram_WithSqliteStore_ResolvesWorkingEngine()
    {
        var services = new ServiceCollection();
        services.AddEngram(o => o.DefaultTopK = 5).WithSqliteStore(Path.Combine(_fixture.Directory, "di.db"));
        await using var provider = services.BuildServiceProvider();
        var memory = provider.GetRequiredService<IMemory>();
        await memory.AddAsync(new AddMemoriesRequest { Messages = [MemoryMessage.User("DI works")], Scope = MemoryScope.ForUser("u"), Infer = false });
        var found = await memory.SearchAsync(new SearchMemoriesRequest { Query = "DI works", Scope = MemoryScope.ForUser("u") });
        Assert.Single(found.Results);
        Assert.IsType<Engram.Sqlite.SqliteMemoryStore>(memory.GetService(typeof(IMemoryStore)));
    }

    [Fact]
    public void AddEngram_InvalidOptions_FailsAtResolution()
    {
        var services = new ServiceCollection();
        services.AddEngram(o => o.DefaultTopK = 0).WithSqliteStore(Path.Combine(_fixture.Directory, "bad.db"));
        using var provider = services.BuildServiceProvider();
        Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => provider.GetRequiredService<IMemory>());
    }
}

public sealed class NeighbourContextTests
{
    [Theory]
    [InlineData(2, true)]
    [InlineData(0, false)]
    public async Task SearchAsync_AnswerTurn_IsFoundByWordsOfThePrecedingQuestion(int contextMessages, bool expectFound)
    {
        using var fixture = new EngineFixture(o =>
        {
            o.DefaultThreshold = 0;
            o.Retrieval.LexicalContextMessages = contextMessages;
            o.Retrieval.UseVector = false;
        });
        await fixture.AddRawAsync("Which instrument are you learning these days?", name: "Mel");
        var answer = await fixture.AddRawAsync("The violin! Lessons every Tuesday.", name: "Caroline");

        var result = await fixture.Engine.SearchAsync(new SearchMemoriesRequest { Query = "instrument learning", Scope = MemoryScope.ForUser("alice") });

        Assert.Equal(expectFound, result.Results.Any(h => h.Item.Id == answer));
        var stored = await fixture.Engine.GetAsync(answer);
        Assert.Equal("The violin! Lessons every Tuesday.", stored!.Memory);
    }
}
