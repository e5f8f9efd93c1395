namespace Engram.Postgres.Tests;

/// <summary>
/// BM25's collection statistics (N, avgdl) are reused for <see cref="PostgresStoreOptions.KeywordStatisticsSeconds"/>:
/// a store's own writes drop them at once, another store's writes show only after the lifetime.
/// </summary>
[Collection(PostgresServerGroup.Name)]
public sealed class KeywordStatisticsTests(PostgresDatabase database)
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task KeptStatistics_IgnoreOtherStoresWrites_UntilTheirOwnWrite()
    {
        var connectionString = await database.Server.CreateDatabaseAsync();
        await using var keeping = new PostgresMemoryStore(new PostgresStoreOptions { ConnectionString = connectionString, KeywordStatisticsSeconds = 3600 });
        await using var other = new PostgresMemoryStore(new PostgresStoreOptions { ConnectionString = connectionString, KeywordStatisticsSeconds = 3600 });
        await using var exact = new PostgresMemoryStore(new PostgresStoreOptions { ConnectionString = connectionString, KeywordStatisticsSeconds = 0 });
        await keeping.WriteAsync(Batch(("a1", "apple pie recipe"), ("b1", "banana bread"), ("c1", "cherry tart")));

        var before = await ScoreAsync(keeping);
        Assert.Equal(before, await ScoreAsync(exact));

        // Another server adds memories: N and avgdl change, so the exact score changes; the kept statistics do not.
        await other.WriteAsync(Batch(("d1", "date loaf with walnuts and honey"), ("e1", "elderflower cordial"), ("f1", "fig jam on toast")));
        var changed = await ScoreAsync(exact);
        Assert.NotEqual(before, changed);
        Assert.Equal(before, await ScoreAsync(keeping));

        // The keeping store's own write drops its statistics: it ranks with current ones again.
        await keeping.WriteAsync(Batch(("g1", "grape juice")));
        Assert.Equal(await ScoreAsync(exact), await ScoreAsync(keeping));
    }

    [Fact]
    public void NegativeLifetime_IsRejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new PostgresMemoryStore(new PostgresStoreOptions { ConnectionString = "Host=localhost", KeywordStatisticsSeconds = -1 }));

    private static async Task<double> ScoreAsync(PostgresMemoryStore store)
    {
        var hits = await store.SearchKeywordsAsync(new MemoryQuery { ProjectId = "p" }, ["apple"], 10);
        return Assert.Single(hits).Score;
    }

    private static MemoryWriteBatch Batch(params (string Id, string Text)[] memories) => new()
    {
        ProjectId = "p",
        Inserts = [.. memories.Select(m => new MemoryRecord
        {
            Item = new MemoryItem
            {
                Id = m.Id,
                Memory = m.Text,
                Hash = m.Id,
                Scope = MemoryScope.ForUser("alice"),
                CreatedAt = T0,
                UpdatedAt = T0,
                ObservedAt = T0,
            },
            LexicalText = m.Text,
        })],
    };
}
