using static Engram.Sqlite.Tests.TestData;

namespace Engram.Sqlite.Tests;

public sealed class SqliteMemoryStoreConcurrencyTests : IDisposable
{
    private readonly TestDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task WriteAsync_ParallelWritersThroughTwoInstances_KeepsEveryRowAndIntegrity()
    {
        const int Tasks = 8;
        const int BatchesPerTask = 50;
        var first = _db.Open(o => o.BusyTimeoutMilliseconds = 30_000);
        var second = _db.Open(o => o.BusyTimeoutMilliseconds = 30_000);

        var writers = Enumerable.Range(0, Tasks).Select(t => Task.Run(async () =>
        {
            var store = t % 2 == 0 ? first : second;
            for (var b = 0; b < BatchesPerTask; b++)
            {
                var id = $"t{t}-b{b}";
                await store.WriteAsync(new MemoryWriteBatch
                {
                    ProjectId = Project,
                    Messages = [Message($"msg-{id}", MemoryScope.ForUser($"user{t}"), $"message {id}")],
                    Inserts = [Record(Item(id, $"memory {id} word{t}", MemoryScope.ForUser($"user{t}")), Unit(1, t, b), [Entity($"e{t}")])],
                    History = [History($"h-{id}", id, MemoryEventType.Add, T0.AddSeconds(b), newMemory: id)],
                });
            }
        }));
        await Task.WhenAll(writers);

        Assert.Equal(Tasks * BatchesPerTask, (await first.ListAsync(Query(), 0, 1)).TotalCount);
        Assert.Equal(BatchesPerTask, (await second.ListAsync(Query(MemoryFilter.Parse("""{"user_id":"user3"}""")), 0, 1)).TotalCount);
        Assert.Equal(BatchesPerTask, (await second.GetRecentMessagesAsync(Project, MemoryScope.ForUser("user5"), 1000)).Count);
        Assert.Equal(BatchesPerTask, (await first.SearchKeywordsAsync(Query(), ["word7"], 1000)).Count);
        Assert.Equal(BatchesPerTask, (await first.FindEntityLinksAsync(Query(), ["e2"], 1000)).Count);
        Assert.Equal((long)Tasks * BatchesPerTask, _db.Scalar("SELECT count(*) FROM history;"));
        Assert.Equal(["ok"], await first.CheckIntegrityAsync());
        Assert.Equal((long)Tasks * BatchesPerTask, _db.Scalar("SELECT count(*) FROM memories_fts WHERE memories_fts MATCH 'memory';"));
    }

    [Fact]
    public async Task WriteAsync_LockHeldLongerThanBusyTimeout_ThrowsTransientStoreException()
    {
        var store = _db.Open(o => o.BusyTimeoutMilliseconds = 100);
        await store.InitializeAsync();
        using var blocker = _db.OpenRaw();
        using (var begin = blocker.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE;";
            await begin.ExecuteNonQueryAsync();
        }

        var ex = await Assert.ThrowsAsync<MemoryStoreException>(() => store.WriteAsync(Inserts(Record("m1", "text"))));

        Assert.True(ex.IsTransient);
        Assert.Equal("write", ex.Operation);
        using (var rollback = blocker.CreateCommand())
        {
            rollback.CommandText = "ROLLBACK;";
            await rollback.ExecuteNonQueryAsync();
        }

        await store.WriteAsync(Inserts(Record("m1", "text")));
        Assert.NotNull(await store.GetAsync(Project, "m1"));
    }
}
