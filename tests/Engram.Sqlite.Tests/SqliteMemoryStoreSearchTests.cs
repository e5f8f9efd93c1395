using static Engram.Sqlite.Tests.TestData;

namespace Engram.Sqlite.Tests;

public sealed class SqliteMemoryStoreSearchTests : IDisposable
{
    private readonly TestDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task SearchVectorsAsync_OrdersByCosineAndKeepsLimit()
    {
        var store = await _db.OpenInitializedAsync();
        await store.WriteAsync(Inserts(
            Record("x", "x", vector: Unit(1, 0, 0)),
            Record("xy", "xy", vector: Unit(1, 1, 0)),
            Record("y", "y", vector: Unit(0, 1, 0)),
            Record("minus-x", "-x", vector: Unit(-1, 0, 0)),
            Record("none", "no vector")));

        var all = await store.SearchVectorsAsync(Query(), Unit(1, 0.2f, 0), Model3, 10);
        var top2 = await store.SearchVectorsAsync(Query(), Unit(1, 0.2f, 0), Model3, 2);

        Assert.Equal(["x", "xy", "y", "minus-x"], all.Select(h => h.MemoryId));
        Assert.Equal(["x", "xy"], top2.Select(h => h.MemoryId));
        Assert.Equal(Unit(1, 0.2f, 0)[0], all[0].Score, 5);
        Assert.Equal(-Unit(1, 0.2f, 0)[0], all[3].Score, 5);
    }

    [Fact]
    public async Task SearchVectorsAsync_WithFilter_ScansOnlyMatchingMemories()
    {
        var store = await _db.OpenInitializedAsync();
        await store.WriteAsync(Inserts(
            Record("alice-far", "a", MemoryScope.ForUser("alice"), Unit(0, 1, 0)),
            Record("bob-near", "b", MemoryScope.ForUser("bob"), Unit(1, 0, 0)),
            Record("alice-near", "c", MemoryScope.ForUser("alice"), Unit(1, 0.1f, 0))));

        var hits = await store.SearchVectorsAsync(Query(MemoryFilter.Parse("""{"user_id":"alice"}""")), Unit(1, 0, 0), Model3, 10);

        Assert.Equal(["alice-near", "alice-far"], hits.Select(h => h.MemoryId));
    }

    [Fact]
    public async Task SearchVectorsAsync_NoVectorsYet_ReturnsEmpty()
    {
        var store = await _db.OpenInitializedAsync();
        await store.WriteAsync(Inserts(Record("m1", "text")));

        Assert.Empty(await store.SearchVectorsAsync(Query(), Unit(1, 0, 0), Model3, 10));
    }

    [Fact]
    public async Task SearchVectorsAsync_OtherEmbedder_ThrowsMismatch()
    {
        var store = await _db.OpenInitializedAsync();
        await store.WriteAsync(Inserts(Record("m1", "text", vector: Unit(1, 0, 0))));

        var byId = await Assert.ThrowsAsync<EmbeddingMismatchException>(() => store.SearchVectorsAsync(Query(), Unit(1, 0, 0), new EmbeddingModel("other", 3), 5));
        var byDims = await Assert.ThrowsAsync<EmbeddingMismatchException>(() => store.SearchVectorsAsync(Query(), Unit(1, 0, 0, 0), new EmbeddingModel("test-embedder", 4), 5));

        Assert.Equal("other", byId.Embedder);
        Assert.Equal("test-embedder", byId.StoredEmbedder);
        Assert.Equal(4, byDims.Dimensions);
        await Assert.ThrowsAsync<ArgumentException>(() => store.SearchVectorsAsync(Query(), Unit(1, 0), Model3, 5));
    }

    [Fact]
    public async Task SearchKeywordsAsync_RanksDocumentWithTermAboveOthers()
    {
        var store = await _db.OpenInitializedAsync();
        await store.WriteAsync(Inserts(
            Record("coffee", "i drink coffee every morning"),
            Record("tea", "i drink tea every evening"),
            Record("both", "coffee and tea"),
            Record("neither", "i like running")));

        var coffee = await store.SearchKeywordsAsync(Query(), ["coffee"], 10);
        var both = await store.SearchKeywordsAsync(Query(), ["coffee", "tea"], 10);

        Assert.Equal(["both", "coffee"], coffee.Select(h => h.MemoryId));
        Assert.All(coffee, h => Assert.True(h.Score > 0));
        Assert.True(coffee[0].Score >= coffee[1].Score);
        Assert.Equal("both", both[0].MemoryId);
        Assert.Equal(3, both.Count);
        Assert.DoesNotContain(both, h => h.MemoryId == "neither");
    }

