namespace Engram.Sqlite.Tests;

/// <summary>
/// The in-memory index must give exactly the SQL paths' results (same ids, order and scores) and stay consistent with
/// writes made by the same store, by another store over the file, and across resets.
/// </summary>
public sealed class MemoryIndexTests : IDisposable
{
    private const int Dimensions = 64;
    private static readonly DateOnly Today = new(2025, 6, 1);
    private static readonly string[] Vocabulary =
    [
        "alice", "bob", "hike", "lake", "paris", "dog", "coffe", "job", "nurs", "sister", "birthdai", "cake", "guitar", "run", "marathon",
        "book", "dune", "sushi", "allerg", "peanut", "tokyo", "trip", "movi", "pet", "cat", "garden", "tomato", "yoga", "monday", "2023",
    ];

    private static readonly string[] EntityKeys = ["alice", "bob", "paris", "tokyo", "dune", "luna", "acme", "carol"];

    private readonly TestDatabase _database = new();

    public void Dispose() => _database.Dispose();

    private static readonly string[] FilterJson =
    [
        """{"user_id": "u1"}""",
        """{"user_id": "u2"}""",
        """{"user_id": {"in": ["u1", "u3"]}}""",
        """{"user_id": "*"}""",
        """{"agent_id": "a1"}""",
        """{"AND": [{"user_id": "u1"}, {"run_id": "r1"}]}""",
        """{"AND": [{"user_id": "u3"}, {"agent_id": "*"}]}""",
        """{"user_id": "nobody"}""",
    ];

    public static TheoryData<string> Filters => new(FilterJson);

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task Searches_WithIndex_ReturnExactlyTheSqlResults(string filterJson)
    {
        var indexed = _database.Open();
        var plain = _database.Open(o => o.InMemoryIndex = false);
        await SeedAsync(indexed, seed: 1);
        await AssertSameResultsAsync(indexed, plain, MemoryFilter.Parse(filterJson), seed: 2);
    }

    [Fact]
    public async Task SearchVectorsAsync_WithSignShortlist_FindsNearlyAllExactTopResultsWithExactScores()
    {
        // Above the threshold (lowered here) sign codes shortlist the candidates: an approximation, so recall is measured;
        // the scores of what is returned are still the exact float32 ones.
        const int dimensions = 512;
        var indexed = _database.Open();
        var plain = _database.Open(o => o.InMemoryIndex = false);
        indexed.SignScanThreshold = 0;
        indexed.SignShortlistMinimum = 0;
        var random = new Random(5);
        var records = Enumerable.Range(0, 6000)
            .Select(i => TestData.Record(TestData.Item($"m{i:D5}", "text", MemoryScope.ForUser("u" + (i % 3))), Samples(random, dimensions)))
            .ToArray();
        await indexed.WriteAsync(TestData.Inserts(records));

        var everyone = TestData.Query(MemoryFilter.Parse("""{"user_id": "*"}"""));
        var model = new EmbeddingModel("test-embedder", dimensions);
        double found = 0, expected = 0;
        for (var q = 0; q < 20; q++)
        {
            var vector = Samples(random, dimensions);
            var exact = await plain.SearchVectorsAsync(everyone, vector, model, 20);
            var approximate = await indexed.SearchVectorsAsync(everyone, vector, model, 20);
            var exactScores = exact.ToDictionary(h => h.MemoryId, h => h.Score);
            found += approximate.Count(h => exactScores.ContainsKey(h.MemoryId));
            expected += exact.Count;
            Assert.All(approximate.Where(h => exactScores.ContainsKey(h.MemoryId)), h => Assert.Equal(exactScores[h.MemoryId], h.Score));
        }

        Assert.True(found / expected >= 0.95, $"recall {found / expected:0.000}");
    }

    private static float[] Samples(Random random, int dimensions)
    {
        var values = new float[dimensions];
        for (var i = 0; i < dimensions; i++)
        {
            values[i] = random.Next(3) == 0 ? (float)(random.NextDouble() * 2 - 1) : 0f;
        }

        return TestData.Unit(values);
    }

