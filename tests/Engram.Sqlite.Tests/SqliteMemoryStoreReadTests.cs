using static Engram.Sqlite.Tests.TestData;

namespace Engram.Sqlite.Tests;

public sealed class SqliteMemoryStoreReadTests : IDisposable
{
    private readonly TestDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task ListAsync_Paging_ReturnsNewestFirstWithTotalCount()
    {
        var store = await _db.OpenInitializedAsync();
        var records = Enumerable.Range(0, 25).Select(i => Record(Item($"m{i:D2}", $"memory {i}", createdAt: T0.AddMinutes(i)))).ToArray();
        await store.WriteAsync(Inserts(records));

        var first = await store.ListAsync(Query(), 0, 10);
        var second = await store.ListAsync(Query(), 10, 10);
        var last = await store.ListAsync(Query(), 20, 10);

        Assert.Equal(25, first.TotalCount);
        Assert.Equal(Enumerable.Range(15, 10).Reverse().Select(i => $"m{i:D2}"), first.Items.Select(i => i.Id));
        Assert.Equal(Enumerable.Range(5, 10).Reverse().Select(i => $"m{i:D2}"), second.Items.Select(i => i.Id));
        Assert.Equal(Enumerable.Range(0, 5).Reverse().Select(i => $"m{i:D2}"), last.Items.Select(i => i.Id));
        Assert.Equal(25, last.TotalCount);
    }

    [Fact]
    public async Task ListAsync_SameCreatedAt_OrdersByIdDescending()
    {
        var store = await _db.OpenInitializedAsync();
        await store.WriteAsync(Inserts(Record("b", "x"), Record("c", "y"), Record("a", "z")));

        var page = await store.ListAsync(Query(), 0, 10);

        Assert.Equal(["c", "b", "a"], page.Items.Select(i => i.Id));
    }

    [Fact]
    public async Task ListAsync_OffsetBeyondEnd_ReturnsEmptyPageWithTotal()
    {
        var store = await _db.OpenInitializedAsync();
        await store.WriteAsync(Inserts(Record("m1", "a"), Record("m2", "b")));

        var page = await store.ListAsync(Query(), 5, 10);

        Assert.Empty(page.Items);
        Assert.Equal(2, page.TotalCount);
    }