    [Fact]
    public async Task SearchKeywordsAsync_RespectsFilterAndLimit()
    {
        var store = await _db.OpenInitializedAsync();
        await store.WriteAsync(Inserts(
            Record("alice1", "pizza night", MemoryScope.ForUser("alice")),
            Record("alice2", "pizza pizza pizza", MemoryScope.ForUser("alice")),
            Record("bob", "pizza pizza pizza pizza", MemoryScope.ForUser("bob"))));

        var hits = await store.SearchKeywordsAsync(Query(MemoryFilter.Parse("""{"user_id":"alice"}""")), ["pizza"], 10);
        var one = await store.SearchKeywordsAsync(Query(MemoryFilter.Parse("""{"user_id":"alice"}""")), ["pizza"], 1);

        Assert.Equal(["alice2", "alice1"], hits.Select(h => h.MemoryId));
        Assert.Equal(["alice2"], one.Select(h => h.MemoryId));
    }

    [Fact]
    public async Task SearchKeywordsAsync_EmptyOrPunctuationTerms_ReturnsEmpty()
    {
        var store = await _db.OpenInitializedAsync();
        await store.WriteAsync(Inserts(Record("m1", "hello world")));

        Assert.Empty(await store.SearchKeywordsAsync(Query(), [], 10));
        Assert.Empty(await store.SearchKeywordsAsync(Query(), ["", "  ", "!!"], 10));
    }

    [Fact]
    public async Task SearchKeywordsAsync_TermsWithFtsSyntax_AreQuotedNotParsed()
    {
        var store = await _db.OpenInitializedAsync();
        await store.WriteAsync(Inserts(Record("m1", "say hello to the world")));

        var hits = await store.SearchKeywordsAsync(Query(), ["hel\"lo", "NOT", "world*", "AND", "(", "NEAR"], 10);
        var quoted = await store.SearchKeywordsAsync(Query(), ["\"hello\""], 10);

        Assert.Equal(["m1"], hits.Select(h => h.MemoryId));
        Assert.Equal(["m1"], quoted.Select(h => h.MemoryId));
    }

    [Fact]
    public async Task FindEntityLinksAsync_AppliesFilterToMemoriesAndCounts()
    {
        var store = await _db.OpenInitializedAsync();
        await store.WriteAsync(Inserts(
            Record("a1", "alice in paris", MemoryScope.ForUser("alice"), entities: [Entity("paris"), Entity("alice")]),
            Record("a2", "paris again", MemoryScope.ForUser("alice"), entities: [Entity("paris")]),
            Record("a3", "alice only", MemoryScope.ForUser("alice"), entities: [Entity("alice")]),
            Record("b1", "bob in paris", MemoryScope.ForUser("bob"), entities: [Entity("paris")])));

        var links = await store.FindEntityLinksAsync(Query(MemoryFilter.Parse("""{"user_id":"alice"}""")), ["paris", "unknown"], 10);
        var all = await store.FindEntityLinksAsync(Query(), ["paris", "alice"], 10);
        var limited = await store.FindEntityLinksAsync(Query(), ["paris", "alice"], 2);

        Assert.Equal([new EntityLink("a1", "paris", 2), new EntityLink("a2", "paris", 2)], links.OrderBy(l => l.MemoryId, StringComparer.Ordinal));
        Assert.Equal(5, all.Count);
        Assert.All(all.Where(l => l.EntityKey == "paris"), l => Assert.Equal(3, l.LinkCount));
        Assert.All(all.Where(l => l.EntityKey == "alice"), l => Assert.Equal(2, l.LinkCount));
        Assert.All(limited, l => Assert.Equal("alice", l.EntityKey));
        Assert.Empty(await store.FindEntityLinksAsync(Query(), [], 10));
    }
}
