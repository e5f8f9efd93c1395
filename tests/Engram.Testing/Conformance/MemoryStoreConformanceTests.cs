using System.Text.Json;

namespace Engram.Testing.Conformance;

/// <summary>
/// The behaviour every <see cref="IMemoryStore"/> (and its <see cref="IEventStore"/>) must show, run against each real
/// store by a concrete subclass: CRUD, the filter language, history, supersession, expiration, paging, concurrency,
/// project isolation and events; and, in the partial files, the optional SPIs every shipped store implements: graph
/// (<see cref="IGraphStore"/>), archive (<see cref="IMemoryArchiveStore"/>), webhooks (<see cref="IWebhookStore"/>) and
/// erasure (<see cref="IMemoryStore.EraseAsync"/>). Each test uses its own fresh project ids, so one database can serve them all.
/// </summary>
public abstract partial class MemoryStoreConformanceTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly EmbeddingModel Model = new("conformance-embedder", 3);

    /// <summary>Gets a fresh project id for this test.</summary>
    protected string Project { get; } = "p-" + Guid.NewGuid().ToString("N");

    /// <summary>Gets the store under test (initialized).</summary>
    protected abstract IMemoryStore Store { get; }

    private IEventStore Events => (IEventStore)Store;

    [Fact]
    public async Task Crud_InsertGetUpdateDelete_RoundTripsEveryField()
    {
        var item = Item("m1", "Alice likes green tea") with
        {
            Metadata = MemoryMetadata.From(new KeyValuePair<string, object?>("mood", "happy"), new KeyValuePair<string, object?>("n", 3)),
            Categories = ["food", "drinks"],
            Role = "user",
            ActorId = "alice",
            ExpirationDate = new DateOnly(2030, 1, 1),
            SourceMessageIds = ["msg1"],
            Immutable = true,
        };
        await Store.WriteAsync(new MemoryWriteBatch { ProjectId = Project, Inserts = [Record(item, [1, 0, 0])] });

        var read = await Store.GetAsync(Project, "m1");
        Assert.NotNull(read);
        Assert.Equal(item.Memory, read.Memory);
        Assert.Equal(item.Hash, read.Hash);
        Assert.Equal(item.Scope, read.Scope);
        Assert.Equal(["food", "drinks"], read.Categories);
        Assert.Equal("happy", read.Metadata["mood"].GetString());
        Assert.Equal(3, read.Metadata["n"].GetInt32());
        Assert.Equal(item.CreatedAt, read.CreatedAt);
        Assert.Equal(new DateOnly(2030, 1, 1), read.ExpirationDate);
        Assert.Equal(["msg1"], read.SourceMessageIds);
        Assert.Equal("user", read.Role);
        Assert.True(read.Immutable);

        var updated = item with { Memory = "Alice loves green tea", UpdatedAt = T0.AddHours(1), Immutable = false };
        await Store.WriteAsync(new MemoryWriteBatch { ProjectId = Project, Updates = [Record(updated)] });
        Assert.Equal("Alice loves green tea", (await Store.GetAsync(Project, "m1"))!.Memory);
        Assert.False((await Store.GetAsync(Project, "m1"))!.Immutable);
        Assert.Equal(T0.AddHours(1), (await Store.GetAsync(Project, "m1"))!.UpdatedAt);

        await Store.WriteAsync(new MemoryWriteBatch { ProjectId = Project, Deletes = ["m1"] });
        Assert.Null(await Store.GetAsync(Project, "m1"));
        Assert.Empty(await Store.GetManyAsync(Project, ["m1"]));
    }

    [Fact]
    public async Task Write_UnknownUpdateOrDelete_ThrowsNotFoundAndWritesNothing()
    {
        await Assert.ThrowsAsync<MemoryNotFoundException>(() => Store.WriteAsync(new MemoryWriteBatch
        {
            ProjectId = Project,
            Inserts = [Record(Item("new", "should roll back"))],
            Deletes = ["missing"],
        }));
        Assert.Null(await Store.GetAsync(Project, "new"));
        await Assert.ThrowsAsync<MemoryNotFoundException>(() => Store.WriteAsync(new MemoryWriteBatch { ProjectId = Project, Updates = [Record(Item("missing", "x"))] }));
    }

    [Fact]
    public async Task Write_DuplicateId_IsAValidationErrorNamingTheId()
    {
        await Insert(Record(Item("dup", "one")));
        var ex = await Assert.ThrowsAsync<MemoryValidationException>(() => Insert(Record(Item("dup", "two"))));
        Assert.Equal("id", ex.ParameterName);
        Assert.Equal("one", (await Store.GetAsync(Project, "dup"))!.Memory);
    }

    [Fact]
    public async Task Filters_ScopeMetadataCategoriesDatesAndLogic_MatchTheDsl()
    {
        await Insert(
            Record(Item("a", "Alice plays tennis", MemoryScope.ForUser("alice"), T0) with
            {
                Metadata = Meta("""{"sport":"tennis","level":5,"tags":["outdoor","fun"],"pro":true}"""),
                Categories = ["sports"],
            }),
            Record(Item("b", "Bob plays chess", MemoryScope.ForUser("bob"), T0.AddDays(1)) with
            {
                Metadata = Meta("""{"sport":"chess","level":2,"team":{"name":"Knights","size":4}}"""),
                Categories = ["games"],
            }),
            Record(Item("c", "Carol reads novels", new MemoryScope { UserId = "carol", AgentId = "helper" }, T0.AddDays(2))));

        await AssertFilter("""{"user_id":"alice"}""", "a");
        await AssertFilter("""{"metadata":{"sport":"chess"}}""", "b");
        await AssertFilter("""{"metadata":{"level":{"gte":3}}}""", "a");
        await AssertFilter("""{"metadata":{"level":{"lt":3}}}""", "b");
        await AssertFilter("""{"metadata":{"tags":"fun"}}""", "a");
        await AssertFilter("""{"metadata":{"tags":{"contains":"out"}}}""", "a");
        await AssertFilter("""{"metadata":{"sport":{"icontains":"TEN"}}}""", "a");
        await AssertFilter("""{"metadata":{"pro":true}}""", "a");
        await AssertFilter("""{"metadata":{"team":{"size":4.0,"name":"Knights"}}}""", "b");
        await AssertFilter("""{"metadata":{"team":{"name":"Knights"}}}""");
        await AssertFilter("""{"metadata":{"team":{"ne":{"name":"Knights","size":4}}}}""", "a", "c");
        await AssertFilter("""{"metadata":{"sport":{"ne":"tennis"}}}""", "b", "c");
        await AssertFilter("""{"metadata":{"sport":{"in":["tennis","chess"]}}}""", "a", "b");
        await AssertFilter("""{"metadata":{"sport":{"nin":["tennis"]}}}""", "b", "c");
        await AssertFilter("""{"categories":{"in":["games","sports"]}}""", "a", "b");
        await AssertFilter("""{"categories":"sports"}""", "a");
        await AssertFilter("""{"agent_id":"*"}""", "c");
        await AssertFilter("""{"memory":{"contains":"plays"}}""", "a", "b");
        await AssertFilter("""{"memory":{"icontains":"NOVELS"}}""", "c");
        await AssertFilter("""{"created_at":{"gte":"2025-01-02"}}""", "b", "c");
        await AssertFilter("""{"created_at":"2025-01-02"}""", "b");
        await AssertFilter("""{"created_at":{"lt":"2025-01-02T00:00:00Z"}}""", "a");
        await AssertFilter("""{"OR":[{"user_id":"alice"},{"user_id":"carol"}]}""", "a", "c");
        await AssertFilter("""{"AND":[{"metadata":{"level":{"gt":1}}},{"NOT":[{"user_id":"alice"}]}]}""", "b");
    }

    [Fact]
    public async Task Filters_WideFlatLogicAndLongLists_AreAnswered_AndMoreThanTheValueCapIsAValidationError()
    {
        await Insert(
            Record(Item("a", "Alice plays tennis") with { Metadata = Meta("""{"k700":"v700"}"""), Categories = ["sports"] }),
            Record(Item("b", "Bob plays chess", MemoryScope.ForUser("bob"))));

        // SQLite refuses expression trees deeper than 1,000: flat chains of this many conditions used to fail (a 500).
        var or = string.Join(',', Enumerable.Range(0, 1_500).Select(i => "{\"metadata\":{\"k" + i + "\":\"v" + i + "\"}}"));
        await AssertFilter("{\"OR\":[" + or + "]}", "a");
        var siblings = string.Join(',', Enumerable.Range(0, 1_500).Select(i => "\"m" + i + "\":{\"ne\":\"x\"}"));
        await AssertFilter("{\"user_id\":\"alice\",\"metadata\":{" + siblings + "}}", "a");
        var notAny = string.Join(',', Enumerable.Range(0, 1_200).Select(i => "{\"user_id\":\"nobody" + i + "\"}"));
        await AssertFilter("{\"NOT\":[" + notAny + "]}", "a", "b");
        var longIn = JsonSerializer.Serialize(Enumerable.Range(0, 9_000).Select(i => $"v{i}").Append("v700"));
        await AssertFilter("{\"metadata\":{\"k700\":{\"in\":" + longIn + "}}}", "a");
        await AssertFilter("{\"categories\":{\"in\":" + longIn[..^1] + ",\"sports\"]}}", "a");

        // Four lists under the cap bind 36,000 values together (SQLite allows 32,766 variables): refused as input.
        var lists = Enumerable.Range(0, 4).Select(_ => new ComparisonFilter(
            FilterField.Of(FilterFieldKind.RunId), FilterOperator.Nin, JsonSerializer.SerializeToElement(Enumerable.Range(0, 9_000).Select(i => $"r{i}")))).ToList<MemoryFilter>();
        var categories = new ComparisonFilter(
            FilterField.Of(FilterFieldKind.Categories), FilterOperator.In, JsonSerializer.SerializeToElement(Enumerable.Range(0, 40_000).Select(i => $"c{i}")));
        foreach (var tooLarge in new MemoryFilter[] { new AndFilter(lists), categories })
        {
            var list = await Assert.ThrowsAsync<MemoryValidationException>(() => Store.ListAsync(Query(tooLarge), 0, 10));
            Assert.Equal("filters", list.ParameterName);
            Assert.Contains($"at most {MemoryFilter.MaxValues}", list.Message, StringComparison.Ordinal);
            await Assert.ThrowsAsync<MemoryValidationException>(() => Store.SearchKeywordsAsync(Query(tooLarge), ["tennis"], 10));
        }
    }

    [Fact]
    public async Task Write_WithAnIdTheProjectHasOrTwice_IsAValidationError_AndWritesNothing()
    {
        await Store.WriteAsync(new MemoryWriteBatch
        {
            ProjectId = Project,
            Messages = [Message("msg", MemoryScope.ForUser("alice"), "hello")],
            Inserts = [Record(Item("kept", "Kept memory"))],
            History = [History("hist", "kept", MemoryEventType.Add, T0, null, "Kept memory")],
        });

        MemoryWriteBatch[] colliding =
        [
            new() { ProjectId = Project, Inserts = [Record(Item("new1", "New one"))], History = [History("hist", "new1", MemoryEventType.Add, T0, null, "New one")] },
            new() { ProjectId = Project, Inserts = [Record(Item("new2", "New two"))], Messages = [Message("msg", MemoryScope.ForUser("alice"), "again")] },
            new() { ProjectId = Project, Inserts = [Record(Item("kept", "Kept again"))] },
            new() { ProjectId = Project, Inserts = [Record(Item("twice", "Once")), Record(Item("twice", "Twice"))] },
        ];
        foreach (var batch in colliding)
        {
            var ex = await Assert.ThrowsAsync<MemoryValidationException>(() => Store.WriteAsync(batch));
            Assert.Equal("id", ex.ParameterName);
        }

        Assert.Equal(["kept"], (await Store.ListAsync(Query(), 0, 10)).Items.Select(m => m.Id));
        Assert.Equal("Kept memory", (await Store.GetAsync(Project, "kept"))!.Memory);
        Assert.Equal(["hist"], (await Store.GetHistoryAsync(Project, "kept")).Select(h => h.Id));
        Assert.Empty(await Store.GetHistoryAsync(Project, "new1"));
    }

    [Fact]
    public async Task List_PagesNewestFirstWithTotal()
    {
        var records = Enumerable.Range(0, 7).Select(i => Record(Item($"m{i}", $"memory number {i}", createdAt: T0.AddMinutes(i)))).ToArray();
        await Insert(records);

        var first = await Store.ListAsync(Query(), 0, 3);
        var second = await Store.ListAsync(Query(), 3, 3);
        var last = await Store.ListAsync(Query(), 6, 3);
        var beyond = await Store.ListAsync(Query(), 10, 3);

        Assert.Equal(7, first.TotalCount);
        Assert.Equal(["m6", "m5", "m4"], first.Items.Select(m => m.Id));
        Assert.Equal(["m3", "m2", "m1"], second.Items.Select(m => m.Id));
        Assert.Equal(["m0"], last.Items.Select(m => m.Id));
        Assert.Empty(beyond.Items);
        Assert.Equal(7, beyond.TotalCount);
    }

    [Fact]
    public async Task History_IsKeptOldestFirstAndSurvivesDelete()
    {
        await Store.WriteAsync(new MemoryWriteBatch
        {
            ProjectId = Project,
            Inserts = [Record(Item("h", "v1"))],
            History = [History("h1", "h", MemoryEventType.Add, T0, null, "v1")],
        });
        await Store.WriteAsync(new MemoryWriteBatch
        {
            ProjectId = Project,
            Updates = [Record(Item("h", "v2"))],
            History = [History("h2", "h", MemoryEventType.Update, T0.AddMinutes(1), "v1", "v2")],
        });
        await Store.WriteAsync(new MemoryWriteBatch
        {
            ProjectId = Project,
            Deletes = ["h"],
            History = [History("h3", "h", MemoryEventType.Delete, T0.AddMinutes(2), "v2", null)],
        });

        var history = await Store.GetHistoryAsync(Project, "h");
        Assert.Equal(["h1", "h2", "h3"], history.Select(e => e.Id));
        Assert.Equal([MemoryEventType.Add, MemoryEventType.Update, MemoryEventType.Delete], history.Select(e => e.Event));
        Assert.Equal("v1", history[1].OldMemory);
        Assert.True(history[2].IsDeleted);
        Assert.Empty(await Store.GetHistoryAsync(Project, "unknown"));
    }

    [Fact]
    public async Task Supersession_HidesTheOldMemoryOnlyWhenAsked()
    {
        await Insert(Record(Item("old", "Alice lives in Paris"), [1, 0, 0]), Record(Item("new", "Alice lives in Rome"), [0.9f, 0.1f, 0]));
        await Store.WriteAsync(new MemoryWriteBatch { ProjectId = Project, Supersessions = [new MemorySupersession("old", "new", T0.AddDays(1))] });

        var old = await Store.GetAsync(Project, "old");
        Assert.Equal("new", old!.SupersededBy);
        Assert.Equal(T0.AddDays(1), old.ValidTo);
        Assert.Equal(2, (await Store.ListAsync(Query(), 0, 10)).TotalCount);
        Assert.Equal(["new"], (await Store.ListAsync(Query() with { ExcludeSuperseded = true }, 0, 10)).Items.Select(m => m.Id));
        var hits = await Store.SearchVectorsAsync(Query() with { ExcludeSuperseded = true }, Unit(1, 0, 0), Model, 10);
        Assert.Equal(["new"], hits.Select(h => h.MemoryId));
        var keywords = await Store.SearchKeywordsAsync(Query() with { ExcludeSuperseded = true }, ["alice"], 10);
        Assert.Equal(["new"], keywords.Select(h => h.MemoryId));
    }

    [Fact]
    public async Task Expiration_ExcludesMemoriesExpiredBeforeTheDay()
    {
        await Insert(
            Record(Item("past", "expired fact") with { ExpirationDate = new DateOnly(2024, 12, 31) }),
            Record(Item("today", "expires today") with { ExpirationDate = new DateOnly(2025, 1, 1) }),
            Record(Item("never", "no expiry")));
        var page = await Store.ListAsync(Query() with { ExcludeExpiredBefore = new DateOnly(2025, 1, 1) }, 0, 10);
        Assert.Equal(["never", "today"], page.Items.Select(m => m.Id).Order(StringComparer.Ordinal));
        Assert.Equal(3, (await Store.ListAsync(Query(), 0, 10)).TotalCount);
    }

    [Fact]
    public async Task SearchVectors_RanksByCosineWithinFilter()
    {
        await Insert(
            Record(Item("x", "east", MemoryScope.ForUser("u1")), Unit(1, 0, 0)),
            Record(Item("y", "north", MemoryScope.ForUser("u1")), Unit(0, 1, 0)),
            Record(Item("z", "north-east", MemoryScope.ForUser("u2")), Unit(1, 1, 0)),
            Record(Item("novector", "plain", MemoryScope.ForUser("u1"))));

        var hits = await Store.SearchVectorsAsync(Query(), Unit(1, 0.2f, 0), Model, 10);
        Assert.Equal(["x", "z", "y"], hits.Select(h => h.MemoryId));
        Assert.InRange(hits[0].Score, 0.97, 1.0001);
        var filtered = await Store.SearchVectorsAsync(Query(Parse("""{"user_id":"u1"}""")), Unit(1, 1, 0), Model, 1);
        Assert.Single(filtered);
        Assert.Contains(filtered[0].MemoryId, new[] { "x", "y" });
        await Assert.ThrowsAsync<EmbeddingMismatchException>(() => Store.SearchVectorsAsync(Query(), Unit(1, 0, 0, 0), new EmbeddingModel("other", 4), 5));
    }

    [Fact]
    public async Task SearchKeywords_RanksByBm25AndHonoursFilters()
    {
        await Insert(
            Record(Item("t1", "tennis tennis tennis club", MemoryScope.ForUser("u1"))),
            Record(Item("t2", "tennis and a very long sentence about many other things entirely", MemoryScope.ForUser("u1"))),
            Record(Item("t3", "chess club", MemoryScope.ForUser("u2"))));

        var hits = await Store.SearchKeywordsAsync(Query(), ["tennis"], 10);
        Assert.Equal(["t1", "t2"], hits.Select(h => h.MemoryId));
        Assert.True(hits[0].Score > hits[1].Score && hits[1].Score > 0);
        var club = await Store.SearchKeywordsAsync(Query(Parse("""{"user_id":"u2"}""")), ["club", "tennis"], 10);
        Assert.Equal(["t3"], club.Select(h => h.MemoryId));
        Assert.Empty(await Store.SearchKeywordsAsync(Query(), ["   ", "!!"], 10));

        await Store.WriteAsync(new MemoryWriteBatch { ProjectId = Project, LexicalAppends = [new LexicalAppend("t3", "badminton")] });
        Assert.Equal(["t3"], (await Store.SearchKeywordsAsync(Query(), ["badminton"], 10)).Select(h => h.MemoryId));
    }

    [Fact]
    public async Task Entities_LinksAreFoundAndOrphansRemoved()
    {
        await Insert(
            Record(Item("e1", "Alice met Bob"), entities: [Entity("alice"), Entity("bob")]),
            Record(Item("e2", "Alice in Paris"), entities: [Entity("alice"), Entity("paris")]));
        var links = await Store.FindEntityLinksAsync(Query(), ["alice", "bob"], 10);
        Assert.Equal(3, links.Count);
        Assert.Equal(2, links.First(l => l.EntityKey == "alice").LinkCount);
        Assert.Equal(1, links.Single(l => l.EntityKey == "bob").LinkCount);

        await Store.WriteAsync(new MemoryWriteBatch { ProjectId = Project, Deletes = ["e1"] });
        var after = await Store.FindEntityLinksAsync(Query(), ["alice", "bob"], 10);
        Assert.Equal([("e2", "alice")], after.Select(l => (l.MemoryId, l.EntityKey)));
    }

    [Fact]
    public async Task Messages_RecentPerExactScopeOldestFirst()
    {
        var alice = MemoryScope.ForUser("alice");
        var aliceRun = new MemoryScope { UserId = "alice", RunId = "r1" };
        await Store.WriteAsync(new MemoryWriteBatch
        {
            ProjectId = Project,
            Messages = [.. Enumerable.Range(0, 5).Select(i => Message($"a{i}", alice, $"hello {i}")), Message("r", aliceRun, "in a run")],
        });
        var recent = await Store.GetRecentMessagesAsync(Project, alice, 3);
        Assert.Equal(["a2", "a3", "a4"], recent.Select(m => m.Id));
        Assert.Equal(["r"], (await Store.GetRecentMessagesAsync(Project, aliceRun, 10)).Select(m => m.Id));
        Assert.Equal(["a0", "r"], (await Store.GetMessagesAsync(Project, ["r", "a0", "nope"])).Select(m => m.Id));
    }

    [Fact]
    public async Task Isolation_AnotherProjectSeesNothingAndResetIsScoped()
    {
        var other = "q-" + Guid.NewGuid().ToString("N");
        await Insert(Record(Item("same-id", "project one secret"), Unit(1, 0, 0), [Entity("secret")]));
        await Store.WriteAsync(new MemoryWriteBatch { ProjectId = other, Inserts = [Record(Item("same-id", "project two"), Unit(0, 1, 0))] });

        Assert.Equal("project two", (await Store.GetAsync(other, "same-id"))!.Memory);
        Assert.Empty(await Store.SearchKeywordsAsync(Query(project: other), ["secret"], 10));
        Assert.Equal(["same-id"], (await Store.SearchVectorsAsync(Query(project: other), Unit(1, 0, 0), Model, 10)).Select(h => h.MemoryId));
        Assert.Empty(await Store.FindEntityLinksAsync(Query(project: other), ["secret"], 10));
        Assert.Equal(1, (await Store.ListAsync(Query(project: other), 0, 10)).TotalCount);

        await Store.ResetAsync(other);
        Assert.Null(await Store.GetAsync(other, "same-id"));
        Assert.NotNull(await Store.GetAsync(Project, "same-id"));
    }

    [Fact]
    public async Task Concurrency_ParallelBatchesAllLand()
    {
        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 5; i++)
            {
                await Insert(Record(Item($"w{w}-{i}", $"worker {w} item {i}"), Unit(1, w, i), [Entity("shared")]));
            }
        })));
        Assert.Equal(40, (await Store.ListAsync(Query(), 0, 100)).TotalCount);
        Assert.Equal(40, (await Store.FindEntityLinksAsync(Query(), ["shared"], 100)).Count);
    }

    [Fact]
    public async Task Events_LifecycleAndExactlyOnceCompletion()
    {
        var pending = Event("ev1");
        await Events.CreateEventAsync(pending);
        Assert.Contains(await Events.ListUnfinishedEventsAsync(1000), e => e.Id == "ev1");

        var started = await Events.StartEventAsync(Project, "ev1");
        Assert.Equal(StoredEventStatus.Running, started!.Status);
        Assert.Equal(1, started.Attempts);

        await Store.WriteAsync(new MemoryWriteBatch { ProjectId = Project, Inserts = [Record(Item("from-event", "made by the event"))], CompletesEventId = "ev1" });
        var done = await Events.GetEventAsync(Project, "ev1");
        Assert.Equal(StoredEventStatus.Succeeded, done!.Status);
        Assert.Equal(["from-event"], done.Results.Select(r => r.Id));

        // The same work again is refused as a whole: nothing is written twice.
        await Assert.ThrowsAsync<EventConflictException>(() => Store.WriteAsync(new MemoryWriteBatch
        {
            ProjectId = Project,
            Inserts = [Record(Item("again", "duplicate"))],
            CompletesEventId = "ev1",
        }));
        Assert.Null(await Store.GetAsync(Project, "again"));
        Assert.Null(await Events.StartEventAsync(Project, "ev1"));
        Assert.False(await Events.CompleteEventAsync(Project, "ev1", []));
        Assert.Null(await Events.GetEventAsync("other-project", "ev1"));
    }

    [Fact]
    public async Task Events_FailRetryReleaseAndPaging()
    {
        for (var i = 0; i < 3; i++)
        {
            await Events.CreateEventAsync(Event($"e{i}", T0.AddSeconds(i)));
        }

        Assert.NotNull(await Events.StartEventAsync(Project, "e0"));
        Assert.True(await Events.FailEventAsync(Project, "e0", "model down"));
        Assert.Equal("model down", (await Events.GetEventAsync(Project, "e0"))!.Error);
        Assert.Equal(["e0"], await Events.RetryEventsAsync(Project, null));
        Assert.Equal(StoredEventStatus.Pending, (await Events.GetEventAsync(Project, "e0"))!.Status);

        Assert.NotNull(await Events.StartEventAsync(Project, "e1"));
        Assert.True(await Events.ReleaseEventAsync(Project, "e1"));
        Assert.False(await Events.ReleaseEventAsync(Project, "e1"));
        Assert.Equal(StoredEventStatus.Pending, (await Events.GetEventAsync(Project, "e1"))!.Status);

        var page = await Events.ListEventsAsync(Project, 1, 1);
        Assert.Equal(3, page.TotalCount);
        Assert.Equal(["e1"], page.Items.Select(e => e.Id));
    }

    [Fact]
    public async Task Scopes_AreListedPerKind()
    {
        await Insert(
            Record(Item("s1", "one", MemoryScope.ForUser("alice"))),
            Record(Item("s2", "two", new MemoryScope { UserId = "alice", AgentId = "bot" })),
            Record(Item("s3", "three", MemoryScope.ForUser("bob"))));
        var scopes = await ((IScopeCatalog)Store).ListScopesAsync(Project);
        Assert.Equal(2, scopes.Single(s => s.Kind == ScopeKind.User && s.Id == "alice").MemoryCount);
        Assert.Single(scopes, s => s.Kind == ScopeKind.Agent && s.Id == "bot");
        Assert.Equal(3, scopes.Count);
    }

    /// <summary>Inserts records into <see cref="Project"/>.</summary>
    protected Task Insert(params MemoryRecord[] records) => Store.WriteAsync(new MemoryWriteBatch { ProjectId = Project, Inserts = records });

    /// <summary>A query over <see cref="Project"/> (or another project).</summary>
    protected MemoryQuery Query(MemoryFilter? filter = null, string? project = null) => new() { ProjectId = project ?? Project, Filter = filter };

    /// <summary>A memory of user alice created at <paramref name="createdAt"/> (default 2025-01-01T12:00Z).</summary>
    protected static MemoryItem Item(string id, string text, MemoryScope? scope = null, DateTimeOffset? createdAt = null) => new()
    {
        Id = id,
        Memory = text,
        Hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)))[..32],
        Scope = scope ?? MemoryScope.ForUser("alice"),
        CreatedAt = createdAt ?? T0,
        UpdatedAt = createdAt ?? T0,
        ObservedAt = createdAt ?? T0,
    };

    /// <summary>A record with lower-cased lexical text, an optional 3-d vector and entities.</summary>
    protected static MemoryRecord Record(MemoryItem item, float[]? vector = null, IReadOnlyList<EntityMention>? entities = null) => new()
    {
        Item = item,
        LexicalText = item.Memory.ToLowerInvariant(),
        Embedding = vector ?? ReadOnlyMemory<float>.Empty,
        EmbeddingModel = vector is null ? null : Model,
        Entities = entities,
    };

    /// <summary>An L2-normalised vector.</summary>
    protected static float[] Unit(params float[] values)
    {
        var norm = MathF.Sqrt(values.Sum(v => v * v));
        return [.. values.Select(v => v / norm)];
    }

    private StoredEvent Event(string id, DateTimeOffset? at = null) => new()
    {
        Id = id,
        ProjectId = Project,
        EventType = "ADD",
        Status = StoredEventStatus.Pending,
        Payload = "{}",
        CreatedAt = at ?? T0,
        UpdatedAt = at ?? T0,
    };

    private static EntityMention Entity(string key) => new(key, key, "PROPER");

    private static StoredMessage Message(string id, MemoryScope scope, string content) => new()
    {
        Id = id,
        Scope = scope,
        Role = MemoryRoles.User,
        Content = content,
        ObservedAt = T0,
        CreatedAt = T0,
    };

    private static MemoryHistoryEntry History(string id, string memoryId, MemoryEventType type, DateTimeOffset at, string? oldMemory, string? newMemory) => new()
    {
        Id = id,
        MemoryId = memoryId,
        Event = type,
        OldMemory = oldMemory,
        NewMemory = newMemory,
        CreatedAt = at,
        IsDeleted = type == MemoryEventType.Delete,
    };

    private static IReadOnlyDictionary<string, JsonElement> Meta(string json) => MemoryMetadata.Parse(json);

    private static MemoryFilter Parse(string json) => MemoryFilterParser.Parse(JsonDocument.Parse(json).RootElement);

    private async Task AssertFilter(string json, params string[] expected)
    {
        var page = await Store.ListAsync(Query(Parse(json)), 0, 100);
        Assert.True(
            expected.Order(StringComparer.Ordinal).SequenceEqual(page.Items.Select(m => m.Id).Order(StringComparer.Ordinal)),
            $"{json}: expected [{string.Join(", ", expected)}], got [{string.Join(", ", page.Items.Select(m => m.Id))}]");
    }
}
