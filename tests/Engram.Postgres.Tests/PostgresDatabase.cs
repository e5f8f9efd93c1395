namespace Engram.Postgres.Tests;

/// <summary>One PostgreSQL 15 server for the assembly's tests, with one initialized store over a fresh database.</summary>
public sealed class PostgresDatabase : IAsyncLifetime
{
    public PostgresServer Server { get; } = new();

    public PostgresMemoryStore Store { get; private set; } = null!;

    public string ConnectionString { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        await Server.InitializeAsync();
        ConnectionString = await Server.CreateDatabaseAsync();
        Store = new PostgresMemoryStore(new PostgresStoreOptions { ConnectionString = ConnectionString });
        await Store.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        if (Store is not null)
        {
            await Store.DisposeAsync();
        }

        await Server.DisposeAsync();
    }
}
