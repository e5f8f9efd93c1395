namespace Engram.Testing.Conformance;

/// <content>Lossless export reads (<see cref="IMemoryArchiveStore"/>): every kind of row streamed in storage order.</content>
public abstract partial class MemoryStoreConformanceTests
{
    private IMemoryArchiveStore Archive => (IMemoryArchiveStore)Store;

    [Fact]
    public async Task Archive_StreamsRecordsHistoryMessagesAndRelations_InStorageOrder()
    {
        await Store.WriteAsync(new MemoryWriteBatch
        {
            ProjectId = Project,
            Messages = [Message("msg-a", MemoryScope.ForUser("alice"), "I moved to Lisbon")],
            Inserts =
            [
                Record(Item("r1", "Alice lives in Lisbon"), Unit(1, 0, 0), [Entity("alice"), Entity("lisbon")]),
                Record(Item("r2", "Alice likes tea")),
                Record(Item("r3", "Soon deleted")),
            ],
            History =
            [
                History("a1", "r1", MemoryEventType.Add, T0, null, "Alice lives in Lisbon"),
                History("a2", "r2", MemoryEventType.Add, T0, null, "Alice likes tea"),
                History("a3", "r3", MemoryEventType.Add, T0, null, "Soon deleted"),
            ],
            Relations = [Relation("alice", "lives_in", "lisbon", "r1")],
        });
        await Store.WriteAsync(new MemoryWriteBatch
        {
            ProjectId = Project,
            Deletes = ["r3"],
            History = [History("a4", "r3", MemoryEventType.Delete, T0.AddMinutes(1), "Soon deleted", null)],
        });
        await Store.WriteAsync(new MemoryWriteBatch { ProjectId = "other-" + Project, Inserts = [Record(Item("x", "another project"))] });

        var records = await Collect(Archive.ReadRecordsAsync(Project, includeEmbeddings: true));
        Assert.Equal(["r1", "r2"], records.Select(r => r.Item.Id));
        Assert.Equal("alice lives in lisbon", records[0].LexicalText);
        Assert.Equal(Unit(1, 0, 0), records[0].Embedding.ToArray());
        Assert.Equal(new EmbeddingModel("conformance-embedder", 3), records[0].EmbeddingModel);
        Assert.Equal(["alice", "lisbon"], records[0].Entities!.Select(e => e.Key));
        Assert.True(records[1].Embedding.IsEmpty);
        Assert.Empty(records[1].Entities!);
        var withoutVectors = await Collect(Archive.ReadRecordsAsync(Project, includeEmbeddings: false));
        Assert.True(withoutVectors[0].Embedding.IsEmpty);
        Assert.Null(withoutVectors[0].EmbeddingModel);

        var history = await Collect(Archive.ReadHistoryAsync(Project));
        Assert.Equal(["a1", "a2", "a3", "a4"], history.Select(h => h.Id));
        Assert.Equal("Soon deleted", history[3].OldMemory);
        Assert.True(history[3].IsDeleted);
        Assert.Equal(["msg-a"], (await Collect(Archive.ReadMessagesAsync(Project))).Select(m => m.Id));
        var relation = Assert.Single(await Collect(Archive.ReadRelationsAsync(Project)));
        Assert.Equal(("alice", "lives_in", "lisbon", "r1"), (relation.Source, relation.Relationship, relation.Destination, relation.MemoryId));
    }

    [Fact]
    public async Task Archive_CrossesPageBoundaries_WithoutLosingOrRepeatingRows()
    {
        // More rows than one page of either store (500), in one batch.
        var count = 1001;
        await Store.WriteAsync(new MemoryWriteBatch
        {
            ProjectId = Project,
            Messages = [.. Enumerable.Range(0, count).Select(i => Message($"m{i:D4}", MemoryScope.ForUser("alice"), $"message {i}"))],
        });

        var messages = await Collect(Archive.ReadMessagesAsync(Project));
        Assert.Equal(Enumerable.Range(0, count).Select(i => $"m{i:D4}"), messages.Select(m => m.Id));
    }

    private static async Task<List<T>> Collect<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }
}
