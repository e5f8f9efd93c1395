namespace Engram.Postgres.Tests;

/// <summary>Webhook delivery claims across several store instances (as several servers) over one PostgreSQL database.</summary>
[Collection(PostgresServerGroup.Name)]
public sealed class WebhookClaimTests(PostgresDatabase database)
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task FourServersClaimingTogether_EachDeliveryIsClaimedExactlyOnce()
    {
        // A database of its own: the claims see every project, and nothing else may be due in it.
        var connectionString = await database.Server.CreateDatabaseAsync();
        var servers = Enumerable.Range(0, 4).Select(_ => new PostgresMemoryStore(new PostgresStoreOptions { ConnectionString = connectionString })).ToList();
        try
        {
            var writer = servers[0];
            foreach (var project in (string[])["a", "b"])
            {
                await writer.CreateWebhookAsync(new Webhook
                {
                    ProjectId = project, Name = "w", Url = "http://127.0.0.1:9/", EventTypes = WebhookEventTypes.All, Secret = "s", CreatedAt = T0, UpdatedAt = T0,
                });
                await writer.WriteAsync(new MemoryWriteBatch
                {
                    ProjectId = project,
                    Inserts = [.. Enumerable.Range(0, 30).Select(i => Record($"m{i}"))],
                    History = [.. Enumerable.Range(0, 30).Select(i => new MemoryHistoryEntry { Id = $"h{i}", MemoryId = $"m{i}", Event = MemoryEventType.Add, NewMemory = "text", CreatedAt = T0 })],
                });
            }

            var now = TimeProvider.System.GetUtcNow().AddMinutes(1);
            var claims = await Task.WhenAll(servers.Select(server => Task.Run(async () =>
            {
                var won = new List<long>();
                while (await server.ClaimDueDeliveriesAsync(now, now.AddHours(1), 4) is { Count: > 0 } batch)
                {
                    won.AddRange(batch.Select(d => d.Id));
                }

                return won;
            })));

            var all = claims.SelectMany(c => c).ToList();
            Assert.Equal(60, all.Count);
            Assert.Equal(60, all.Distinct().Count());
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }
        }
    }

    private static MemoryRecord Record(string id) => new()
    {
        Item = new MemoryItem { Id = id, Memory = "text", Hash = id, Scope = MemoryScope.ForUser("u"), CreatedAt = T0, UpdatedAt = T0, ObservedAt = T0 },
        LexicalText = "text",
    };
}