    [Fact]
    public async Task SearchVectorsAsync_ManyIdenticalVectors_KeepsTheSameTiesAsTheSqlPath()
    {
        var indexed = _database.Open();
        var plain = _database.Open(o => o.InMemoryIndex = false);
        var random = new Random(15);
        var vector = RandomUnit(random);

        // Ids in an order unrelated to insertion order, all with the same vector: only the tie-break decides.
        var records = Enumerable.Range(0, 120)
            .Select(i => TestData.Record(TestData.Item(Guid.NewGuid().ToString(), "same", MemoryScope.ForUser("u1")), vector))
            .ToArray();
        await indexed.WriteAsync(TestData.Inserts(records));

        var query = TestData.Query(MemoryFilter.Parse("""{"user_id": "u1"}"""));
        foreach (var limit in new[] { 1, 10, 50 })
        {
            Assert.Equal(await plain.SearchVectorsAsync(query, vector, Model, limit), await indexed.SearchVectorsAsync(query, vector, Model, limit));
        }
    }

    [Fact]
    public async Task Searches_OfAUserSearchedBeforeTheFirstVector_FindLaterMemories()
    {
        var indexed = _database.Open();
        var plain = _database.Open(o => o.InMemoryIndex = false);
        var query = TestData.Query(MemoryFilter.Parse("""{"user_id": "u1"}"""));
        var vector = RandomUnit(new Random(16));

        // The first search loads an empty partition while no embedder (and so no dimension) is recorded yet.
        Assert.Empty(await indexed.SearchVectorsAsync(query, vector, Model, 10));
        Assert.Empty(await indexed.SearchKeywordsAsync(query, ["lake"], 10));
        await indexed.WriteAsync(TestData.Inserts(TestData.Record(TestData.Item("first", "lake", MemoryScope.ForUser("u1")), vector, [TestData.Entity("alice")], "lake")));
        await indexed.WriteAsync(TestData.Inserts(TestData.Record(TestData.Item("second", "dog", MemoryScope.ForUser("u1")), RandomUnit(new Random(17)), null, "dog")));

        Assert.Equal(await plain.SearchVectorsAsync(query, vector, Model, 10), await indexed.SearchVectorsAsync(query, vector, Model, 10));
        Assert.Equal("first", (await indexed.SearchVectorsAsync(query, vector, Model, 10))[0].MemoryId);
        Assert.Equal(await plain.SearchKeywordsAsync(query, ["lake", "dog"], 10), await indexed.SearchKeywordsAsync(query, ["lake", "dog"], 10));
        Assert.Equal(await plain.FindEntityLinksAsync(query, ["alice"], 10), await indexed.FindEntityLinksAsync(query, ["alice"], 10));
    }

    [Fact]
    public async Task Searches_AfterOwnWrites_MatchSqlResults()
    {
        var indexed = _database.Open();
        var plain = _database.Open(o => o.InMemoryIndex = false);
        await SeedAsync(indexed, seed: 3);
        var filters = FilterJson.Select(MemoryFilter.Parse).ToList();
        foreach (var filter in filters)
        {
            await AssertSameResultsAsync(indexed, plain, filter, seed: 4);
        }

        // Insert, update (new text and vector, moved to another user), supersede and delete, all through the indexed store.
        var random = new Random(6);
        await indexed.WriteAsync(new MemoryWriteBatch
        {
            ProjectId = TestData.Project,
            Inserts = [Record(random, "new1", MemoryScope.ForUser("u1")), Record(random, "new2", new MemoryScope { UserId = "u9", AgentId = "a1" })],
            Updates = [Record(random, "m0003", MemoryScope.ForUser("u2")), Record(random, "m0010", MemoryScope.ForUser("u1")) with { Embedding = ReadOnlyMemory<float>.Empty, Entities = null }],
            Supersessions = [new MemorySupersession("m0004", "new1", TestData.T0)],
            LexicalAppends = [new LexicalAppend("m0011", "zebra lake"), new LexicalAppend("new1", "guitar guitar"), new LexicalAppend("m0007", "dog")],
            Deletes = ["m0005", "m0030"],
        });

        foreach (var filter in filters)
        {
            await AssertSameResultsAsync(indexed, plain, filter, seed: 7);
        }
    }

