namespace Engram.Testing.Conformance;

/// <content>
/// Large and mixed batches: a store may group a batch's rows into few statements (PostgreSQL sends a few hundred rows
/// per round trip), yet the effects must equal those of applying the rows one by one in list order, in one transaction.
/// </content>
public abstract partial class MemoryStoreConformanceTests
{
    /// <summary>More rows than one PostgreSQL round trip carries (500), so every kind of row crosses a chunk boundary.</summary>
    private const int LargeBatch = 1_200;

    [Fact]
    public async Task Write_LargeBatchWithMessagesEntitiesAndHistory_ReadsBackExactly()
    {
        var scope = MemoryScope.ForUser("bulk");
        var records = Enumerable.Range(0, LargeBatch).Select(i => Record(
            Item($"b{i:D4}", $"bulk memory {i} about topic{i % 50}", scope, T0.AddSeconds(i)) with
            {
                Metadata = Meta($$"""{"n":{{i}}}"""),
                Categories = i % 2 == 0 ? ["even"] : [],
                SourceMessageIds = [$"msg{i:D4}"],
            },
            i == LargeBatch - 2 ? Unit(-1, 0, 1) : i % 2 == 0 ? Unit(1, i % 7, 1) : null,
            i % 3 == 0
                ? [Entity("shared"), Entity($"k{i % 50}"), Entity("shared")]
                : [Entity("shared"), Entity($"k{i % 50}")])).ToArray();
        await Store.WriteAsync(new MemoryWriteBatch
        {
            ProjectId = Project,
            Messages = [.. Enumerable.Range(0, LargeBatch).Select(i => Message($"msg{i:D4}", scope, $"message {i}"))],
            Inserts = records,
            History = [.. Enumerable.Range(0, LargeBatch).Select(i => History($"h{i:D4}", $"b{i:D4}", MemoryEventType.Add, T0.AddSeconds(i), null, $"bulk memory {i} about topic{i % 50}"))],
        });

        var ids = records.Select(r => r.Item.Id).ToArray();
        var read = (await Store.GetManyAsync(Project, ids)).ToDictionary(m => m.Id, StringComparer.Ordinal);
        Assert.Equal(LargeBatch, read.Count);
        foreach (var record in records)
        {
            var item = read[record.Item.Id];
            Assert.Equal(record.Item.Memory, item.Memory);
            Assert.Equal(record.Item.Hash, item.Hash);
            Assert.Equal(scope, item.Scope);
            Assert.Equal(record.Item.CreatedAt, item.CreatedAt);
            Assert.Equal(record.Item.Categories, item.Categories);
            Assert.Equal(record.Item.Metadata["n"].GetInt32(), item.Metadata["n"].GetInt32());
            Assert.Equal(record.Item.SourceMessageIds, item.SourceMessageIds);
        }

        Assert.Equal(LargeBatch, (await Store.ListAsync(Query(), 0, 10)).TotalCount);
        Assert.Equal(ids.Reverse().Take(3), (await Store.ListAsync(Query(), 0, 3)).Items.Select(m => m.Id));

        // Messages keep their list order; history rows are stored for every memory.
        var messages = await Store.GetRecentMessagesAsync(Project, scope, LargeBatch + 10);
        Assert.Equal(Enumerable.Range(0, LargeBatch).Select(i => $"msg{i:D4}"), messages.Select(m => m.Id));
        Assert.Equal("message 1199", messages[^1].Content);
        foreach (var i in new[] { 0, 499, 500, 999, 1000, LargeBatch - 1 })
        {
            var history = Assert.Single(await Store.GetHistoryAsync(Project, $"b{i:D4}"));
            Assert.Equal($"h{i:D4}", history.Id);
            Assert.Equal(MemoryEventType.Add, history.Event);
            Assert.Equal(T0.AddSeconds(i), history.CreatedAt);
        }

        // One link per (memory, entity), a repeated mention included; every memory's links are there.
        var shared = await Store.FindEntityLinksAsync(Query(), ["shared"], 5_000);
        Assert.Equal(LargeBatch, shared.Count);
        Assert.All(shared, l => Assert.Equal(LargeBatch, l.LinkCount));
        Assert.Equal(ids.Order(StringComparer.Ordinal), shared.Select(l => l.MemoryId).Order(StringComparer.Ordinal));
        var k7 = await Store.FindEntityLinksAsync(Query(), ["k7"], 5_000);
        Assert.Equal(LargeBatch / 50, k7.Count);
        Assert.All(k7, l => Assert.Equal(LargeBatch / 50, l.LinkCount));

        // Vectors and lexical text of rows in the later chunks are searchable (b1198's vector is orthogonal to the others).
        Assert.Equal(["b1198"], (await Store.SearchVectorsAsync(Query(), Unit(-1, 0, 1), Model, 1)).Select(h => h.MemoryId));
        Assert.Contains("b1149", (await Store.SearchKeywordsAsync(Query(), ["1149"], 10)).Select(h => h.MemoryId));
    }

