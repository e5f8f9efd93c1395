using System.Text.Json;
using Microsoft.Data.Sqlite;
using static Engram.Sqlite.Tests.TestData;

namespace Engram.Sqlite.Tests;

/// <summary>What the server needs from the store: the event queue, tenancy, feedback, exports and scope listing (migration 2).</summary>
public sealed class SqliteMemoryStoreServerTests : IDisposable
{
    private readonly TestDatabase _db = new();
    private readonly ManualClock _clock = new(T0);

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task Events_GoPendingRunningSucceeded_WithLatencyFromTheStart()
    {
        var store = _db.Open(timeProvider: _clock);
        await store.CreateEventAsync(Event("e1"));

        var started = await store.StartEventAsync(Project, "e1");
        _clock.Advance(TimeSpan.FromMilliseconds(250));
        var completed = await store.CompleteEventAsync(Project, "e1", [new MemoryEvent { Id = "m1", Memory = "fact", Event = MemoryEventType.Add }]);
        var stored = await store.GetEventAsync(Project, "e1");

        Assert.Equal(StoredEventStatus.Running, started!.Status);
        Assert.Equal(1, started.Attempts);
        Assert.True(completed);
        Assert.Equal(StoredEventStatus.Succeeded, stored!.Status);
        Assert.Equal(250, stored.LatencyMilliseconds);
        Assert.Equal("fact", Assert.Single(stored.Results).Memory);
        Assert.Equal(T0.AddMilliseconds(250), stored.CompletedAt);
        Assert.Null(await store.StartEventAsync(Project, "e1"));
        Assert.False(await store.FailEventAsync(Project, "e1", "late"));
    }

    [Fact]
    public async Task Events_FailAndRelease_AndUnfinishedListsPendingAndRunningOldestFirst()
    {
        var store = _db.Open(timeProvider: _clock);
        await store.CreateEventAsync(Event("a"));
        await store.CreateEventAsync(Event("b"));
        await store.CreateEventAsync(Event("c", project: "other"));
        await store.StartEventAsync(Project, "b");
        await store.StartEventAsync(Project, "a");
        Assert.True(await store.FailEventAsync(Project, "a", "bad input"));

        var unfinished = await store.ListUnfinishedEventsAsync(10);
        Assert.Equal(["b", "c"], unfinished.Select(e => e.Id));
        Assert.Equal("bad input", (await store.GetEventAsync(Project, "a"))!.Error);
        Assert.True(await store.ReleaseEventAsync(Project, "b"));
        Assert.Equal(StoredEventStatus.Pending, (await store.GetEventAsync(Project, "b"))!.Status);
        Assert.False(await store.ReleaseEventAsync(Project, "b"));
    }

    [Fact]
    public async Task Events_AreIsolatedByProject_AndListedNewestFirst()
    {
        var store = _db.Open();
        await store.CreateEventAsync(Event("e1"));
        await store.CreateEventAsync(Event("e2"));
        await store.CreateEventAsync(Event("x1", project: "other"));

        var page = await store.ListEventsAsync(Project, 0, 1);

        Assert.Equal(2, page.TotalCount);
        Assert.Equal("e2", Assert.Single(page.Items).Id);
        Assert.Null(await store.GetEventAsync("other", "e1"));
        Assert.Null(await store.StartEventAsync("other", "e1"));
        Assert.False(await store.CompleteEventAsync("other", "e1", []));
    }

