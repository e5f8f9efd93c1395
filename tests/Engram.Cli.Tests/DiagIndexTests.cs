using Engram.Cli.Locomo;
using Engram.Sqlite;
using Microsoft.Extensions.Options;

namespace Engram.Cli.Tests;

public sealed class DiagIndexTests
{
    [Fact]
    public async Task Diag()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("engram.db");
        using var a = new SqliteMemoryStore(new SqliteStoreOptions { DatabasePath = path });
        using var b = new SqliteMemoryStore(new SqliteStoreOptions { DatabasePath = path, InMemoryIndex = false });
        var log = new List<string>();
        var wrapper = new Comparing(a, b, log);
        var engine = new MemoryEngine(wrapper, new HashingEmbeddingGenerator(), new RuleBasedFactExtractor(), Options.Create(new MemoryOptions()));
        var dataset = await LocomoDataset.LoadAsync(RepoPaths.LocomoDev, default);
        var samples = dataset.Select(null).Take(2).ToList();
        await new LocomoIngestor(engine).IngestAsync(samples, LocomoMode.Extracted, NullLocomoProgress.Instance, null, default);
        File.WriteAllLines("/tmp/diag.txt", log);
        Assert.Empty(log);
    }

    private sealed class Comparing(SqliteMemoryStore a, SqliteMemoryStore b, List<string> log) : IMemoryStore
    {
        public string Name => a.Name;

        public Task InitializeAsync(CancellationToken cancellationToken = default) => a.InitializeAsync(cancellationToken);

        public Task WriteAsync(MemoryWriteBatch batch, CancellationToken cancellationToken = default) => a.WriteAsync(batch, cancellationToken);

        public Task<MemoryItem?> GetAsync(string projectId, string memoryId, CancellationToken cancellationToken = default) => a.GetAsync(projectId, memoryId, cancellationToken);

        public Task<IReadOnlyList<MemoryItem>> GetManyAsync(string projectId, IReadOnlyCollection<string> memoryIds, CancellationToken cancellationToken = default) => a.GetManyAsync(projectId, memoryIds, cancellationToken);

        public async Task<MemoryPage> ListAsync(MemoryQuery query, int offset, int limit, CancellationToken cancellationToken = default)
        {
            var x = await a.ListAsync(query, offset, limit, cancellationToken);
            return x;
        }

        public async Task<IReadOnlyList<ScoredMemoryId>> SearchVectorsAsync(MemoryQuery query, ReadOnlyMemory<float> vector, EmbeddingModel model, int limit, CancellationToken cancellationToken = default)
        {
            var x = await a.SearchVectorsAsync(query, vector, model, limit, cancellationToken);
            var y = await b.SearchVectorsAsync(query, vector, model, limit, cancellationToken);
            if (!x.SequenceEqual(y))
            {
                log.Add($"VEC limit={limit} filter={query.Filter} idx=[{string.Join(", ", x.Select(h => h.MemoryId[^6..] + ":" + h.Score))}] sql=[{string.Join(", ", y.Select(h => h.MemoryId[^6..] + ":" + h.Score))}]");
            }

            return x;
        }

        public async Task<IReadOnlyList<ScoredMemoryId>> SearchKeywordsAsync(MemoryQuery query, IReadOnlyList<string> terms, int limit, CancellationToken cancellationToken = default)
        {
            var x = await a.SearchKeywordsAsync(query, terms, limit, cancellationToken);
            var y = await b.SearchKeywordsAsync(query, terms, limit, cancellationToken);
            if (!x.SequenceEqual(y))
            {
                log.Add($"KW terms={string.Join(' ', terms)} idx=[{string.Join(", ", x.Take(5).Select(h => h.MemoryId[^6..] + ":" + h.Score))}] sql=[{string.Join(", ", y.Take(5).Select(h => h.MemoryId[^6..] + ":" + h.Score))}]");
            }

            return x;
        }

        public async Task<IReadOnlyList<EntityLink>> FindEntityLinksAsync(MemoryQuery query, IReadOnlyList<string> entityKeys, int limit, CancellationToken cancellationToken = default)
        {
            var x = await a.FindEntityLinksAsync(query, entityKeys, limit, cancellationToken);
            var y = await b.FindEntityLinksAsync(query, entityKeys, limit, cancellationToken);
            if (!x.SequenceEqual(y))
            {
                log.Add($"ENT keys={string.Join(' ', entityKeys)} idx={x.Count} sql={y.Count}");
            }

            return x;
        }

        public Task<IReadOnlyList<MemoryHistoryEntry>> GetHistoryAsync(string projectId, string memoryId, CancellationToken cancellationToken = default) => a.GetHistoryAsync(projectId, memoryId, cancellationToken);

        public Task<IReadOnlyList<StoredMessage>> GetMessagesAsync(string projectId, IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken = default) => a.GetMessagesAsync(projectId, messageIds, cancellationToken);

        public Task<IReadOnlyList<StoredMessage>> GetRecentMessagesAsync(string projectId, MemoryScope scope, int limit, CancellationToken cancellationToken = default) => a.GetRecentMessagesAsync(projectId, scope, limit, cancellationToken);

        public Task ResetAsync(string projectId, CancellationToken cancellationToken = default) => a.ResetAsync(projectId, cancellationToken);
    }
}
