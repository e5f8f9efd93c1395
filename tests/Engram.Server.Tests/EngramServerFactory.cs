using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Engram.Server.Tests;

/// <summary>
/// The real server (<c>Program</c>) over a fresh data directory, with a known first key (<c>ENGRAM_API_KEY</c>) in the
/// default project. Extra settings (rate limits, body limit) come from the constructor.
/// </summary>
public class EngramServerFactory : WebApplicationFactory<Program>
{
    public const string FirstKey = "m0-test-first-key-0123456789";

    private readonly Dictionary<string, string?> _settings;

    public EngramServerFactory()
        : this([])
    {
    }

    protected EngramServerFactory(Dictionary<string, string?> settings)
    {
        DataDirectory = Path.Combine(Path.GetTempPath(), "engram-server-tests", Guid.NewGuid().ToString("N"));
        _settings = settings;
    }

    public string DataDirectory { get; }

    public SqliteStoreAccess Store => new(Services);

    /// <summary>A client sending the first key as <c>Authorization: Token</c>.</summary>
    public HttpClient CreateAuthorizedClient(string key = FirstKey)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Token", key);
        return client;
    }

    /// <summary>Creates a key for another project (and organization) and returns a client using it.</summary>
    public async Task<HttpClient> CreateClientForProjectAsync(string organizationId, string projectId)
    {
        var issued = await Services.GetRequiredService<ApiKeyService>().IssueAsync(organizationId, projectId, "test");
        return CreateAuthorizedClient(issued.Key);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Engram:Server:DataDirectory", DataDirectory);
        builder.UseSetting("ENGRAM_API_KEY", FirstKey);
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services => services.AddSingleton(new ServerConsole(TextWriter.Null)));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}

/// <summary>A server whose keys may make only three requests per minute.</summary>
public sealed class RateLimitedServerFactory() : EngramServerFactory(new()
{
    ["Engram:Server:RateLimitPermits"] = "3",
    ["Engram:Server:RateLimitWindowSeconds"] = "60",
});

/// <summary>A server that accepts request bodies of at most 2 KiB.</summary>
public sealed class SmallBodyServerFactory() : EngramServerFactory(new()
{
    ["Engram:Server:MaxRequestBodyBytes"] = "2048",
});

/// <summary>A server with graph memory on for every add (<c>Engram:EnableGraph</c>).</summary>
public sealed class GraphServerFactory() : EngramServerFactory(new()
{
    ["Engram:EnableGraph"] = "true",
});

/// <summary>Direct access to the server's stores, to arrange and inspect state behind the API.</summary>
public sealed class SqliteStoreAccess(IServiceProvider services)
{
    public IEventStore Events => services.GetRequiredService<IEventStore>();

    public ITenantStore Tenants => services.GetRequiredService<ITenantStore>();

    public IFeedbackStore Feedback => services.GetRequiredService<IFeedbackStore>();

    public IMemoryStore Memories => services.GetRequiredService<IMemoryStore>();
}
