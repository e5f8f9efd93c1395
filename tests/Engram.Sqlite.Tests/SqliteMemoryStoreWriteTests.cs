using static Engram.Sqlite.Tests.TestData;

namespace Engram.Sqlite.Tests;

public sealed class SqliteMemoryStoreWriteTests : IDisposable
{
    private readonly TestDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task WriteAsync_InsertThenGet_RoundTripsEveryField()
    {
        var store = await _db.OpenInitializedAsync();
        var item = new MemoryItem
        {
            Id = "0198c0de-0000-7000-8000-000000000001",
            Memory = "Alice moved to Lisbon in 2024 — «olá» 😀",
            Hash = "0123456789abcdef0123456789abcdef",
            Scope = new MemoryScope { UserId = "alice", AgentId = "agent-1", AppId = "app-1", RunId = "run-1" },
            Metadata = MemoryMetadata.Parse("""{"priority":2,"ratio":0.5,"urgent":true,"topic":"travel","tags":["a","b"],"nested":{"k":[1,2]},"none":null}"""),
            Categories = ["travel", "personal_details"],
            Role = "user",
            ActorId = "Alice",
            AttributedTo = "user",
            CreatedAt = new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.FromHours(2)).AddTicks(1234567),
            UpdatedAt = new DateTimeOffset(2024, 5, 7, 0, 0, 0, TimeSpan.Zero),
            ObservedAt = new DateTimeOffset(2024, 5, 1, 23, 59, 59, TimeSpan.FromHours(-5)),
            ExpirationDate = new DateOnly(2030, 12, 31),
            SupersededBy = "0198c0de-0000-7000-8000-000000000002",
            ValidTo = new DateTimeOffset(2024, 6, 1, 0, 0, 0, TimeSpan.Zero),
            SourceMessageIds = ["msg-2", "msg-1"],
        };

        await store.WriteAsync(Inserts(Record(item, Unit(1, 2, 3), [Entity("alice"), Entity("lisbon")])));
        var got = await store.GetAsync(Project, item.Id);
        var listed = Assert.Single((await store.ListAsync(Query(), 0, 10)).Items);