    [Fact]
    public async Task Write_UpdateMissAfterManyRows_WritesNothingAtAll()
    {
        var scope = MemoryScope.ForUser("bulk");
        var seeded = Enumerable.Range(0, 600).Select(i => Record(Item($"s{i:D3}", $"seeded memory {i}", scope), entities: [Entity("seed")])).ToArray();
        await Insert(seeded);

        // 600 good updates (crossing a chunk boundary), then one miss: the whole batch rolls back.
        var error = await Assert.ThrowsAsync<MemoryNotFoundException>(() => Store.WriteAsync(new MemoryWriteBatch
        {
            ProjectId = Project,
            Messages = [Message("lost-message", scope, "never stored")],
            Inserts = [Record(Item("lost", "never stored"), Unit(0, 0, 1), [Entity("fresh")])],
            Updates = [.. seeded.Select(r => Record(r.Item with { Memory = "changed " + r.Item.Id }, entities: [Entity("other")])), Record(Item("missing", "x"))],
            LexicalAppends = [new LexicalAppend("s000", "appendedterm")],
            History = [History("lost-history", "lost", MemoryEventType.Add, T0, null, "never stored")],
        }));
        Assert.Equal("missing", error.MemoryId);

        Assert.Null(await Store.GetAsync(Project, "lost"));
        Assert.Empty(await Store.GetMessagesAsync(Project, ["lost-message"]));
        Assert.Empty(await Store.GetHistoryAsync(Project, "lost"));
        Assert.Empty(await Store.FindEntityLinksAsync(Query(), ["fresh", "other"], 10));
        Assert.Equal(600, (await Store.FindEntityLinksAsync(Query(), ["seed"], 1_000)).Count);
        Assert.Equal("seeded memory 599", (await Store.GetAsync(Project, "s599"))!.Memory);
        Assert.Empty(await Store.SearchKeywordsAsync(Query(), ["appendedterm"], 10));
        Assert.Empty(await Store.SearchVectorsAsync(Query(), Unit(0, 0, 1), Model, 10));

        // A miss among supersessions or deletes rolls back as much.
        await Assert.ThrowsAsync<MemoryNotFoundException>(() => Store.WriteAsync(new MemoryWriteBatch
        {
            ProjectId = Project,
            Inserts = [Record(Item("lost", "never stored"))],
            Supersessions = [new MemorySupersession("s001", "lost", T0), new MemorySupersession("missing", "lost", T0)],
        }));
        await Assert.ThrowsAsync<MemoryNotFoundException>(() => Store.WriteAsync(new MemoryWriteBatch
        {
            ProjectId = Project,
            Inserts = [Record(Item("lost", "never stored"))],
            Deletes = ["s002", "s003", "missing"],
        }));
        Assert.Null(await Store.GetAsync(Project, "lost"));
        Assert.Null((await Store.GetAsync(Project, "s001"))!.SupersededBy);
        Assert.NotNull(await Store.GetAsync(Project, "s002"));
        Assert.Equal(600, (await Store.FindEntityLinksAsync(Query(), ["seed"], 1_000)).Count);
    }

