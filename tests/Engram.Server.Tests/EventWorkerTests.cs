using Engram.Sqlite;

namespace Engram.Server.Tests;

/// <summary>
/// The durable event queue: events persisted before a shutdown or crash (PENDING, or RUNNING when the process died
/// mid-work) are processed when the server starts again.
/// </summary>
public sealed class EventWorkerTests
{
    [Fact]
    public async Task Start_ResumesPendingAndRunningEventsLeftByACrash()
    {
        using var factory = new EngramServerFactory();
        await SeedAsync(factory.DataDirectory, async store =>
        {
            await store.CreateEventAsync(Event("01900000-0000-7000-8000-000000000001", StoredEventStatus.Pending,
                """{"messages":[{"role":"user","content":"Left pending at the crash"}],"user_id":"resume-user","infer":false}"""));
            await store.CreateEventAsync(Event("01900000-0000-7000-8000-000000000002", StoredEventStatus.Running,
                """{"messages":[{"role":"user","content":"Left running at the crash"}],"user_id":"resume-user","infer":true}"""));
        });
        var client = factory.CreateAuthorizedClient();

        var pending = await client.WaitForEventAsync("01900000-0000-7000-8000-000000000001");
        var running = await client.WaitForEventAsync("01900000-0000-7000-8000-000000000002");

        Assert.Equal("SUCCEEDED", pending["status"]!.GetValue<string>());
        Assert.Equal("Left pending at the crash", pending["results"]![0]!["data"]!["memory"]!.GetValue<string>());
        Assert.Equal("SUCCEEDED", running["status"]!.GetValue<string>());
        Assert.Equal(2, running["attempts"]!.GetValue<int>());
        var list = await (await client.PostJsonAsync("/v3/memories/", """{"filters":{"user_id":"resume-user"}}""")).JsonAsync();
        Assert.Equal(1 + running["results"]!.AsArray().Count, list["count"]!.GetValue<long>());
    }

    [Fact]
    public async Task UnreadableOrInvalidPayload_EndsFailedWithASafeError()
    {
        using var factory = new EngramServerFactory();
        await SeedAsync(factory.DataDirectory, async store =>
        {
            await store.CreateEventAsync(Event("01900000-0000-7000-8000-000000000003", StoredEventStatus.Pending, "not json"));
            await store.CreateEventAsync(Event("01900000-0000-7000-8000-000000000004", StoredEventStatus.Pending,
                """{"messages":[{"role":"user","content":"No scope"}],"infer":true}"""));
        });
        var client = factory.CreateAuthorizedClient();

        var unreadable = await client.WaitForEventAsync("01900000-0000-7000-8000-000000000003");
        var invalid = await client.WaitForEventAsync("01900000-0000-7000-8000-000000000004");

        Assert.Equal("FAILED", unreadable["status"]!.GetValue<string>());
        Assert.Equal("The stored request could not be read.", unreadable["error"]!.GetValue<string>());
        Assert.Equal("FAILED", invalid["status"]!.GetValue<string>());
        Assert.Contains("user_id", invalid["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(invalid["results"]!.AsArray());
    }

    [Fact]
    public async Task ManyAsyncAdds_AllSucceedInOrder()
    {
        using var factory = new EngramServerFactory();
        var client = factory.CreateAuthorizedClient();
        var ids = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            var queued = await (await client.PostJsonAsync("/v3/memories/add/", $$$"""{"messages":"I visited city number {{{i}}} yesterday.","user_id":"many-user"}""")).JsonAsync();
            ids.Add(queued["event_id"]!.GetValue<string>());
        }

        var finished = new List<JsonNode>();
        foreach (var id in ids)
        {
            finished.Add(await client.WaitForEventAsync(id));
        }

        Assert.All(finished, e => Assert.Equal("SUCCEEDED", e["status"]!.GetValue<string>()));
        var completed = finished.Select(e => DateTimeOffset.Parse(e["completed_at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(completed.Order(), completed);
    }

    private static StoredEvent Event(string id, StoredEventStatus status, string payload)
    {
        var at = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        return new StoredEvent
        {
            Id = id,
            ProjectId = "default",
            EventType = "ADD",
            Status = status,
            Payload = payload,
            Attempts = status == StoredEventStatus.Running ? 1 : 0,
            CreatedAt = at,
            UpdatedAt = at,
            StartedAt = status == StoredEventStatus.Running ? at : null,
        };
    }

    private static async Task SeedAsync(string dataDirectory, Func<SqliteMemoryStore, Task> seed)
    {
        using var store = new SqliteMemoryStore(new SqliteStoreOptions { DatabasePath = Path.Combine(dataDirectory, "engram.db") });
        await seed(store);
    }
}
