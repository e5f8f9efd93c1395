using Engram.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Engram.OpenAI.Tests;

/// <summary>A real engine (SQLite file, real OpenAI SDK providers) pointed at a <see cref="ScriptedOpenAIServer"/>.</summary>
internal sealed class LlmEngineFixture : IAsyncDisposable
{
    private LlmEngineFixture(ScriptedOpenAIServer server, string directory, ServiceProvider provider)
    {
        Server = server;
        Directory = directory;
        Provider = provider;
        Memory = provider.GetRequiredService<IMemory>();
    }

    public ScriptedOpenAIServer Server { get; }

    public string Directory { get; }

    public ServiceProvider Provider { get; }

    public IMemory Memory { get; }

    public static Dictionary<string, string?> Settings(ScriptedOpenAIServer server) => new()
    {
        ["Engram:Llm:Provider"] = "vllm",
        ["Engram:Llm:BaseUrl"] = server.BaseUrl.ToString(),
        ["Engram:Llm:Model"] = "scripted-chat",
        ["Engram:Llm:TimeoutSeconds"] = "1",
        ["Engram:Llm:RetryDelayMilliseconds"] = "1",
        ["Engram:Llm:MaxRetries"] = "6",
        ["Engram:Embedder:Provider"] = "vllm",
        ["Engram:Embedder:BaseUrl"] = server.BaseUrl.ToString(),
        ["Engram:Embedder:Model"] = "scripted-embed",
        ["Engram:Embedder:TimeoutSeconds"] = "1",
        ["Engram:Embedder:RetryDelayMilliseconds"] = "1",
    };

    public static async Task<LlmEngineFixture> CreateAsync(Action<Dictionary<string, string?>>? configure = null, ScriptedOpenAIServer? server = null, string? directory = null)
    {
        server ??= await ScriptedOpenAIServer.StartAsync();
        directory ??= Path.Combine(Path.GetTempPath(), "engram-llm-" + Guid.NewGuid().ToString("N"));
        var settings = Settings(server);
        configure?.Invoke(settings);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddEngram(o => o.DefaultThreshold = 0)
            .WithSqliteStore(Path.Combine(directory, "engram.db"))
            .WithConfiguredProviders(configuration);
        return new LlmEngineFixture(server, directory, services.BuildServiceProvider());
    }

    public Task<AddMemoriesResult> AddAsync(string text, string name = "Ana", DateTimeOffset? timestamp = null, string? instructions = null) =>
        Memory.AddAsync(new AddMemoriesRequest
        {
            Messages = [MemoryMessage.User(text, name)],
            Scope = MemoryScope.ForUser("ana"),
            Timestamp = timestamp,
            CustomInstructions = instructions,
        });

    public async Task<long> CountAsync(bool latestOnly = true) =>
        (await Memory.ListAsync(new ListMemoriesRequest { Scope = MemoryScope.ForUser("ana"), LatestOnly = latestOnly })).TotalCount;

    public async ValueTask DisposeAsync()
    {
        await Provider.DisposeAsync();
        await Server.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp directory left behind is harmless.
        }
    }
}