    [Fact]
    public async Task Searches_InterleavedWithManySmallWrites_MatchSqlResults()
    {
        var indexed = _database.Open();
        var plain = _database.Open(o => o.InMemoryIndex = false);
        await SeedAsync(indexed, seed: 20);
        var random = new Random(21);
        var live = Enumerable.Range(0, 400).Select(i => $"m{i:D4}").ToList();
        var user1 = MemoryFilter.Parse("""{"user_id": "u1"}""");
        var everyone = MemoryFilter.Parse("""{"user_id": "*"}""");
        string[] users = ["u1", "u2", "u3"];
        for (var round = 0; round < 40; round++)
        {
            // Searches first, so the partitions are loaded and later writes are applied to them incrementally.
            await AssertSameResultsAsync(indexed, plain, round % 3 == 0 ? everyone : user1, seed: 100 + round);

            var inserts = Enumerable.Range(0, random.Next(4)).Select(i => Record(random, $"r{round}-{i}", MemoryScope.ForUser(users[random.Next(users.Length)]))).ToList();
            var updates = Enumerable.Range(0, random.Next(3)).Select(_ => live[random.Next(live.Count)]).Distinct()
                .Select(id => random.Next(3) switch
                {
                    0 => Record(random, id, MemoryScope.ForUser(users[random.Next(users.Length)])),
                    1 => Record(random, id, MemoryScope.ForUser("u1")) with { Embedding = ReadOnlyMemory<float>.Empty, Entities = null },
                    _ => Record(random, id, MemoryScope.ForUser("u2")) with { Entities = null },
                })
                .ToList();
            var touched = updates.Select(u => u.Item.Id).ToHashSet();
            var supersessions = Enumerable.Range(0, random.Next(3)).Select(_ => live[random.Next(live.Count)]).Where(id => !touched.Contains(id)).Distinct()
                .Select(id => new MemorySupersession(id, "m0001", TestData.T0)).ToList();
            var appends = Enumerable.Range(0, random.Next(4))
                .Select(_ => random.Next(3) == 0 && inserts.Count > 0 ? inserts[0].Item.Id : live[random.Next(live.Count)])
                .Select(id => new LexicalAppend(id, Vocabulary[random.Next(Vocabulary.Length)] + " " + Vocabulary[random.Next(Vocabulary.Length)]))
                .ToList();
            var deletes = random.Next(4) == 0 ? live.Where(id => !touched.Contains(id)).Skip(random.Next(live.Count - 10)).Take(1).ToList() : [];
            await indexed.WriteAsync(new MemoryWriteBatch
            {
                ProjectId = TestData.Project,
                Inserts = inserts,
                Updates = updates,
                Supersessions = supersessions,
                LexicalAppends = appends,
                Deletes = deletes,
            });
            live.AddRange(inserts.Select(r => r.Item.Id));
            live.RemoveAll(deletes.Contains);
        }
    }

