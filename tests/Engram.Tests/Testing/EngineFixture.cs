using Engram.Sqlite;
using Microsoft.Extensions.Options;

namespace Engram.Tests.Testing;

/// <summary>A real engine over a real SQLite file in a temporary directory, deleted on dispose.</summary>
internal sealed class EngineFixture : IDisposable
{
    public EngineFixture(Action<MemoryOptions>? configure = null, DateTimeOffset? start = null)
    {
        Directory = Path.Combine(Path.GetTempPath(), "engram-tests-" + Guid.NewGuid().ToString("N"));
        Time = new ManualTimeProvider(start ?? new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        Store = new SqliteMemoryStore(new SqliteStoreOptions { DatabasePath = Path.Combine(Directory, "engram.db") }, Time);
        var options = new MemoryOptions();
        configure?.Invoke(options);
        Engine = new MemoryEngine(Store, new HashingEmbeddingGenerator(), new RuleBasedFactExtractor(), Options.Create(options), Time);
    }

    public string Directory { get; }

    public ManualTimeProvider Time { get; }

    public SqliteMemoryStore Store { get; }

    public MemoryEngine Engine { get; }

    public async Task<string> AddRawAsync(string text, string userId = "alice", string? name = null, IReadOnlyDictionary<string, System.Text.Json.JsonElement>? metadata = null)
    {
        var result = await Engine.AddAsync(new AddMemoriesRequest
        {
            Messages = [MemoryMessage.User(text, name)],
            Scope = MemoryScope.ForUser(userId),
            Infer = false,
            Metadata = metadata,
        });
        return Assert.Single(result.Results).Id;
    }

    public void Dispose()
    {
        Store.Dispose();
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
