using Engram.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Engram.Postgres.Tests;

/// <summary>Two real <c>engram serve</c> processes over one PostgreSQL database.</summary>
[Collection(PostgresServerGroup.Name)]
public sealed class ScaleOutTests(PostgresDatabase database)
{
    [Fact]
    public async Task TwoServers_ConcurrentAsyncAdds_EachEventProcessedOnceAndBothSearchTheSameMemories()
    {
        var connectionString = await database.Server.CreateDatabaseAsync();
        await using var first = await EngramServeProcess.StartAsync(connectionString);
        await using var second = await EngramServeProcess.StartAsync(connectionString);
        await using var firstServices = ClientServices(first.BaseAddress);
        await using var secondServices = ClientServices(second.BaseAddress);
        var clients = new[] { firstServices.GetRequiredService<EngramClient>(), secondServices.GetRequiredService<EngramClient>() };

        // 2 × 12 asynchronous adds at once, alternating servers; each waits for its event through the server it used.
        var adds = Enumerable.Range(0, 24).Select(i => clients[i % 2].AddAsync(new AddMemoriesRequest
        {
            Messages = [MemoryMessage.User($"My colleague number {i} is called Person{i} and lives in City{i}.")],
            Scope = MemoryScope.ForUser("scale-user"),
        }));
        var results = await Task.WhenAll(adds);
        Assert.All(results, r => Assert.NotEmpty(r.Results));

        await using var store = new PostgresMemoryStore(new PostgresStoreOptions { ConnectionString = connectionString });
        var events = await store.ListEventsAsync("default", 0, 100);
        Assert.Equal(24, events.TotalCount);
        Assert.All(events.Items, e =>
        {
            Assert.Equal(StoredEventStatus.Succeeded, e.Status);
            Assert.Equal(1, e.Attempts);
        });

        // Exactly once: the memories in the database are exactly those the events report, none written twice.
        var reported = events.Items.SelectMany(e => e.Results).Select(r => r.Id).ToList();
        Assert.Equal(reported.Count, reported.Distinct(StringComparer.Ordinal).Count());
        var stored = await store.ListAsync(new MemoryQuery { ProjectId = "default" }, 0, 1000);
        Assert.Equal(reported.Order(StringComparer.Ordinal), stored.Items.Select(m => m.Id).Order(StringComparer.Ordinal));

        var search = new SearchMemoriesRequest { Query = "Where does Person7 live?", Scope = MemoryScope.ForUser("scale-user"), TopK = 5 };
        var throughFirst = await clients[0].SearchAsync(search);
        var throughSecond = await clients[1].SearchAsync(search);
        Assert.NotEmpty(throughFirst.Results);
        Assert.Equal(throughFirst.Results.Select(h => h.Item.Id), throughSecond.Results.Select(h => h.Item.Id));
        Assert.Contains(throughFirst.Results, h => h.Item.Memory.Contains("Person7", StringComparison.Ordinal));
    }

    private static ServiceProvider ClientServices(Uri baseAddress)
    {
        var services = new ServiceCollection();
        services.AddEngramClient(o =>
        {
            o.BaseAddress = baseAddress;
            o.ApiKey = EngramServeProcess.ApiKey;
            o.EventPollInterval = TimeSpan.FromMilliseconds(20);
            o.EventTimeout = TimeSpan.FromSeconds(60);
        });
        return services.BuildServiceProvider();
    }
}