    [Fact]
    public async Task WriteAsync_CompletingAnEvent_MarksItSucceededInTheSameTransaction_AndASecondWriteIsRefusedWhole()
    {
        var store = _db.Open();
        await store.CreateEventAsync(Event("e1"));
        await store.StartEventAsync(Project, "e1");

        await store.WriteAsync(Inserts(Record("m1", "first attempt")) with { CompletesEventId = "e1" });
        var retry = Inserts(Record("m2", "second attempt")) with { CompletesEventId = "e1", Messages = [Message("msg-2", MemoryScope.ForUser("alice"), "again")] };

        await Assert.ThrowsAsync<EventConflictException>(() => store.WriteAsync(retry));
        var stored = await store.GetEventAsync(Project, "e1");
        Assert.Equal(StoredEventStatus.Succeeded, stored!.Status);
        Assert.Equal("m1", Assert.Single(stored.Results).Id);
        Assert.Null(await store.GetAsync(Project, "m2"));
        Assert.Empty(await store.GetMessagesAsync(Project, ["msg-2"]));
    }

    [Fact]
    public async Task WriteAsync_CompletingAnUnknownEvent_WritesNothing()
    {
        var store = _db.Open();

        await Assert.ThrowsAsync<EventConflictException>(() => store.WriteAsync(Inserts(Record("m1", "orphan")) with { CompletesEventId = "nope" }));

        Assert.Null(await store.GetAsync(Project, "m1"));
    }

    [Fact]
    public async Task Tenancy_EnsuresOrganizationsAndProjects_AndMergesSettings()
    {
        var store = _db.Open();
        await store.EnsureOrganizationAsync("org", "Org");
        var project = await store.EnsureProjectAsync("org", "proj", "Project");
        var again = await store.EnsureProjectAsync("org", "proj", "Renamed?");

        await store.UpdateProjectSettingsAsync("proj", MemoryMetadata.Parse("""{"custom_instructions":"a","decay":true}"""));
        var updated = await store.UpdateProjectSettingsAsync("proj", MemoryMetadata.Parse("""{"custom_instructions":"b"}"""));

        Assert.Equal("Project", again.Name);
        Assert.Equal(project.CreatedAt, again.CreatedAt);
        Assert.Equal("b", updated.Settings["custom_instructions"].GetString());
        Assert.True(updated.Settings["decay"].GetBoolean());
        await store.EnsureOrganizationAsync("org2", "Org 2");
        await Assert.ThrowsAsync<MemoryValidationException>(() => store.EnsureProjectAsync("org2", "proj", "x"));
        await Assert.ThrowsAsync<MemoryValidationException>(() => store.EnsureProjectAsync("missing-org", "p2", "x"));
        await Assert.ThrowsAsync<MemoryValidationException>(() => store.UpdateProjectSettingsAsync("missing", MemoryMetadata.Empty));
        Assert.Null(await store.GetProjectAsync("missing"));
    }

    [Fact]
    public async Task ApiKeys_AreFoundByPrefix_ListedAndRevoked_AndNeedAnExistingProject()
    {
        var store = _db.Open(timeProvider: _clock);
        await store.EnsureOrganizationAsync("org", "Org");
        await store.EnsureProjectAsync("org", "proj", "Project");
        var key = new ApiKeyRecord
        {
            Id = "k1",
            Prefix = "m0-abcdefgh",
            KeyHash = new byte[] { 1, 2, 3 },
            OrganizationId = "org",
            ProjectId = "proj",
            Name = "bot",
            CreatedAt = T0,
        };

        await store.CreateApiKeyAsync(key);

        var found = Assert.Single(await store.FindApiKeysAsync("m0-abcdefgh"));
        Assert.Equal(new byte[] { 1, 2, 3 }, found.KeyHash.ToArray());
        Assert.Equal("bot", found.Name);
        Assert.Empty(await store.FindApiKeysAsync("m0-zzzzzzzz"));
        Assert.True(await store.RevokeApiKeyAsync("k1"));
        Assert.False(await store.RevokeApiKeyAsync("k1"));
        Assert.True(Assert.Single(await store.ListApiKeysAsync()).IsRevoked);
        await Assert.ThrowsAsync<MemoryValidationException>(() => store.CreateApiKeyAsync(key with { Id = "k2", ProjectId = "nope" }));
        await Assert.ThrowsAsync<MemoryValidationException>(() => store.CreateApiKeyAsync(key with { Id = "k3", OrganizationId = "other" }));
    }

