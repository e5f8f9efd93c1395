using static Engram.Sqlite.Tests.TestData;

namespace Engram.Sqlite.Tests;

public sealed class SqliteMemoryStoreIsolationTests : IDisposable
{
    private readonly TestDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task AllOperations_SameIdsAndScopesInTwoProjects_NeverLeak()
    {
        var store = await _db.OpenInitializedAsync();
        var scope = MemoryScope.ForUser("alice");
        foreach (var project in new[] { "tenant-a", "tenant-b" })
        {
            await store.WriteAsync(new MemoryWriteBatch
            {
                ProjectId = project,
                Messages = [Message("msg", scope, $"{project} said hi")],
                Inserts = [Record(Item("m1", $"{project} secret shared", scope), Unit(1, 0, 0), [Entity("shared")])],
                History = [History("h1", "m1", MemoryEventType.Add, T0, newMemory: project)],
            });
        }

        var a = Query(MemoryFilter.Parse("""{"user_id":"alice"}"""), "tenant-a");
        Assert.Equal("tenant-a secret shared", (await store.GetAsync("tenant-a", "m1"))!.Memory);
        Assert.Equal("tenant-b secret shared", Assert.Single(await store.GetManyAsync("tenant-b", ["m1"])).Memory);
        Assert.Null(await store.GetAsync("tenant-c", "m1"));
        var page = await store.ListAsync(a, 0, 10);
        Assert.Equal(1, page.TotalCount);
        Assert.Equal("tenant-a secret shared", page.Items[0].Memory);
        Assert.Single(await store.SearchVectorsAsync(a, Unit(1, 0, 0), Model3, 10));
        Assert.Single(await store.SearchKeywordsAsync(a, ["secret"], 10));
        Assert.Equal("m1", Assert.Single(await store.SearchKeywordsAsync(a, ["tenant"], 10)).MemoryId);
        Assert.Equal(new EntityLink("m1", "shared", 1), Assert.Single(await store.FindEntityLinksAsync(a, ["shared"], 10)));
        Assert.Equal("tenant-a", Assert.Single(await store.GetHistoryAsync("tenant-a", "m1")).NewMemory);
        Assert.Equal("tenant-a said hi", Assert.Single(await store.GetMessagesAsync("tenant-a", ["msg"])).Content);
        Assert.Equal("tenant-b said hi", Assert.Single(await store.GetRecentMessagesAsync("tenant-b", scope, 10)).Content);
        Assert.Equal(0, (await store.ListAsync(Query(project: "tenant-c"), 0, 10)).TotalCount);
        Assert.Empty(await store.SearchKeywordsAsync(Query(project: "tenant-c"), ["secret"], 10));
        Assert.Empty(await store.GetHistoryAsync("tenant-c", "m1"));
        Assert.Empty(await store.GetMessagesAsync("tenant-c", ["msg"]));

        await store.WriteAsync(new MemoryWriteBatch { ProjectId = "tenant-a", Updates = [Record(Item("m1", "tenant-a changed", scope))] });
        await Assert.ThrowsAsync<MemoryNotFoundException>(() => store.WriteAsync(new MemoryWriteBatch { ProjectId = "tenant-c", Deletes = ["m1"] }));
        Assert.Equal("tenant-b secret shared", (await store.GetAsync("tenant-b", "m1"))!.Memory);

        await store.WriteAsync(new MemoryWriteBatch { ProjectId = "tenant-a", Deletes = ["m1"] });
        await store.ResetAsync("tenant-a");

        Assert.NotNull(await store.GetAsync("tenant-b", "m1"));
        Assert.Single(await store.SearchKeywordsAsync(Query(project: "tenant-b"), ["secret"], 10));
        Assert.Single(await store.FindEntityLinksAsync(Query(project: "tenant-b"), ["shared"], 10));
        Assert.Single(await store.GetHistoryAsync("tenant-b", "m1"));
        Assert.Single(await store.GetRecentMessagesAsync("tenant-b", scope, 10));
    }
}
