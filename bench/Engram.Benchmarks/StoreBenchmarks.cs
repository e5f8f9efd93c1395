using BenchmarkDotNet.Attributes;
using Engram.Sqlite;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace Engram.Benchmarks;

/// <summary>
/// The SQLite store's three retrieval signals and a whole engine search, user-scoped over 10,000 memories (10 users ×
/// 1,000), with the in-memory index and with the plain SQL paths (exact float32 scan over BLOBs, FTS5 <c>bm25()</c>,
/// the entity-link window query). Both give the same results; the index is the default.
/// </summary>
[MemoryDiagnoser]
public class StoreBenchmarks
{
    private const int Users = 10;
    private const int PerUser = 1_000;
    private readonly HashingEmbeddingGenerator _embedder = new();
    private string _directory = string.Empty;
    private SqliteMemoryStore _store = null!;
    private MemoryEngine _engine = null!;
    private EmbeddingModel _model = null!;
    private float[] _vector = [];
    private MemoryQuery _query = null!;
    private string[] _terms = [];
    private string[] _entities = [];
    private int _next;

    [Params(true, false)]
    public bool InMemoryIndex { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _directory = Path.Combine(Path.GetTempPath(), "engram-bench-" + Guid.NewGuid().ToString("N"));
        var path = Path.Combine(_directory, "engram.db");
        using (var writer = new SqliteMemoryStore(new SqliteStoreOptions { DatabasePath = path, Synchronous = SqliteSynchronousMode.Normal }))
        {
            var engine = CreateEngine(writer);
            for (var user = 0; user < Users; user++)
            {
                var messages = Enumerable.Range(0, PerUser).Select(i => MemoryMessage.User(Samples.Memory(user * PerUser + i), "Alice")).ToList();
                await engine.AddAsync(new AddMemoriesRequest { Messages = messages, Scope = MemoryScope.ForUser("user" + user), Infer = false });
            }
        }

        _store = new SqliteMemoryStore(new SqliteStoreOptions { DatabasePath = path, InMemoryIndex = InMemoryIndex });
        _engine = CreateEngine(_store);
        var metadata = _embedder.GetService<EmbeddingGeneratorMetadata>()!;
        _model = new EmbeddingModel($"{metadata.ProviderName}/{metadata.DefaultModelId}", _embedder.Dimensions);
        var text = Samples.Query(3);
        _vector = _embedder.Embed(text);
        _terms = [.. TextAnalyzer.Default.Analyze(text)];
        _entities = [.. EntityExtractor.Default.Extract(text).Select(e => e.Key)];
        _query = new MemoryQuery { ProjectId = "default", Filter = MemoryFilter.Parse("""{"user_id": "user3"}"""), ExcludeSuperseded = true };

        // The first search of a user loads its partition; measure the steady state.
        await _store.SearchVectorsAsync(_query, _vector, _model, 60);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark]
    public async Task<int> VectorSearch() => (await _store.SearchVectorsAsync(_query, _vector, _model, 60)).Count;

    [Benchmark]
    public async Task<int> KeywordSearch() => (await _store.SearchKeywordsAsync(_query, _terms, 60)).Count;

    [Benchmark]
    public async Task<int> EntityLinks() => (await _store.FindEntityLinksAsync(_query, _entities, 240)).Count;

    [Benchmark]
    public async Task<int> EngineSearch()
    {
        var user = "user" + (_next++ % Users);
        var result = await _engine.SearchAsync(new SearchMemoriesRequest { Query = Samples.Query(_next), Scope = MemoryScope.ForUser(user), TopK = 10 });
        return result.Results.Count;
    }

    private MemoryEngine CreateEngine(SqliteMemoryStore store) =>
        new(store, _embedder, new RuleBasedFactExtractor(), Options.Create(new MemoryOptions()));
}
