namespace Engram.Postgres.Tests;

/// <summary>Event claiming across several store instances (as several servers) over one PostgreSQL database.</summary>
[Collection(PostgresServerGroup.Name)]
public sealed class EventClaimTests(PostgresDatabase database)
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task FourServersClaimingTogether_EachEventIsClaimedExactlyOnce()
    {
        var project = "claims-" + Guid.NewGuid().ToString("N");
        for (var i = 0; i < 60; i++)
        {
            await database.Store.CreateEventAsync(Event(project, $"e{i:D2}"));
        }

        var servers = Enumerable.Range(0, 4).Select(_ => new PostgresMemoryStore(new PostgresStoreOptions { ConnectionString = database.ConnectionString })).ToList();
        try
        {
            // Every server walks the whole unfinished list and tries to start every event of the project, all at once.
            var claims = await Task.WhenAll(servers.Select(server => Task.Run(async () =>
            {
                var won = new List<string>();
                foreach (var candidate in (await server.ListUnfinishedEventsAsync(1000)).Where(e => e.ProjectId == project))
                {
                    if (await server.StartEventAsync(project, candidate.Id) is { } started)
                    {
                        won.Add(started.Id);
                    }
                }

                return won;
            })));

            var all = claims.SelectMany(c => c).ToList();
            Assert.Equal(60, all.Count);
            Assert.Equal(60, all.Distinct(StringComparer.Ordinal).Count());
            var page = await database.Store.ListEventsAsync(project, 0, 100);
            Assert.All(page.Items, e => Assert.Equal(1, e.Attempts));
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task RunningEvent_IsTakenOverOnlyAfterItsLeaseExpires()
    {
        var project = "lease-" + Guid.NewGuid().ToString("N");
        var clock = new ManualClock(T0);
        await using var crashed = new PostgresMemoryStore(new PostgresStoreOptions { ConnectionString = database.ConnectionString, EventLeaseSeconds = 60 }, clock);
        await using var survivor = new PostgresMemoryStore(new PostgresStoreOptions { ConnectionString = database.ConnectionString, EventLeaseSeconds = 60 }, clock);
        await crashed.CreateEventAsync(Event(project, "ev"));

        Assert.NotNull(await crashed.StartEventAsync(project, "ev"));
        Assert.Null(await survivor.StartEventAsync(project, "ev"));
        Assert.DoesNotContain(await survivor.ListUnfinishedEventsAsync(1000), e => e.ProjectId == project);
        Assert.Equal(2, (await crashed.StartEventAsync(project, "ev"))!.Attempts);

        clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Contains(await survivor.ListUnfinishedEventsAsync(1000), e => e.ProjectId == project);
        var taken = await survivor.StartEventAsync(project, "ev");
        Assert.Equal(3, taken!.Attempts);
        Assert.Null(await crashed.StartEventAsync(project, "ev"));
    }

    private static StoredEvent Event(string project, string id) => new()
    {
        Id = id,
        ProjectId = project,
        EventType = "ADD",
        Status = StoredEventStatus.Pending,
        Payload = "{}",
        CreatedAt = T0,
        UpdatedAt = T0,
    };

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        private DateTimeOffset _now = now;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