        foreach (var actual in new[] { got!, listed })
        {
            Assert.Equal(item.Id, actual.Id);
            Assert.Equal(item.Memory, actual.Memory);
            Assert.Equal(item.Hash, actual.Hash);
            Assert.Equal(item.Scope, actual.Scope);
            Assert.Equal(MemoryMetadata.ToJson(item.Metadata), MemoryMetadata.ToJson(actual.Metadata));
            Assert.Equal(item.Categories, actual.Categories);
            Assert.Equal(item.Role, actual.Role);
            Assert.Equal(item.ActorId, actual.ActorId);
            Assert.Equal(item.AttributedTo, actual.AttributedTo);
            Assert.Equal(item.CreatedAt, actual.CreatedAt);
            Assert.Equal(TimeSpan.Zero, actual.CreatedAt.Offset);
            Assert.Equal(item.UpdatedAt, actual.UpdatedAt);
            Assert.Equal(item.ObservedAt, actual.ObservedAt);
            Assert.Equal(item.ExpirationDate, actual.ExpirationDate);
            Assert.Equal(item.SupersededBy, actual.SupersededBy);
            Assert.Equal(item.ValidTo, actual.ValidTo);
            Assert.Equal(item.SourceMessageIds, actual.SourceMessageIds);
        }
    }

    [Fact]
    public async Task WriteAsync_InsertWithDefaults_RoundTripsNullsAndEmpties()
    {
        var store = await _db.OpenInitializedAsync();
        var item = Item("m1", "plain", MemoryScope.ForAgent("bot"));

        await store.WriteAsync(Inserts(Record(item)));
        var got = await store.GetAsync(Project, "m1");

        Assert.NotNull(got);
        Assert.Equal(item.Scope, got.Scope);
        Assert.Empty(got.Metadata);
        Assert.Empty(got.Categories);
        Assert.Empty(got.SourceMessageIds);
        Assert.Null(got.Role);
        Assert.Null(got.ExpirationDate);
        Assert.Null(got.SupersededBy);
        Assert.Null(got.ValidTo);
    }

    [Fact]
    public async Task WriteAsync_EmptyBatch_DoesNothing()
    {
        var store = _db.Open();

        await store.WriteAsync(new MemoryWriteBatch { ProjectId = Project });

        Assert.False(File.Exists(_db.Path));
    }

    [Fact]
    public async Task WriteAsync_UpdateWithEmptyEmbedding_KeepsStoredVector()
    {
        var store = await _db.OpenInitializedAsync();
        await store.WriteAsync(Inserts(Record("m1", "old text", vector: Unit(1, 0, 0))));

        var updated = Item("m1", "new text") with { UpdatedAt = T0.AddDays(1) };
        await store.WriteAsync(new MemoryWriteBatch { ProjectId = Project, Updates = [Record(updated)] });

        var hits = await store.SearchVectorsAsync(Query(), Unit(1, 0, 0), Model3, 5);
        var hit = Assert.Single(hits);
        Assert.Equal("m1", hit.MemoryId);
        Assert.Equal(1.0, hit.Score, 5);
        var got = await store.GetAsync(Project, "m1");
        Assert.Equal("new text", got!.Memory);
        Assert.Equal(T0.AddDays(1), got.UpdatedAt);
    }

    [Fact]
    public async Task WriteAsync_UpdateWithEmbedding_ReplacesVectorAndLexicalText()
    {
        var store = await _db.OpenInitializedAsync();
        await store.WriteAsync(Inserts(Record("m1", "coffee", vector: Unit(1, 0, 0))));

        await store.WriteAsync(new MemoryWriteBatch { ProjectId = Project, Updates = [Record("m1", "tea", vector: Unit(0, 1, 0))] });

        Assert.Equal("m1", Assert.Single(await store.SearchVectorsAsync(Query(), Unit(0, 1, 0), Model3, 1)).MemoryId);
        Assert.Equal(1.0, (await store.SearchVectorsAsync(Query(), Unit(0, 1, 0), Model3, 1))[0].Score, 5);
        Assert.Empty(await store.SearchKeywordsAsync(Query(), ["coffee"], 5));
        Assert.Equal("m1", Assert.Single(await store.SearchKeywordsAsync(Query(), ["tea"], 5)).MemoryId);
    }

    [Fact]
    public async Task WriteAsync_UpdateWithNullEntities_KeepsLinks_AndWithListReplacesThem()
    {
        var store = await _db.OpenInitializedAsync();
        await store.WriteAsync(Inserts(Record("m1", "alice in paris", entities: [Entity("alice"), Entity("paris")])));

        await store.WriteAsync(new MemoryWriteBatch { ProjectId = Project, Updates = [Record("m1", "alice in paris!")] });
        Assert.Equal(2, (await store.FindEntityLinksAsync(Query(), ["alice", "paris"], 10)).Count);

        await store.WriteAsync(new MemoryWriteBatch { ProjectId = Project, Updates = [Record("m1", "alice in rome", entities: [Entity("alice"), Entity("rome")])] });
        var links = await store.FindEntityLinksAsync(Query(), ["alice", "paris", "rome"], 10);

        Assert.Equal(["alice", "rome"], links.Select(l => l.EntityKey).Order(StringComparer.Ordinal));
        Assert.Equal(0L, _db.Scalar("SELECT count(*) FROM entities WHERE entity_key = 'paris';"));
    }

    [Fact]
    public async Task WriteAsync_Delete_RemovesRowKeywordIndexAndLinks()
    {
        var store = await _db.OpenInitializedAsync();
        await store.WriteAsync(Inserts(
            Record("m1", "espresso lover", vector: Unit(1, 0, 0), entities: [Entity("espresso")]),
            Record("m2", "espresso hater", vector: Unit(0, 1, 0), entities: [Entity("espresso")])));

        await store.WriteAsync(new MemoryWriteBatch { ProjectId = Project, Deletes = ["m1"] });

        Assert.Null(await store.GetAsync(Project, "m1"));
        Assert.Equal(["m2"], (await store.SearchKeywordsAsync(Query(), ["espresso"], 10)).Select(h => h.MemoryId));
        Assert.Empty(await store.SearchKeywordsAsync(Query(), ["lover"], 10));
        Assert.Equal(["m2"], (await store.SearchVectorsAsync(Query(), Unit(1, 0, 0), Model3, 10)).Select(h => h.MemoryId));
        var link = Assert.Single(await store.FindEntityLinksAsync(Query(), ["espresso"], 10));
        Assert.Equal(new EntityLink("m2", "espresso", 1), link);
        Assert.Equal(1L, _db.Scalar("SELECT count(*) FROM memory_entities;"));
        Assert.Equal(["ok"], await store.CheckIntegrityAsync());
        Assert.Equal(0L, _db.Scalar("SELECT count(*) FROM memories_fts WHERE memories_fts MATCH 'lover';"));
    }

    [Fact]
    public async Task WriteAsync_DeleteLastLink_RemovesOrphanEntity()
    {
        var store = await _db.OpenInitializedAsync();
        await store.WriteAsync(Inserts(Record("m1", "x", entities: [Entity("solo")])));

        await store.WriteAsync(new MemoryWriteBatch { ProjectId = Project, Deletes = ["m1"] });

        Assert.Equal(0L, _db.Scalar("SELECT count(*) FROM entities;"));
    }

    [Fact]
    public async Task WriteAsync_Supersession_SetsSupersededByAndValidTo_KeepsUpdatedAt()
    {
        var store = await _db.OpenInitializedAsync();
        await store.WriteAsync(Inserts(Record("old", "lives in paris"), Record("new", "lives in rome")));
        var validTo = new DateTimeOffset(2025, 3, 4, 5, 6, 7, TimeSpan.Zero);

        await store.WriteAsync(new MemoryWriteBatch { ProjectId = Project, Supersessions = [new MemorySupersession("old", "new", validTo)] });

        var old = await store.GetAsync(Project, "old");
        Assert.Equal("new", old!.SupersededBy);
        Assert.Equal(validTo, old.ValidTo);
        Assert.Equal(T0, old.UpdatedAt);
        var current = await store.ListAsync(Query() with { ExcludeSuperseded = true }, 0, 10);
        Assert.Equal(["new"], current.Items.Select(i => i.Id));
        Assert.Equal(2, (await store.ListAsync(Query(), 0, 10)).TotalCount);
        Assert.Equal(["new"], (await store.SearchKeywordsAsync(Query() with { ExcludeSuperseded = true }, ["lives"], 10)).Select(h => h.MemoryId));
    }

    [Fact]
    public async Task WriteAsync_UpdateOfUnknownIdAfterValidParts_ThrowsNotFoundAndWritesNothing()
    {
        var store = await _db.OpenInitializedAsync();
        await store.WriteAsync(Inserts(Record("existing", "before")));
        var batch = new MemoryWriteBatch
        {
            ProjectId = Project,
            Messages = [Message("msg1", MemoryScope.ForUser("alice"), "hi")],
            Inserts = [Record("m1", "first", vector: Unit(1, 0, 0), entities: [Entity("first")]), Record("m2", "second")],
            Updates = [Record("existing", "after"), Record("missing", "nope")],
            History = [History("h1", "m1", MemoryEventType.Add, T0, newMemory: "first")],
        };

        var ex = await Assert.ThrowsAsync<MemoryNotFoundException>(() => store.WriteAsync(batch));

        Assert.Equal("missing", ex.MemoryId);
        Assert.Equal(1, (await store.ListAsync(Query(), 0, 10)).TotalCount);
        Assert.Equal("before", (await store.GetAsync(Project, "existing"))!.Memory);
        Assert.Empty(await store.GetMessagesAsync(Project, ["msg1"]));
        Assert.Empty(await store.GetHistoryAsync(Project, "m1"));
        Assert.Empty(await store.SearchKeywordsAsync(Query(), ["first"], 10));
        Assert.Equal(0L, _db.Scalar("SELECT count(*) FROM entities;"));
        Assert.Equal(0L, _db.Scalar("SELECT count(*) FROM meta WHERE key = 'embedder_id';"));
    }

    [Fact]
    public async Task WriteAsync_DeleteOrSupersedeUnknownId_ThrowsNotFound()
    {
        var store = await _db.OpenInitializedAsync();
        await store.WriteAsync(Inserts(Record("m1", "text")));

        await Assert.ThrowsAsync<MemoryNotFoundException>(() => store.WriteAsync(new MemoryWriteBatch { ProjectId = Project, Deletes = ["m1", "nope"] }));
        await Assert.ThrowsAsync<MemoryNotFoundException>(() => store.WriteAsync(new MemoryWriteBatch
        {
            ProjectId = Project,
            Supersessions = [new MemorySupersession("nope", "m1", T0)],
        }));

        Assert.NotNull(await store.GetAsync(Project, "m1"));
    }

    [Fact]
    public async Task WriteAsync_DuplicateInsert_IsAValidationError_AndWritesNothing()
    {
        var store = await _db.OpenInitializedAsync();
        await store.WriteAsync(Inserts(Record("m1", "text")));

        var ex = await Assert.ThrowsAsync<MemoryValidationException>(() => store.WriteAsync(Inserts(Record("m2", "other"), Record("m1", "again"))));

        Assert.Equal("id", ex.ParameterName);
        Assert.IsType<Microsoft.Data.Sqlite.SqliteException>(ex.InnerException);
        Assert.Null(await store.GetAsync(Project, "m2"));
    }

    [Fact]
    public async Task WriteAsync_CancelledToken_ThrowsAndWritesNothing()
    {
        var store = await _db.OpenInitializedAsync();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.WriteAsync(Inserts(Record("m1", "text")), cts.Token));

        Assert.Null(await store.GetAsync(Project, "m1"));
    }

    [Fact]
    public async Task WriteAsync_VectorFromOtherEmbedder_ThrowsMismatchNamingBoth()
    {
        var store = await _db.OpenInitializedAsync();
        await store.WriteAsync(Inserts(Record("m1", "a", vector: Unit(1, 0, 0))));
        var other = Record("m2", "b") with { Embedding = Unit(0, 1, 0), EmbeddingModel = new EmbeddingModel("other-embedder", 3) };

        var ex = await Assert.ThrowsAsync<EmbeddingMismatchException>(() => store.WriteAsync(Inserts(other)));

        Assert.Equal("test-embedder", ex.StoredEmbedder);
        Assert.Equal(3, ex.StoredDimensions);
        Assert.Equal("other-embedder", ex.Embedder);
        Assert.Contains("test-embedder", ex.Message, StringComparison.Ordinal);
        Assert.Contains("other-embedder", ex.Message, StringComparison.Ordinal);
        Assert.Null(await store.GetAsync(Project, "m2"));
    }

    [Fact]
    public async Task WriteAsync_VectorOfOtherDimension_ThrowsMismatch()
    {
        var store = await _db.OpenInitializedAsync();
        await store.WriteAsync(Inserts(Record("m1", "a", vector: Unit(1, 0, 0))));

        var ex = await Assert.ThrowsAsync<EmbeddingMismatchException>(() => store.WriteAsync(Inserts(Record("m2", "b", vector: Unit(1, 0, 0, 0)))));

        Assert.Equal(3, ex.StoredDimensions);
        Assert.Equal(4, ex.Dimensions);
    }

    [Fact]
    public async Task WriteAsync_VectorLengthDiffersFromModel_ThrowsArgumentException()
    {
        var store = await _db.OpenInitializedAsync();
        var record = Record("m1", "a") with { Embedding = Unit(1, 0), EmbeddingModel = Model3 };

        await Assert.ThrowsAsync<ArgumentException>(() => store.WriteAsync(Inserts(record)));
        await Assert.ThrowsAsync<ArgumentException>(() => store.WriteAsync(Inserts(Record("m1", "a") with { Embedding = Unit(1, 0, 0) })));
    }

    [Fact]
    public async Task WriteAsync_FirstVector_RecordsEmbedderInMeta()
    {
        var store = await _db.OpenInitializedAsync();
        await store.WriteAsync(Inserts(Record("m0", "no vector")));
        Assert.Equal(0L, _db.Scalar("SELECT count(*) FROM meta WHERE key = 'embedder_id';"));

        await store.WriteAsync(Inserts(Record("m1", "a", vector: Unit(1, 0, 0))));

        Assert.Equal("test-embedder", _db.Scalar("SELECT value FROM meta WHERE key = 'embedder_id';"));
        Assert.Equal("3", _db.Scalar("SELECT value FROM meta WHERE key = 'embedder_dimensions';"));
    }

    [Fact]
    public async Task WriteAsync_StoresVectorAsFloat32LittleEndianBlob()
    {
        var store = await _db.OpenInitializedAsync();
        await store.WriteAsync(Inserts(Record("m1", "a", vector: [0.6f, 0.8f, 0f])));

        var blob = (byte[])_db.Scalar("SELECT embedding FROM memories WHERE id = 'm1';")!;

        Assert.Equal(12, blob.Length);
        Assert.Equal(0.6f, BitConverter.ToSingle(blob, 0));
        Assert.Equal(0.8f, BitConverter.ToSingle(blob, 4));
        Assert.Equal(3L, _db.Scalar("SELECT dims FROM memories WHERE id = 'm1';"));
        Assert.Equal("test-embedder", _db.Scalar("SELECT embedder FROM memories WHERE id = 'm1';"));
    }

    [Fact]
    public async Task WriteAsync_Timestamps_StoredAsFixedWidthUtcText()
    {
        var store = await _db.OpenInitializedAsync();
        var item = Item("m1", "a", createdAt: new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.FromHours(1)));

        await store.WriteAsync(Inserts(Record(item)));

        Assert.Equal("2024-01-02T02:04:05.0000000Z", _db.Scalar("SELECT created_at FROM memories;"));
    }

    [Fact]
    public async Task ResetAsync_OneProject_DeletesOnlyItsRows()
    {
        var store = await _db.OpenInitializedAsync();
        foreach (var project in new[] { "p1", "p2" })
        {
            await store.WriteAsync(new MemoryWriteBatch
            {
                ProjectId = project,
                Messages = [Message("msg1", MemoryScope.ForUser("alice"), "hi")],
                Inserts = [Record("m1", "hello world", vector: Unit(1, 0, 0), entities: [Entity("world")])],
                History = [History("h1", "m1", MemoryEventType.Add, T0, newMemory: "hello world")],
            });
        }

        await store.ResetAsync("p1");

        Assert.Null(await store.GetAsync("p1", "m1"));
        Assert.Empty(await store.GetHistoryAsync("p1", "m1"));
        Assert.Empty(await store.GetMessagesAsync("p1", ["msg1"]));
        Assert.Empty(await store.SearchKeywordsAsync(Query(), ["hello"], 5));
        Assert.NotNull(await store.GetAsync("p2", "m1"));
        Assert.Single(await store.GetHistoryAsync("p2", "m1"));
        Assert.Single(await store.GetMessagesAsync("p2", ["msg1"]));
        Assert.Single(await store.SearchKeywordsAsync(Query(project: "p2"), ["hello"], 5));
        Assert.Single(await store.SearchVectorsAsync(Query(project: "p2"), Unit(1, 0, 0), Model3, 5));
        Assert.Single(await store.FindEntityLinksAsync(Query(project: "p2"), ["world"], 5));
        Assert.Equal(1L, _db.Scalar("SELECT count(*) FROM entities;"));
        Assert.Equal(["ok"], await store.CheckIntegrityAsync());
    }

    [Fact]
    public async Task ResetAsync_LastVectorsGone_ForgetsEmbedder()
    {
        var store = await _db.OpenInitializedAsync();
        await store.WriteAsync(Inserts(Record("m1", "a", vector: Unit(1, 0, 0))));

        await store.ResetAsync(Project);
        await store.WriteAsync(Inserts(Record("m2", "b") with { Embedding = Unit(1, 0, 0, 0), EmbeddingModel = new EmbeddingModel("new-embedder", 4) }));

        Assert.Equal("new-embedder", _db.Scalar("SELECT value FROM meta WHERE key = 'embedder_id';"));
    }
}
