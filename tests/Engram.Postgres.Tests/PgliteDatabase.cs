namespace Engram.Postgres.Tests;

/// <summary>One PGlite server (pgvector) with one initialized store.</summary>
public sealed class PgliteDatabase : IAsyncLifetime
{
    private readonly PgliteServer _server = new();

    public PostgresMemoryStore Store { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await _server.InitializeAsync();
        Store = new PostgresMemoryStore(new PostgresStoreOptions { ConnectionString = _server.ConnectionString });
        await Store.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        if (Store is not null)
        {
            await Store.DisposeAsync();
        }

        await _server.DisposeAsync();
    }
}
