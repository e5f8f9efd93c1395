using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Engram.Postgres.Tests;

/// <summary>Store selection from configuration (<c>Engram:Store:Provider</c>, <c>Engram:Store:ConnectionString</c>).</summary>
public sealed class ConfigurationTests
{
    [Fact]
    public void Postgres_RegistersThePostgresStoreWithItsOptions()
    {
        var services = new ServiceCollection();
        var registered = services.AddEngram().TryAddConfiguredPostgresStore(Configuration(
            ("Engram:Store:Provider", "postgres"),
            ("Engram:Store:ConnectionString", "Host=127.0.0.1;Database=engram"),
            ("Engram:Store:Postgres:EventLeaseSeconds", "42")));
        Assert.True(registered);
        using var provider = services.BuildServiceProvider();
        var store = Assert.IsType<PostgresMemoryStore>(provider.GetRequiredService<IMemoryStore>());
        Assert.Equal("postgres", store.Name);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("sqlite")]
    public void SqliteOrUnset_RegistersNothing(string? provider)
    {
        var services = new ServiceCollection();
        Assert.False(services.AddEngram().TryAddConfiguredPostgresStore(Configuration(("Engram:Store:Provider", provider))));
        Assert.DoesNotContain(services, d => d.ServiceType == typeof(PostgresMemoryStore));
    }

    [Theory]
    [InlineData("mysql", "Unknown store provider 'mysql'")]
    [InlineData("postgres", "needs Engram:Store:ConnectionString")]
    public void UnknownProviderOrMissingConnection_FailsClearly(string provider, string message)
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            new ServiceCollection().AddEngram().TryAddConfiguredPostgresStore(Configuration(("Engram:Store:Provider", provider))));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Initialize_UnreachableServer_ThrowsTransientStoreError()
    {
        await using var store = new PostgresMemoryStore(new PostgresStoreOptions
        {
            ConnectionString = $"Host=127.0.0.1;Port={PostgresServer.FreePort()};Username=engram;Timeout=3",
        });
        var error = await Assert.ThrowsAsync<MemoryStoreException>(() => store.InitializeAsync());
        Assert.Equal("postgres", error.Store);
        Assert.Equal("initialize", error.Operation);
    }

    private static IConfiguration Configuration(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();
}
