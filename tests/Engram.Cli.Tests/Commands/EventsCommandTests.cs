using Engram.Sqlite;

namespace Engram.Cli.Tests.Commands;

public sealed class EventsCommandTests
{
    private static async Task SeedFailedEventAsync(string dataDirectory, string eventId)
    {
        using var store = new SqliteMemoryStore(new SqliteStoreOptions { DatabasePath = Path.Combine(dataDirectory, "engram.db") });
        await store.InitializeAsync();
        var now = TimeProvider.System.GetUtcNow();
        await store.CreateEventAsync(new StoredEvent
        {
            Id = eventId,
            ProjectId = "default",
            EventType = "ADD",
            Status = StoredEventStatus.Pending,
            Payload = """{"messages":[{"role":"user","content":"I grow tomatoes on my balcony","name":"Ana"}],"user_id":"ana","infer":true}""",
            CreatedAt = now,
            UpdatedAt = now,
        });
        await store.StartEventAsync("default", eventId);
        await store.FailEventAsync("default", eventId, "The language model was unreachable.");
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task Retry_Failed_RunsTheEventAgainAndStoresItsMemories()
    {
        using var temp = new TempDirectory();
        const string eventId = "0193f0a0-0000-7000-8000-000000000001";
        await SeedFailedEventAsync(temp.Path, eventId);

        var listed = await Cli.RunAsync("events", "list", "--data", temp.Path, "--output", "json");
        Assert.Equal(0, listed.ExitCode);
        Assert.Contains("\"status\":\"FAILED\"", listed.Stdout, StringComparison.Ordinal);

        var retried = await Cli.RunAsync("events", "retry", "--failed", "--data", temp.Path, "--output", "json");

        Assert.True(retried.ExitCode == 0, retried.Stderr);
        Assert.Contains(eventId, retried.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"status\":\"SUCCEEDED\"", retried.Stdout, StringComparison.Ordinal);
        var search = await Cli.RunAsync("search", "tomatoes", "--user", "ana", "--data", temp.Path, "--output", "json");
        Assert.Contains("tomatoes", search.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retry_EventThatIsNotFailed_IsAUsageError()
    {
        using var temp = new TempDirectory();
        const string eventId = "0193f0a0-0000-7000-8000-000000000002";
        await SeedFailedEventAsync(temp.Path, eventId);
        Assert.Equal(0, (await Cli.RunAsync("events", "retry", eventId, "--data", temp.Path)).ExitCode);

        var again = await Cli.RunAsync("events", "retry", eventId, "--data", temp.Path);

        Assert.Equal(2, again.ExitCode);
        Assert.Single(again.StderrLines);
        Assert.Equal(3, (await Cli.RunAsync("events", "retry", "no-such-event", "--data", temp.Path)).ExitCode);
        Assert.Equal(2, (await Cli.RunAsync("events", "retry", "--data", temp.Path)).ExitCode);
    }
}
