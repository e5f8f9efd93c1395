using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Engram.Sqlite;
using Microsoft.Extensions.Options;

namespace Engram.Benchmarks;

/// <summary>Batched adds (<c>infer=false</c>, 1,000 messages per add) into a fresh database: the engine's analysis and embedding plus the SQLite write.</summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, iterationCount: 5, warmupCount: 1)]
public class StoreWriteBenchmarks
{
    private const int BatchSize = 1_000;
    private string _directory = string.Empty;
    private SqliteMemoryStore _store = null!;
    private MemoryEngine _engine = null!;
    private List<MemoryMessage> _messages = [];
    private int _batch;

    [Params(SqliteSynchronousMode.Full, SqliteSynchronousMode.Normal)]
    public SqliteSynchronousMode Synchronous { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "engram-bench-" + Guid.NewGuid().ToString("N"));
        _store = new SqliteMemoryStore(new SqliteStoreOptions { DatabasePath = Path.Combine(_directory, "engram.db"), Synchronous = Synchronous });
        _engine = new MemoryEngine(_store, new HashingEmbeddingGenerator(), new RuleBasedFactExtractor(), Options.Create(new MemoryOptions()));
        _messages = Enumerable.Range(0, BatchSize).Select(i => MemoryMessage.User(Samples.Memory(i), "Alice")).ToList();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(OperationsPerInvoke = BatchSize)]
    public async Task<int> AddThousandMemories()
    {
        var result = await _engine.AddAsync(new AddMemoriesRequest { Messages = _messages, Scope = MemoryScope.ForUser("user" + _batch++), Infer = false });
        return result.Results.Count;
    }
}
