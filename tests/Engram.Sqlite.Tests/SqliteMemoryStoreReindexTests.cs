using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace Engram.Sqlite.Tests;

/// <summary>
/// <see cref="MemoryEngine.ReindexAsync"/> over a real SQLite file: memories written with the hashing embedder at 512
/// dimensions (embedder A) re-embedded at 256 dimensions (embedder B, same id, so only the dimension differs).
/// </summary>
public sealed class SqliteMemoryStoreReindexTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly EmbeddingModel ModelA = new("engram/engram-hashing-v1", 512);
    private static readonly EmbeddingModel ModelB = new("engram/engram-hashing-v1", 256);
    private readonly TestDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task ReindexAsync_FromEmbedderAToB_SearchesWithBFindTheRightMemoryAndNothingElseChanges()
    {
        var store = await _database.OpenInitializedAsync();
        var engineA = Engine(store, new HashingEmbeddingGenerator());
        var alice = await AddAsync(engineA, "Alice plays tennis every Sunday morning", "alice");
        var bob = await AddAsync(engineA, "Bob collects vintage postage stamps", "bob");
        var carol = await AddAsync(engineA, "Carol bakes sourdough bread at home", "carol", metadata: MemoryMetadata.Parse("""{"source":"chat","n":3}"""));
        var expired = await AddAsync(engineA, "Dave has a dentist appointment", "dave", expiration: new DateOnly(2020, 1, 1));
        var other = await AddAsync(engineA.ForProject("other"), "Erin studies volcanoes in Iceland", "erin");
        var bobNew = await AddAsync(engineA, "Bob sold his stamp collection", "bob");
        await store.WriteAsync(new MemoryWriteBatch { ProjectId = engineA.ProjectId, Supersessions = [new MemorySupersession(bob, bobNew, T0)] });

        // The in-memory index holds A's vectors before the re-embedding.
        Assert.NotEmpty((await engineA.SearchAsync(new SearchMemoriesRequest { Query = "sourdough bread", Scope = MemoryScope.ForUser("carol") })).Results);
        var ids = new[] { alice, bob, carol, expired, bobNew };
        var before = await store.GetManyAsync(engineA.ProjectId, ids);
        var historyBefore = await store.GetHistoryAsync(engineA.ProjectId, carol);
        var engineB = Engine(store, new HashingEmbeddingGenerator(new HashingEmbeddingOptions { Dimensions = 256 }));
        await Assert.ThrowsAsync<EmbeddingMismatchException>(() => engineB.SearchAsync(new SearchMemoriesRequest { Query = "bread", Scope = MemoryScope.ForUser("carol") }));

        var result = await engineB.ReindexAsync();

        Assert.Equal(6, result.Reembedded);
        Assert.Equal(0, result.Skipped);
        Assert.Equal(ModelA, result.PreviousEmbedder);
        Assert.Equal(ModelB, result.Embedder);
        Assert.False(result.IsNoOp);

        // Vector search alone, through the in-memory index, with a document vector of B.
        var query = (await new HashingEmbeddingGenerator(new HashingEmbeddingOptions { Dimensions = 256 }).GenerateAsync(["sourdough bread"]))[0].Vector;
        var hits = await store.SearchVectorsAsync(new MemoryQuery { ProjectId = engineA.ProjectId }, query, ModelB, 1);
        Assert.Equal(carol, Assert.Single(hits).MemoryId);
        var search = await engineB.SearchAsync(new SearchMemoriesRequest { Query = "Who bakes bread?", Scope = MemoryScope.ForUser("carol") });
        Assert.Equal(carol, search.Results[0].Item.Id);
        var otherHits = await engineB.ForProject("other").SearchAsync(new SearchMemoriesRequest { Query = "volcanoes", Scope = MemoryScope.ForUser("erin") });
        Assert.Equal(other, otherHits.Results[0].Item.Id);
        await Assert.ThrowsAsync<EmbeddingMismatchException>(() => engineA.SearchAsync(new SearchMemoriesRequest { Query = "bread", Scope = MemoryScope.ForUser("carol") }));
        await Assert.ThrowsAsync<EmbeddingMismatchException>(() => AddAsync(engineA, "Frank likes jazz", "frank"));

        // Text, metadata, timestamps, supersession, expiration and history are untouched.
        var after = await store.GetManyAsync(engineA.ProjectId, ids);
        foreach (var item in before)
        {
            var same = after.Single(m => m.Id == item.Id);
            Assert.Equal(item.Memory, same.Memory);
            Assert.Equal(item.Hash, same.Hash);
            Assert.Equal(MemoryMetadata.ToJson(item.Metadata), MemoryMetadata.ToJson(same.Metadata));
            Assert.Equal(item.UpdatedAt, same.UpdatedAt);
            Assert.Equal(item.CreatedAt, same.CreatedAt);
            Assert.Equal(item.SupersededBy, same.SupersededBy);
            Assert.Equal(item.ExpirationDate, same.ExpirationDate);
        }

        Assert.Equal(historyBefore, await store.GetHistoryAsync(engineA.ProjectId, carol));

        // Another store over the file (a restart) agrees, and a rerun has nothing to do.
        var reopened = _database.Open();
        var rerun = await Engine(reopened, new HashingEmbeddingGenerator(new HashingEmbeddingOptions { Dimensions = 256 })).ReindexAsync();
        Assert.True(rerun.IsNoOp);
        Assert.Equal(6, rerun.Skipped);
        Assert.Equal(carol, Assert.Single(await reopened.SearchVectorsAsync(new MemoryQuery { ProjectId = engineA.ProjectId }, query, ModelB, 1)).MemoryId);
    }

    [Fact]
    public async Task ReindexAsync_CancelledAfterTheFirstBatchThenRerun_ReembedsEachMemoryOnce()
    {
        var store = await _database.OpenInitializedAsync();
        var engineA = Engine(store, new HashingEmbeddingGenerator());
        var texts = new[] { "Alice plays tennis", "Bob collects stamps", "Carol bakes bread", "Dave repairs bicycles", "Erin studies volcanoes" };
        foreach (var text in texts)
        {
            await AddAsync(engineA, text, "u");
        }

        using var interrupted = new CountingEmbeddingGenerator(new HashingEmbeddingGenerator(new HashingEmbeddingOptions { Dimensions = 256 }));
        using var cancellation = new CancellationTokenSource();
        var options = new VectorReindexOptions
        {
            BatchSize = 2,
            Progress = new InlineProgress(p =>
            {
                if (p.Reembedded > 0)
                {
                    cancellation.Cancel();
                }
            }),
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Engine(store, interrupted).ReindexAsync(options, cancellation.Token));

        var firstRun = interrupted.Texts.ToList();
        Assert.Equal(2, firstRun.Count);
        var status = await store.GetReindexStatusAsync(ModelB);
        Assert.Equal(new VectorReindexStatus(ModelA, 5, 3), status);
        await Assert.ThrowsAsync<EmbeddingMismatchException>(() => Engine(store, interrupted).SearchAsync(new SearchMemoriesRequest { Query = "bread", Scope = MemoryScope.ForUser("u") }));

        // The rerun, as a new process would: another store over the file.
        using var resumed = new CountingEmbeddingGenerator(new HashingEmbeddingGenerator(new HashingEmbeddingOptions { Dimensions = 256 }));
        var reopened = _database.Open();
        var result = await Engine(reopened, resumed).ReindexAsync(new VectorReindexOptions { BatchSize = 2 });

        Assert.Equal(3, result.Reembedded);
        Assert.Equal(2, result.Skipped);
        Assert.Equal(ModelA, result.PreviousEmbedder);
        Assert.Equal(3, resumed.Texts.Count);
        Assert.Equal(texts.Order(StringComparer.Ordinal), firstRun.Concat(resumed.Texts).Order(StringComparer.Ordinal));
        var query = (await new HashingEmbeddingGenerator(new HashingEmbeddingOptions { Dimensions = 256 }).GenerateAsync(["bakes bread"]))[0].Vector;
        var hit = Assert.Single(await reopened.SearchVectorsAsync(new MemoryQuery { ProjectId = "default" }, query, ModelB, 1));
        Assert.Equal("Carol bakes bread", (await reopened.GetAsync("default", hit.MemoryId))!.Memory);
    }

    [Fact]
    public async Task ReindexAsync_AMemoryUpdatedWhileItIsEmbedded_IsTakenAgainWithItsNewText()
    {
        var store = await _database.OpenInitializedAsync();
        var engineA = Engine(store, new HashingEmbeddingGenerator());
        var tennis = await AddAsync(engineA, "Alice plays tennis", "alice");
        await AddAsync(engineA, "Alice collects stamps", "alice");
        var updates = 0;

        // While the first batch is being embedded, another writer (still with embedder A) changes a memory of it.
        using var embedder = new CountingEmbeddingGenerator(
            new HashingEmbeddingGenerator(new HashingEmbeddingOptions { Dimensions = 256 }),
            async () =>
            {
                if (updates++ == 0)
                {
                    await engineA.UpdateAsync(new UpdateMemoryRequest { MemoryId = tennis, Text = "Alice plays golf" });
                }
            });
        var result = await Engine(store, embedder).ReindexAsync();

        Assert.Equal(2, result.Reembedded);
        Assert.Equal(["Alice collects stamps", "Alice plays golf", "Alice plays tennis"], embedder.Texts.Order(StringComparer.Ordinal));
        Assert.Equal(new VectorReindexStatus(ModelB, 2, 0), await store.GetReindexStatusAsync(ModelB));
        var query = (await new HashingEmbeddingGenerator(new HashingEmbeddingOptions { Dimensions = 256 }).GenerateAsync(["golf"]))[0].Vector;
        var hits = await store.SearchVectorsAsync(new MemoryQuery { ProjectId = "default" }, query, ModelB, 2);
        Assert.Equal(tennis, hits[0].MemoryId);
        Assert.True(hits[0].Score > 0.3, $"{hits[0].Score}");
    }

    [Fact]
    public async Task ReindexAsync_AMemoryThatChangesOnEveryPass_FailsWithAClearErrorAndKeepsTheOldEmbedder()
    {
        var store = await _database.OpenInitializedAsync();
        var engineA = Engine(store, new HashingEmbeddingGenerator());
        var id = await AddAsync(engineA, "Alice plays tennis", "alice");
        var version = 0;
        using var embedder = new CountingEmbeddingGenerator(
            new HashingEmbeddingGenerator(new HashingEmbeddingOptions { Dimensions = 256 }),
            async () => await engineA.UpdateAsync(new UpdateMemoryRequest { MemoryId = id, Text = $"Alice plays tennis {++version}" }));

        var error = await Assert.ThrowsAsync<EngramException>(() => Engine(store, embedder).ReindexAsync());

        Assert.Contains("kept changing", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, embedder.Texts.Count);
        Assert.Equal(ModelA, (await store.GetReindexStatusAsync(ModelB)).RecordedEmbedder);
    }

    [Fact]
    public async Task ReplaceVectorsAsync_ForAChangedOrUnknownMemory_ReplacesNothing()
    {
        var store = await _database.OpenInitializedAsync();
        var engine = Engine(store, new HashingEmbeddingGenerator());
        var id = await AddAsync(engine, "Alice plays tennis", "alice");
        var vector = new float[256];
        vector[0] = 1;

        var changed = await store.ReplaceVectorsAsync(ModelB, [new MemoryVectorReplacement(engine.ProjectId, id, "Alice played tennis", vector)]);
        var unknown = await store.ReplaceVectorsAsync(ModelB, [new MemoryVectorReplacement(engine.ProjectId, "missing", "Alice plays tennis", vector)]);

        Assert.Equal(0, changed);
        Assert.Equal(0, unknown);
        Assert.Equal(1, (await store.GetReindexStatusAsync(ModelB)).Stale);
        await Assert.ThrowsAsync<ArgumentException>(() => store.ReplaceVectorsAsync(ModelB, [new MemoryVectorReplacement(engine.ProjectId, id, "Alice plays tennis", new float[3])]));
    }

    private static MemoryEngine Engine(IMemoryStore store, IEmbeddingGenerator<string, Embedding<float>> embedder) =>
        new(store, embedder, new RuleBasedFactExtractor(), Options.Create(new MemoryOptions()));

    private static async Task<string> AddAsync(
        MemoryEngine engine, string text, string userId, IReadOnlyDictionary<string, System.Text.Json.JsonElement>? metadata = null, DateOnly? expiration = null)
    {
        var result = await engine.AddAsync(new AddMemoriesRequest
        {
            Messages = [MemoryMessage.User(text)],
            Scope = MemoryScope.ForUser(userId),
            Infer = false,
            Metadata = metadata,
            ExpirationDate = expiration,
        });
        return Assert.Single(result.Results).Id;
    }

    /// <summary>Runs each report on the caller's thread (unlike <see cref="Progress{T}"/>), so a test can cancel after a batch.</summary>
    private sealed class InlineProgress(Action<VectorReindexProgress> report) : IProgress<VectorReindexProgress>
    {
        public void Report(VectorReindexProgress value) => report(value);
    }

    /// <summary>A test-only embedder: the hashing embedder, recording every text it embeds.</summary>
    /// <remarks><paramref name="during"/>, when given, runs inside each call, before the vectors are made.</remarks>
    private sealed class CountingEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> inner, Func<Task>? during = null)
        : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner)
    {
        public List<string> Texts { get; } = [];

        public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
            IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            var list = values.ToList();
            lock (Texts)
            {
                Texts.AddRange(list);
            }

            if (during is not null)
            {
                await during();
            }

            return await base.GenerateAsync(list, options, cancellationToken);
        }
    }
}
