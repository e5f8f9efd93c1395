using static Engram.Sqlite.Tests.TestData;

namespace Engram.Sqlite.Tests;

public sealed class SqliteMemoryStoreTests : IDisposable
{
    private readonly TestDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task InitializeAsync_NewPath_CreatesDirectoryWalFileAndSchemaVersion()
    {
        var store = _db.Open();

        await store.InitializeAsync();

        Assert.True(File.Exists(_db.Path));
        Assert.Equal((long)SqliteSchema.CurrentVersion, _db.Scalar("PRAGMA user_version;"));
        Assert.Equal("wal", _db.Scalar("PRAGMA journal_mode;"));
        Assert.Equal("sqlite", store.Name);
        Assert.Equal(Path.GetFullPath(_db.Path), store.DatabasePath);
    }

    [Fact]
    public async Task InitializeAsync_CalledTwiceAndByTwoInstances_IsIdempotent()
    {
        await (await _db.OpenInitializedAsync()).WriteAsync(Inserts(Record("m1", "kept")));

        var second = _db.Open();
        await second.InitializeAsync();
        await second.InitializeAsync();

        Assert.NotNull(await second.GetAsync(Project, "m1"));
        Assert.Equal((long)SqliteSchema.CurrentVersion, _db.Scalar("PRAGMA user_version;"));
    }

    [Fact]
    public async Task InitializeAsync_NewerSchemaVersion_ThrowsClearError()
    {
        await _db.OpenInitializedAsync();
        _db.Scalar("PRAGMA user_version = 99;");

        var ex = await Assert.ThrowsAsync<MemoryStoreException>(() => _db.Open().InitializeAsync());

        Assert.Contains("schema version 99", ex.Message, StringComparison.Ordinal);
        Assert.Contains(Path.GetFullPath(_db.Path), ex.Message, StringComparison.Ordinal);
        Assert.Contains("Upgrade Engram", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InitializeAsync_GarbageFile_ThrowsStoreExceptionNamingThePath()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_db.Path)!);
        var bytes = new byte[8192];
        new Random(42).NextBytes(bytes);
        await File.WriteAllBytesAsync(_db.Path, bytes);

        var ex = await Assert.ThrowsAsync<MemoryStoreException>(() => _db.Open().InitializeAsync());

        Assert.Contains(Path.GetFullPath(_db.Path), ex.Message, StringComparison.Ordinal);
        Assert.Contains("not a SQLite database or is corrupt", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.False(ex.IsTransient);
        Assert.Equal("sqlite", ex.Store);
    }

    [Fact]
    public async Task GetAsync_GarbageFileWithoutInitialize_ThrowsStoreException()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_db.Path)!);
        await File.WriteAllTextAsync(_db.Path, "this is not a database, just some text that is long enough to fill a header of one hundred bytes or so.");

        var ex = await Assert.ThrowsAsync<MemoryStoreException>(() => _db.Open().GetAsync(Project, "m1"));

        Assert.Contains(Path.GetFullPath(_db.Path), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckIntegrityAsync_HealthyDatabase_ReturnsOk()
    {
        var store = await _db.OpenInitializedAsync();
        await store.WriteAsync(Inserts(Record("m1", "hello world", vector: Unit(1, 0, 0))));

        var rows = await store.CheckIntegrityAsync();

        Assert.Equal(["ok"], rows);
    }

    [Fact]
    public async Task GetDatabaseSizeBytesAsync_AfterInitialize_IsPageMultiple()
    {
        var store = await _db.OpenInitializedAsync();

        var size = await store.GetDatabaseSizeBytesAsync();

        Assert.True(size > 0);
        Assert.Equal(0, size % 512);
    }

    [Fact]
    public void Constructor_InvalidOptions_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => new SqliteMemoryStore(null!));
        Assert.Throws<ArgumentException>(() => new SqliteMemoryStore(new SqliteStoreOptions()));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SqliteMemoryStore(new SqliteStoreOptions { DatabasePath = _db.Path, BusyTimeoutMilliseconds = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SqliteMemoryStore(new SqliteStoreOptions { DatabasePath = _db.Path, Synchronous = (SqliteSynchronousMode)7 }));
    }

    [Fact]
    public void Options_Defaults_AreDocumentedValues()
    {
        var options = new SqliteStoreOptions();

        Assert.Equal(5000, options.BusyTimeoutMilliseconds);
        Assert.Equal(SqliteSynchronousMode.Full, options.Synchronous);
    }

    [Fact]
    public async Task Operations_AfterDispose_ThrowObjectDisposed()
    {
        var store = await _db.OpenInitializedAsync();
        store.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.GetAsync(Project, "m1"));
    }

    [Fact]
    public async Task InitializeAsync_NormalSynchronousMode_Works()
    {
        var store = _db.Open(o => o.Synchronous = SqliteSynchronousMode.Normal);

        await store.WriteAsync(Inserts(Record("m1", "text")));

        Assert.NotNull(await store.GetAsync(Project, "m1"));
    }
}