    [Fact]
    public async Task Write_MixedBatch_InsertsUpdatesSupersedesAndDeletesInOneGo()
    {
        await Insert(
            Record(Item("a", "Alice likes tea"), Unit(1, 0, 0), [Entity("alice"), Entity("tea")]),
            Record(Item("b", "Bob lives in Paris"), entities: [Entity("bob"), Entity("paris")]),
            Record(Item("c", "Carol plays chess"), entities: [Entity("carol"), Entity("chess")]),
            Record(Item("d", "Dave cooks")));

        await Store.WriteAsync(new MemoryWriteBatch
        {
            ProjectId = Project,
            Messages = [Message("mx", MemoryScope.ForUser("alice"), "Bob moved to Rome")],
            Inserts = [Record(Item("e", "Bob lives in Rome"), Unit(0, 1, 0), [Entity("bob"), Entity("rome")])],
            Updates = [Record(Item("a", "Alice loves green tea") with { UpdatedAt = T0.AddHours(1) }, entities: [Entity("alice"), Entity("green tea")])],
            LexicalAppends = [new LexicalAppend("d", "kitchen"), new LexicalAppend("unknown", "ignored")],
            Supersessions = [new MemorySupersession("b", "e", T0.AddDays(1))],
            Deletes = ["c"],
            History =
            [
                History("hx1", "e", MemoryEventType.Add, T0.AddHours(1), null, "Bob lives in Rome"),
                History("hx2", "a", MemoryEventType.Update, T0.AddHours(1), "Alice likes tea", "Alice loves green tea"),
                History("hx3", "c", MemoryEventType.Delete, T0.AddHours(1), "Carol plays chess", null),
            ],
        });

        Assert.Equal("Bob lives in Rome", (await Store.GetAsync(Project, "e"))!.Memory);
        var a = await Store.GetAsync(Project, "a");
        Assert.Equal("Alice loves green tea", a!.Memory);
        Assert.Equal(T0.AddHours(1), a.UpdatedAt);
        var b = await Store.GetAsync(Project, "b");
        Assert.Equal("e", b!.SupersededBy);
        Assert.Equal(T0.AddDays(1), b.ValidTo);
        Assert.Null(await Store.GetAsync(Project, "c"));
        Assert.Equal(["mx"], (await Store.GetMessagesAsync(Project, ["mx"])).Select(m => m.Id));

        // An update without a vector keeps the stored one; the insert's vector is searchable.
        Assert.Equal(["a", "e"], (await Store.SearchVectorsAsync(Query(), Unit(1, 0.1f, 0), Model, 10)).Select(h => h.MemoryId));
        Assert.Equal(["d"], (await Store.SearchKeywordsAsync(Query(), ["kitchen"], 10)).Select(h => h.MemoryId));

        // The update replaced a's links (tea lost its only link), the delete removed c's, bob is shared by b and e.
        var links = await Store.FindEntityLinksAsync(Query(), ["alice", "tea", "green tea", "bob", "rome", "carol", "chess", "paris"], 100);
        Assert.Equal(
            [("a", "alice"), ("a", "green tea"), ("b", "bob"), ("b", "paris"), ("e", "bob"), ("e", "rome")],
            links.Select(l => (l.MemoryId, l.EntityKey)).Order());
        Assert.Equal(2, links.First(l => l.EntityKey == "bob").LinkCount);

        Assert.Equal(["hx2"], (await Store.GetHistoryAsync(Project, "a")).Select(h => h.Id));
        Assert.Equal(["hx3"], (await Store.GetHistoryAsync(Project, "c")).Select(h => h.Id));
        Assert.Equal(["hx1"], (await Store.GetHistoryAsync(Project, "e")).Select(h => h.Id));
    }

    [Fact]
    public async Task Write_RepeatedIdsInOneBatch_ApplyInListOrder()
    {
        await Insert(
            Record(Item("a", "first text"), entities: [Entity("one")]),
            Record(Item("b", "bob memory")),
            Record(Item("c", "carol memory")));

        await Store.WriteAsync(new MemoryWriteBatch
        {
            ProjectId = Project,
            Updates =
            [
                Record(Item("a", "second text"), entities: [Entity("two")]),
                Record(Item("a", "third text")),
                Record(Item("a", "fourth text"), entities: [Entity("three")]),
            ],
            LexicalAppends = [new LexicalAppend("c", "alpha   "), new LexicalAppend("c", "beta"), new LexicalAppend("c", " ")],
            Supersessions = [new MemorySupersession("b", "a", T0.AddDays(1)), new MemorySupersession("b", "c", T0.AddDays(2))],
        });

        Assert.Equal("fourth text", (await Store.GetAsync(Project, "a"))!.Memory);
        Assert.Equal([("a", "three")], (await Store.FindEntityLinksAsync(Query(), ["one", "two", "three"], 10)).Select(l => (l.MemoryId, l.EntityKey)));
        var b = await Store.GetAsync(Project, "b");
        Assert.Equal("c", b!.SupersededBy);
        Assert.Equal(T0.AddDays(2), b.ValidTo);
        Assert.Equal(["c"], (await Store.SearchKeywordsAsync(Query(), ["alpha"], 10)).Select(h => h.MemoryId));
        Assert.Equal(["c"], (await Store.SearchKeywordsAsync(Query(), ["beta"], 10)).Select(h => h.MemoryId));
        Assert.Equal(["c"], (await Store.SearchKeywordsAsync(Query(), ["carol"], 10)).Select(h => h.MemoryId));

        // The same id twice among the deletes: the second finds nothing, so the batch fails as a whole.
        var error = await Assert.ThrowsAsync<MemoryNotFoundException>(() => Store.WriteAsync(new MemoryWriteBatch { ProjectId = Project, Deletes = ["c", "b", "c"] }));
        Assert.Equal("c", error.MemoryId);
        Assert.NotNull(await Store.GetAsync(Project, "b"));
        Assert.NotNull(await Store.GetAsync(Project, "c"));
    }
}