    [Fact]
    public async Task Searches_AfterAnotherStoreWrites_SeeTheChanges()
    {
        var indexed = _database.Open();
        var other = _database.Open(o => o.InMemoryIndex = false);
        await SeedAsync(indexed, seed: 8);
        var user1 = TestData.Query(MemoryFilter.Parse("""{"user_id": "u1"}"""));
        var vector = RandomUnit(new Random(9));
        Assert.NotEmpty(await indexed.SearchVectorsAsync(user1, vector, Model, 10));

        // Another store (as another process would) inserts the best possible match and deletes an existing memory.
        await other.WriteAsync(TestData.Inserts(TestData.Record(TestData.Item("fresh", "zebra", MemoryScope.ForUser("u1")), vector, [TestData.Entity("zed")], "zebra")));
        var hits = await indexed.SearchVectorsAsync(user1, vector, Model, 10);
        Assert.Equal("fresh", hits[0].MemoryId);
        Assert.Equal(["fresh"], (await indexed.SearchKeywordsAsync(user1, ["zebra"], 10)).Select(h => h.MemoryId));
        Assert.Equal(["fresh"], (await indexed.FindEntityLinksAsync(user1, ["zed"], 10)).Select(l => l.MemoryId));

        await other.WriteAsync(new MemoryWriteBatch { ProjectId = TestData.Project, Deletes = ["fresh"] });
        Assert.DoesNotContain(await indexed.SearchVectorsAsync(user1, vector, Model, 10), h => h.MemoryId == "fresh");
        Assert.Empty(await indexed.SearchKeywordsAsync(user1, ["zebra"], 10));

        await other.ResetAsync(TestData.Project);
        Assert.Empty(await indexed.SearchVectorsAsync(user1, vector, Model, 10));
        Assert.Empty(await indexed.SearchKeywordsAsync(user1, ["alice", "lake"], 10));
    }

    [Fact]
    public async Task Searches_AfterOwnReset_AreEmptyAndReloadNewMemories()
    {
        var indexed = _database.Open();
        await SeedAsync(indexed, seed: 10);
        var everyone = TestData.Query(MemoryFilter.Parse("""{"user_id": "*"}"""));
        var vector = RandomUnit(new Random(11));
        Assert.NotEmpty(await indexed.SearchVectorsAsync(everyone, vector, Model, 10));

        await indexed.ResetAsync(TestData.Project);
        Assert.Empty(await indexed.SearchVectorsAsync(everyone, vector, Model, 10));

        await indexed.WriteAsync(TestData.Inserts(TestData.Record(TestData.Item("after", "lake", MemoryScope.ForUser("u1")), vector, null, "lake")));
        Assert.Equal(["after"], (await indexed.SearchVectorsAsync(everyone, vector, Model, 10)).Select(h => h.MemoryId));
        Assert.Equal(["after"], (await indexed.SearchKeywordsAsync(everyone, ["lake"], 10)).Select(h => h.MemoryId));
    }

    [Fact]
    public async Task SearchVectorsAsync_WithAnotherEmbedder_ThrowsAsTheSqlPathDoes()
    {
        var indexed = _database.Open();
        await SeedAsync(indexed, seed: 12);
        var query = TestData.Query(MemoryFilter.Parse("""{"user_id": "u1"}"""));
        await Assert.ThrowsAsync<EmbeddingMismatchException>(() => indexed.SearchVectorsAsync(query, new float[Dimensions], new EmbeddingModel("other", Dimensions), 5));
    }

    [Fact]
    public async Task GetVectorSearchStatistics_AfterSearches_CountsTheIndexedVectors()
    {
        var indexed = _database.Open();
        await SeedAsync(indexed, seed: 13);
        await indexed.SearchVectorsAsync(TestData.Query(MemoryFilter.Parse("""{"user_id": "*"}""")), RandomUnit(new Random(14)), Model, 5);

        var statistics = indexed.GetVectorSearchStatistics();
        Assert.Equal(1, statistics.Searches);
        Assert.True(statistics.IndexedVectors > 0);
        Assert.True(statistics.IndexBytes > statistics.IndexedVectors * Dimensions);
        Assert.True(statistics.VectorsRescored is > 0 and <= 5 + 16);
    }

    private static EmbeddingModel Model => new("test-embedder", Dimensions);

