using Engram.Testing.Conformance;

namespace Engram.Sqlite.Tests;

/// <summary>The store conformance suite on a fresh SQLite file per test (in-memory index on, as in production).</summary>
public sealed class SqliteStoreConformanceTests : MemoryStoreConformanceTests, IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "engram-conformance-" + Guid.NewGuid().ToString("N"));
    private readonly SqliteMemoryStore _store;

    public SqliteStoreConformanceTests() => _store = new SqliteMemoryStore(new SqliteStoreOptions { DatabasePath = Path.Combine(_directory, "engram.db") });

    protected override IMemoryStore Store => _store;

    public void Dispose()
    {
        _store.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