    [Fact]
    public async Task Feedback_IsStoredPerProject()
    {
        var store = _db.Open();
        await store.AddFeedbackAsync(new MemoryFeedback { Id = "f1", ProjectId = Project, MemoryId = "m1", Feedback = "POSITIVE", Reason = "good", CreatedAt = T0 });

        Assert.Equal("good", Assert.Single(await store.ListFeedbackAsync(Project, "m1")).Reason);
        Assert.Empty(await store.ListFeedbackAsync("other", "m1"));
    }

    [Fact]
    public async Task Exports_AreFoundByIdOrLatestFilters_PerProject()
    {
        var store = _db.Open();
        await store.CreateExportAsync(Export("x1", """{"user_id":"a"}"""));
        await store.CreateExportAsync(Export("x2", """{"user_id":"b"}"""));

        Assert.Equal("x1", (await store.FindLatestExportAsync(Project, """{"user_id":"a"}"""))!.Id);
        Assert.Equal("x2", (await store.FindLatestExportAsync(Project, null))!.Id);
        Assert.Equal(3, (await store.GetExportAsync(Project, "x2"))!.MemoryCount);
        Assert.Null(await store.GetExportAsync("other", "x1"));
    }

    [Fact]
    public async Task ListScopes_CountsMemoriesPerIdentifierAndKind_InOneProject()
    {
        var store = _db.Open();
        await store.WriteAsync(Inserts(
            Record("m1", "one", new MemoryScope { UserId = "alice", AgentId = "bot" }),
            Record("m2", "two", MemoryScope.ForUser("alice")),
            Record("m3", "three", new MemoryScope { RunId = "r1", AppId = "app" })));
        await store.WriteAsync(new MemoryWriteBatch { ProjectId = "other", Inserts = [Record("m9", "nine", MemoryScope.ForUser("zed"))] });

        var scopes = await store.ListScopesAsync(Project);

        Assert.Equal(
            ["User:alice:2", "Agent:bot:1", "App:app:1", "Run:r1:1"],
            scopes.Select(s => $"{s.Kind}:{s.Id}:{s.MemoryCount}"));
    }

    [Fact]
    public async Task InitializeAsync_Version1Database_MigratesToTheCurrentVersionKeepingItsMemories()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_db.Path)!);
        using (var connection = _db.OpenRaw())
        {
            using var command = connection.CreateCommand();
            command.CommandText = SqliteSchema.Migrations[0] + "PRAGMA user_version = 1;";
            await command.ExecuteNonQueryAsync();
        }

        await _db.Open().WriteAsync(Inserts(Record("m1", "kept")));
        SqliteConnection.ClearAllPools();

        var store = _db.Open();
        await store.CreateEventAsync(Event("e1"));

        Assert.Equal((long)SqliteSchema.CurrentVersion, _db.Scalar("PRAGMA user_version;"));
        Assert.Equal(6, SqliteSchema.CurrentVersion);
        Assert.NotNull(await store.GetAsync(Project, "m1"));
        Assert.NotNull(await store.GetEventAsync(Project, "e1"));
    }

    private static StoredEvent Event(string id, string project = Project) => new()
    {
        Id = id,
        ProjectId = project,
        EventType = "ADD",
        Status = StoredEventStatus.Pending,
        Payload = """{"messages":[]}""",
        CreatedAt = T0,
        UpdatedAt = T0,
    };

    private static MemoryExport Export(string id, string filters) => new()
    {
        Id = id,
        ProjectId = Project,
        Schema = "{}",
        Filters = filters,
        Data = JsonSerializer.Serialize(new[] { 1, 2, 3 }),
        MemoryCount = 3,
        CreatedAt = T0,
    };

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        private DateTimeOffset _now = now;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