    private static async Task AssertSameResultsAsync(SqliteMemoryStore indexed, SqliteMemoryStore plain, MemoryFilter filter, int seed)
    {
        var random = new Random(seed);
        foreach (var (expiry, superseded) in new[] { ((DateOnly?)null, false), (Today, true), (Today, false) })
        {
            var query = new MemoryQuery { ProjectId = TestData.Project, Filter = filter, ExcludeExpiredBefore = expiry, ExcludeSuperseded = superseded };
            for (var q = 0; q < 6; q++)
            {
                var vector = RandomUnit(random);
                var limit = q % 2 == 0 ? 5 : 40;
                Assert.Equal(await plain.SearchVectorsAsync(query, vector, Model, limit), await indexed.SearchVectorsAsync(query, vector, Model, limit));

                var terms = Enumerable.Range(0, 1 + random.Next(4)).Select(_ => Vocabulary[random.Next(Vocabulary.Length)]).Append(q == 3 ? "unknownword" : "Lake").ToList();
                Assert.Equal(await plain.SearchKeywordsAsync(query, terms, limit), await indexed.SearchKeywordsAsync(query, terms, limit));

                var keys = Enumerable.Range(0, 1 + random.Next(3)).Select(_ => EntityKeys[random.Next(EntityKeys.Length)]).ToList();
                Assert.Equal(await plain.FindEntityLinksAsync(query, keys, limit), await indexed.FindEntityLinksAsync(query, keys, limit));
            }
        }
    }

    private static async Task SeedAsync(SqliteMemoryStore store, int seed)
    {
        var random = new Random(seed);
        var records = new List<MemoryRecord>();
        for (var i = 0; i < 400; i++)
        {
            var scope = (i % 8) switch
            {
                0 or 1 or 2 => MemoryScope.ForUser("u1"),
                3 or 4 => MemoryScope.ForUser("u2"),
                5 => new MemoryScope { UserId = "u3", AgentId = i % 16 == 5 ? "a1" : null },
                6 => new MemoryScope { UserId = "u1", RunId = "r1" },
                _ => MemoryScope.ForAgent("a1"),
            };
            var record = Record(random, $"m{i:D4}", scope);
            records.Add(i % 10 == 9 ? record with { Item = record.Item with { ExpirationDate = Today.AddDays(-1 - random.Next(30)) } } : record);
        }

        // Non-ASCII lexical text in u2 and memories of another project (whose terms still count in FTS5's statistics).
        records[3] = records[3] with { LexicalText = "café lake alice" };
        await store.WriteAsync(new MemoryWriteBatch { ProjectId = TestData.Project, Inserts = records });
        await store.WriteAsync(new MemoryWriteBatch
        {
            ProjectId = "p2",
            Inserts = Enumerable.Range(0, 50).Select(i => Record(random, $"other{i}", MemoryScope.ForUser("u1"))).ToList(),
        });
        await store.WriteAsync(new MemoryWriteBatch
        {
            ProjectId = TestData.Project,
            Supersessions = Enumerable.Range(0, 40).Select(i => new MemorySupersession($"m{i * 7:D4}", "m0001", TestData.T0)).ToList(),
        });
    }

    private static MemoryRecord Record(Random random, string id, MemoryScope scope)
    {
        var words = Enumerable.Range(0, 3 + random.Next(12)).Select(_ => Vocabulary[(int)(Math.Pow(random.NextDouble(), 2) * Vocabulary.Length)]).ToList();
        var text = string.Join(' ', words);
        var entities = Enumerable.Range(0, random.Next(3)).Select(_ => TestData.Entity(EntityKeys[random.Next(EntityKeys.Length)])).DistinctBy(e => e.Key).ToList();
        var item = TestData.Item(id, text, scope, TestData.T0.AddMinutes(random.Next(10_000)));
        return TestData.Record(item, RandomUnit(random), entities, random.Next(5) == 0 ? text.ToUpperInvariant() + " " + words[0] : text);
    }

    private static float[] RandomUnit(Random random)
    {
        var values = new float[Dimensions];
        for (var i = 0; i < values.Length; i++)
        {
            // Sparse-ish, like the hashing embedder's vectors: most coordinates zero.
            values[i] = random.Next(3) == 0 ? (float)(random.NextDouble() * 2 - 1) : 0f;
        }

        values[random.Next(Dimensions)] += 0.5f;
        return TestData.Unit(values);
    }
}
