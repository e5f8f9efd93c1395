using Engram.Cli.Locomo;
using Engram.Cli.Output;
using Engram.Sqlite;
using Microsoft.Extensions.Options;

namespace Engram.Cli.Tests.Locomo;

/// <summary>
/// The SQLite store's in-memory index must not change retrieval: while a LoCoMo conversation is ingested in extracted
/// mode (searches for similar memories, supersessions and lexical appends interleaved with writes) and then searched,
/// every vector, BM25 and entity-link search gives exactly what the SQL paths give over the same file.
/// </summary>
public sealed class LocomoIndexParityTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("extracted")]
    [InlineData("raw")]
    public async Task IngestAndSearch_WithIndex_EverySearchEqualsTheSqlPath(string modeName)
    {
        var mode = modeName == "raw" ? LocomoMode.Raw : LocomoMode.Extracted;
        var path = _temp.Combine("engram.db");
        using var indexed = new SqliteMemoryStore(new SqliteStoreOptions { DatabasePath = path });
        using var plain = new SqliteMemoryStore(new SqliteStoreOptions { DatabasePath = path, InMemoryIndex = false });
        var comparing = new ComparingStore(indexed, plain);
        var engine = new MemoryEngine(comparing, new HashingEmbeddingGenerator(), new RuleBasedFactExtractor(), Options.Create(new MemoryOptions()));
        var dataset = await LocomoDataset.LoadAsync(RepoPaths.LocomoDev, CancellationToken.None);
        var sample = dataset.Select(null)[0];

        await new LocomoIngestor(engine).IngestAsync([sample], mode, NullStageProgress.Instance, null, CancellationToken.None);
        foreach (var question in sample.Questions.Take(60))
        {
            await engine.SearchAsync(new SearchMemoriesRequest { Query = question.Question, Scope = MemoryScope.ForUser(sample.SampleId), TopK = 10 });
        }

        Assert.True(comparing.Calls > 100, $"only {comparing.Calls} searches were compared");
        Assert.Empty(comparing.Differences);
    }

    /// <summary>Answers from the indexed store and records every search whose SQL answer differs.</summary>
    private sealed class ComparingStore(SqliteMemoryStore indexed, SqliteMemoryStore plain) : IMemoryStore
    {
        public List<string> Differences { get; } = [];

        public int Calls { get; private set; }

        public string Name => indexed.Name;

        public Task InitializeAsync(CancellationToken cancellationToken = default) => indexed.InitializeAsync(cancellationToken);

        public Task WriteAsync(MemoryWriteBatch batch, CancellationToken cancellationToken = default) => indexed.WriteAsync(batch, cancellationToken);

        public Task<MemoryItem?> GetAsync(string projectId, string memoryId, CancellationToken cancellationToken = default) =>
            indexed.GetAsync(projectId, memoryId, cancellationToken);

        public Task<IReadOnlyList<MemoryItem>> GetManyAsync(string projectId, IReadOnlyCollection<string> memoryIds, CancellationToken cancellationToken = default) =>
            indexed.GetManyAsync(projectId, memoryIds, cancellationToken);

        public Task<MemoryPage> ListAsync(MemoryQuery query, int offset, int limit, CancellationToken cancellationToken = default) =>
            indexed.ListAsync(query, offset, limit, cancellationToken);

        public async Task<IReadOnlyList<ScoredMemoryId>> SearchVectorsAsync(
            MemoryQuery query, ReadOnlyMemory<float> vector, EmbeddingModel model, int limit, CancellationToken cancellationToken = default)
        {
            var actual = await indexed.SearchVectorsAsync(query, vector, model, limit, cancellationToken);
            Compare("vector", actual, await plain.SearchVectorsAsync(query, vector, model, limit, cancellationToken));
            return actual;
        }

        public async Task<IReadOnlyList<ScoredMemoryId>> SearchKeywordsAsync(
            MemoryQuery query, IReadOnlyList<string> terms, int limit, CancellationToken cancellationToken = default)
        {
            var actual = await indexed.SearchKeywordsAsync(query, terms, limit, cancellationToken);
            Compare("bm25 " + string.Join(' ', terms), actual, await plain.SearchKeywordsAsync(query, terms, limit, cancellationToken));
            return actual;
        }

        public async Task<IReadOnlyList<EntityLink>> FindEntityLinksAsync(
            MemoryQuery query, IReadOnlyList<string> entityKeys, int limit, CancellationToken cancellationToken = default)
        {
            var actual = await indexed.FindEntityLinksAsync(query, entityKeys, limit, cancellationToken);
            Compare("entities " + string.Join(' ', entityKeys), actual, await plain.FindEntityLinksAsync(query, entityKeys, limit, cancellationToken));
            return actual;
        }

        public Task<IReadOnlyList<MemoryHistoryEntry>> GetHistoryAsync(string projectId, string memoryId, CancellationToken cancellationToken = default) =>
            indexed.GetHistoryAsync(projectId, memoryId, cancellationToken);

        public Task<IReadOnlyList<StoredMessage>> GetMessagesAsync(string projectId, IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken = default) =>
            indexed.GetMessagesAsync(projectId, messageIds, cancellationToken);

        public Task<IReadOnlyList<StoredMessage>> GetRecentMessagesAsync(string projectId, MemoryScope scope, int limit, CancellationToken cancellationToken = default) =>
            indexed.GetRecentMessagesAsync(projectId, scope, limit, cancellationToken);

        public Task ResetAsync(string projectId, CancellationToken cancellationToken = default) => indexed.ResetAsync(projectId, cancellationToken);

        private void Compare<T>(string what, IReadOnlyList<T> actual, IReadOnlyList<T> expected)
        {
            Calls++;
            if (!actual.SequenceEqual(expected))
            {
                Differences.Add($"{what}: index [{string.Join(", ", actual.Take(5))}] sql [{string.Join(", ", expected.Take(5))}]");
            }
        }
    }
}
