using Microsoft.Extensions.DependencyInjection;

namespace Engram.Sqlite.Tests;

public sealed class SqliteMemoryBuilderExtensionsTests : IDisposable
{
    private readonly TestDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task WithSqliteStore_RegistersSingletonReplacingEarlierStoreAndUsesTimeProvider()
    {
        var services = new ServiceCollection();
        var earlierPath = _db.Path + ".earlier.db";
        services.AddSingleton<IMemoryStore>(_ => new SqliteMemoryStore(new SqliteStoreOptions { DatabasePath = earlierPath }));
        var clock = new FixedTimeProvider(new DateTimeOffset(2031, 2, 3, 4, 5, 6, TimeSpan.Zero));
        services.AddSingleton<TimeProvider>(clock);

        var builder = new TestMemoryBuilder(services);
        var returned = builder.WithSqliteStore(_db.Path, o => o.BusyTimeoutMilliseconds = 1234);
        await using var provider = services.BuildServiceProvider();

        Assert.Same(builder, returned);
        var store = Assert.IsType<SqliteMemoryStore>(provider.GetRequiredService<IMemoryStore>());
        Assert.Equal(Path.GetFullPath(_db.Path), store.DatabasePath);
        Assert.Same(store, provider.GetRequiredService<SqliteMemoryStore>());
        Assert.Single(provider.GetServices<IMemoryStore>());
        await store.InitializeAsync();
        Assert.Equal("2031-02-03T04:05:06.0000000Z", _db.Scalar("SELECT value FROM meta WHERE key = 'schema_migrated_at';"));
    }

    [Fact]
    public void WithSqliteStore_InvalidArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => SqliteMemoryBuilderExtensions.WithSqliteStore(null!, "x.db"));
        Assert.Throws<ArgumentException>(() => new TestMemoryBuilder(new ServiceCollection()).WithSqliteStore(" "));
    }

    private sealed class TestMemoryBuilder(IServiceCollection services) : IMemoryBuilder
    {
        public IServiceCollection Services { get; } = services;
    }

    private sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