    [Fact]
    public async Task ListAsync_InvalidPaging_Throws()
    {
        var store = await _db.OpenInitializedAsync();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.ListAsync(Query(), -1, 10));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.ListAsync(Query(), 0, 0));
    }

    [Fact]
    public async Task ListAsync_ExcludeExpiredBefore_HidesOnlyMemoriesExpiredBeforeToday()
    {
        var store = await _db.OpenInitializedAsync();
        var today = new DateOnly(2025, 6, 15);
        await store.WriteAsync(Inserts(
            Record(Item("yesterday", "a", expirationDate: today.AddDays(-1))),
            Record(Item("today", "b", expirationDate: today)),
            Record(Item("tomorrow", "c", expirationDate: today.AddDays(1))),
            Record(Item("never", "d"))));

        var visible = await store.ListAsync(Query() with { ExcludeExpiredBefore = today }, 0, 10);
        var all = await store.ListAsync(Query(), 0, 10);

        Assert.Equal(["never", "today", "tomorrow"], visible.Items.Select(i => i.Id).Order(StringComparer.Ordinal));
        Assert.Equal(3, visible.TotalCount);
        Assert.Equal(4, all.TotalCount);
        Assert.NotNull(await store.GetAsync(Project, "yesterday"));
    }

    [Fact]
    public async Task GetManyAsync_MixedIds_ReturnsKnownOnly()
    {
        var store = await _db.OpenInitializedAsync();
        await store.WriteAsync(Inserts(Record("m1", "a"), Record("m2", "b"), Record("m3", "c")));

        var items = await store.GetManyAsync(Project, ["m3", "nope", "m1"]);

        Assert.Equal(["m1", "m3"], items.Select(i => i.Id).Order(StringComparer.Ordinal));
        Assert.Empty(await store.GetManyAsync(Project, []));
    }

    [Fact]
    public async Task GetAsync_UnknownId_ReturnsNull()
    {
        var store = await _db.OpenInitializedAsync();

        Assert.Null(await store.GetAsync(Project, "nope"));
    }

    [Fact]
    public async Task GetHistoryAsync_RowsWrittenAcrossBatches_ReturnsOldestFirstWithAllFields()
    {
        var store = await _db.OpenInitializedAsync();
        await store.WriteAsync(new MemoryWriteBatch
        {
            ProjectId = Project,
            Inserts = [Record("m1", "v1")],
            History = [History("h-add", "m1", MemoryEventType.Add, T0, newMemory: "v1")],
        });
        await store.WriteAsync(new MemoryWriteBatch
        {
            ProjectId = Project,
            Updates = [Record("m1", "v2")],
            History =
            [
                History("h-update", "m1", MemoryEventType.Update, T0.AddMinutes(5), "v1", "v2") with { ActorId = "Alice", Role = "user" },
                History("h-same-time", "m1", MemoryEventType.Supersede, T0.AddMinutes(5), "v2", null) with { RelatedMemoryId = "m9" },
            ],
        });
        await store.WriteAsync(new MemoryWriteBatch
        {
            ProjectId = Project,
            Deletes = ["m1"],
            History = [History("h-delete", "m1", MemoryEventType.Delete, T0.AddMinutes(10), "v2", null), History("h-early", "m1", MemoryEventType.Add, T0.AddMinutes(-1))],
        });

        var history = await store.GetHistoryAsync(Project, "m1");

        Assert.Equal(["h-early", "h-add", "h-update", "h-same-time", "h-delete"], history.Select(h => h.Id));
        var update = history[2];
        Assert.Equal(MemoryEventType.Update, update.Event);
        Assert.Equal("v1", update.OldMemory);
        Assert.Equal("v2", update.NewMemory);
        Assert.Equal("Alice", update.ActorId);
        Assert.Equal("user", update.Role);
        Assert.Equal(T0.AddMinutes(5), update.CreatedAt);
        Assert.False(update.IsDeleted);
        Assert.Equal("m9", history[3].RelatedMemoryId);
        Assert.Equal(MemoryEventType.Supersede, history[3].Event);
        Assert.True(history[4].IsDeleted);
        Assert.Null(history[4].NewMemory);
        Assert.Equal("SUPERSEDE", _db.Scalar("SELECT event FROM history WHERE id = 'h-same-time';"));
        Assert.Empty(await store.GetHistoryAsync(Project, "unknown"));
    }

    [Fact]
    public async Task GetRecentMessagesAsync_ExactScope_ReturnsLastMessagesOldestFirst()
    {
        var store = await _db.OpenInitializedAsync();
        var alice = MemoryScope.ForUser("alice");
        var aliceRun = new MemoryScope { UserId = "alice", RunId = "r1" };
        var messages = new List<StoredMessage>();
        for (var i = 0; i < 12; i++)
        {
            messages.Add(Message($"a{i:D2}", alice, $"alice {i}", T0.AddSeconds(i)));
            messages.Add(Message($"r{i:D2}", aliceRun, $"run {i}", T0.AddSeconds(i)));
        }

        messages.Add(Message("bob", MemoryScope.ForUser("bob"), "bob"));
        await store.WriteAsync(new MemoryWriteBatch { ProjectId = Project, Messages = messages.Take(10).ToList() });
        await store.WriteAsync(new MemoryWriteBatch { ProjectId = Project, Messages = messages.Skip(10).ToList() });

        var recent = await store.GetRecentMessagesAsync(Project, alice, 10);
        var recentRun = await store.GetRecentMessagesAsync(Project, aliceRun, 3);

        Assert.Equal(Enumerable.Range(2, 10).Select(i => $"a{i:D2}"), recent.Select(m => m.Id));
        Assert.Equal(["r09", "r10", "r11"], recentRun.Select(m => m.Id));
        Assert.Empty(await store.GetRecentMessagesAsync(Project, MemoryScope.ForAgent("alice"), 10));
    }

    [Fact]
    public async Task GetMessagesAsync_ByIds_RoundTripsFieldsOldestFirst()
    {
        var store = await _db.OpenInitializedAsync();
        var scope = new MemoryScope { UserId = "u", AgentId = "a", AppId = "app", RunId = "r" };
        var first = Message("x2", scope, "first") with { Name = "Alice", ExternalId = "D1:1", Role = "assistant", ObservedAt = T0.AddDays(-3), CreatedAt = T0 };
        var second = Message("x1", scope, "second");
        await store.WriteAsync(new MemoryWriteBatch { ProjectId = Project, Messages = [first, second] });

        var messages = await store.GetMessagesAsync(Project, ["x1", "x2", "nope"]);

        Assert.Equal([first, second], messages);
    }
}
