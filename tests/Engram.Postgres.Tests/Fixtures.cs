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

[CollectionDefinition(Name)]
public sealed class PostgresServerGroup : ICollectionFixture<PostgresDatabase>
{
    public const string Name = "postgresql 15";
}

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

[CollectionDefinition(Name)]
public sealed class PgliteServerGroup : ICollectionFixture<PgliteDatabase>
{
    public const string Name = "pglite pgvector";
}
