using Microsoft.Data.Sqlite;

namespace Engram.Sqlite.Tests;

/// <summary>A database file in a fresh temporary directory, deleted on dispose, with stores opened over it.</summary>
internal sealed class TestDatabase : IDisposable
{
    private readonly List<SqliteMemoryStore> _stores = [];

    public TestDatabase()
    {
        Directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "engram-sqlite-tests", Guid.NewGuid().ToString("N"));
        Path = System.IO.Path.Combine(Directory, "data", "engram.db");
    }

    public string Directory { get; }

    public string Path { get; }

    public SqliteMemoryStore Open(Action<SqliteStoreOptions>? configure = null, TimeProvider? timeProvider = null)
    {
        var options = new SqliteStoreOptions { DatabasePath = Path };
        configure?.Invoke(options);
        var store = new SqliteMemoryStore(options, timeProvider);
        _stores.Add(store);
        return store;
    }

    public async Task<SqliteMemoryStore> OpenInitializedAsync()
    {
        var store = Open();
        await store.InitializeAsync();
        return store;
    }

    /// <summary>Opens a raw connection to inspect the file directly.</summary>
    public SqliteConnection OpenRaw()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    public object? Scalar(string sql)
    {
        using var connection = OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    public void Dispose()
    {
        foreach (var store in _stores)
        {
            store.Dispose();
        }

        SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temporary directory is harmless.
        }
    }
}
