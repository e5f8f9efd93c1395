namespace Engram.Testing.Conformance;

/// <summary>
/// Re-embedding (<see cref="IVectorReindexStore"/>). The recorded embedder is one per database, and the PostgreSQL suites
/// share one database between tests: these tests move it to another embedder and back to <see cref="Model"/> before they
/// end (tests of one collection run one at a time).
/// </summary>
public abstract partial class MemoryStoreConformanceTests
{
    private static readonly EmbeddingModel ReindexTarget = new("conformance-reindex", 4);

    private IVectorReindexStore Reindex => (IVectorReindexStore)Store;

    [Fact]
    public async Task Reindex_InPages_ReplacesVectorsAndSwitchesTheEmbedderOnlyWhenNoneIsStale()
    {
        await Insert(
            Record(Item("r1", "Alice plays tennis") with { Metadata = Meta("""{"sport":"tennis"}"""), Categories = ["sports"] }, Unit(1, 0, 0)),
            Record(Item("r2", "Bob plays chess"), Unit(0, 1, 0)),
            Record(Item("r3", "Carol reads novels") with { ExpirationDate = new DateOnly(2024, 12, 31) }, Unit(0, 0, 1)));
        await Store.WriteAsync(new MemoryWriteBatch
        {
            ProjectId = Project,
            Supersessions = [new MemorySupersession("r2", "r1", T0.AddDays(1))],
            History = [History("rh", "r1", MemoryEventType.Add, T0, null, "Alice plays tennis")],
        });
        var before = await Store.GetManyAsync(Project, ["r1", "r2", "r3"]);
        var historyBefore = await Store.GetHistoryAsync(Project, "r1");
        try
        {
            var status = await Reindex.GetReindexStatusAsync(ReindexTarget);
            Assert.Equal(Model, status.RecordedEmbedder);
            Assert.True(status.Stale >= 3);
            Assert.Equal(status.Memories, status.Stale);

            // One page done: the switch is refused and the target cannot search yet.
            var first = await Reindex.ListStaleVectorsAsync(ReindexTarget, 0, 2);
            Assert.Equal(2, first.Count);
            Assert.True(first[0].Position < first[1].Position);
            Assert.Equal(2, await Reindex.ReplaceVectorsAsync(ReindexTarget, first.Select(TargetVector).ToList()));
            Assert.False(await Reindex.TryRecordEmbedderAsync(ReindexTarget));
            Assert.Equal(status.Stale - 2, (await Reindex.GetReindexStatusAsync(ReindexTarget)).Stale);
            await Assert.ThrowsAsync<EmbeddingMismatchException>(() => Store.SearchVectorsAsync(Query(), Unit(0, 1, 0, 0), ReindexTarget, 3));

            // The rest, by keyset from the first page: done memories are never listed again.
            var rest = await ReindexRemainingAsync(ReindexTarget, first[^1].Position, 2, TargetVector);
            Assert.Equal(status.Stale - 2, rest.Count);
            Assert.Empty(rest.Select(m => (m.ProjectId, m.MemoryId)).Intersect(first.Select(m => (m.ProjectId, m.MemoryId))));
            Assert.Empty(await Reindex.ListStaleVectorsAsync(ReindexTarget, 0, 10));
            Assert.Equal(0, await Reindex.ReplaceVectorsAsync(ReindexTarget, [new MemoryVectorReplacement(Project, "r1", "Alice played golf", Unit(0, 0, 0, 1))]));
            Assert.True(await Reindex.TryRecordEmbedderAsync(ReindexTarget));
            Assert.True(await Reindex.TryRecordEmbedderAsync(ReindexTarget));
            Assert.Equal(new VectorReindexStatus(ReindexTarget, status.Memories, 0), await Reindex.GetReindexStatusAsync(ReindexTarget));

            // The target searches and writes; the old embedder is refused.
            var hits = await Store.SearchVectorsAsync(Query(), Unit(0, 1, 0, 0), ReindexTarget, 1);
            Assert.Equal("r2", Assert.Single(hits).MemoryId);
            Assert.Equal("r3", (await Store.SearchVectorsAsync(Query(), Unit(0, 0, 1, 0.1f), ReindexTarget, 1))[0].MemoryId);
            await Assert.ThrowsAsync<EmbeddingMismatchException>(() => Store.SearchVectorsAsync(Query(), Unit(1, 0, 0), Model, 3));
            await Assert.ThrowsAsync<EmbeddingMismatchException>(() => Insert(Record(Item("r4", "Dave rides bikes"), Unit(1, 1, 0))));
            await Insert(Record(Item("r4", "Dave rides bikes"), Unit(1, 1, 0)) with { Embedding = Unit(0, 0, 0, 1), EmbeddingModel = ReindexTarget });

            // Nothing else of the memories changed.
            var after = await Store.GetManyAsync(Project, ["r1", "r2", "r3"]);
            foreach (var item in before)
            {
                var same = after.Single(m => m.Id == item.Id);
                Assert.Equal(item.Memory, same.Memory);
                Assert.Equal(MemoryMetadata.ToJson(item.Metadata), MemoryMetadata.ToJson(same.Metadata));
                Assert.Equal(item.Categories, same.Categories);
                Assert.Equal(item.UpdatedAt, same.UpdatedAt);
                Assert.Equal(item.SupersededBy, same.SupersededBy);
                Assert.Equal(item.ExpirationDate, same.ExpirationDate);
            }

            Assert.Equal(historyBefore, await Store.GetHistoryAsync(Project, "r1"));
            Assert.Equal(["r1"], (await Store.SearchKeywordsAsync(Query(), ["tennis"], 5)).Select(h => h.MemoryId));
        }
        finally
        {
            await RestoreModelAsync();
        }
    }

    [Fact]
    public async Task Reindex_AVectorOfTheWrongLength_IsRejectedAndWritesNothing()
    {
        await Insert(Record(Item("w1", "Alice plays tennis"), Unit(1, 0, 0)), Record(Item("w2", "Bob plays chess"), Unit(0, 1, 0)));

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Reindex.ReplaceVectorsAsync(
            ReindexTarget,
            [new MemoryVectorReplacement(Project, "w1", "Alice plays tennis", Unit(1, 0, 0, 0)), new MemoryVectorReplacement(Project, "w2", "Bob plays chess", Unit(1, 0, 0))]));

        var status = await Reindex.GetReindexStatusAsync(ReindexTarget);
        Assert.Equal(status.Memories, status.Stale);
        Assert.Equal(Model, status.RecordedEmbedder);
    }

    /// <summary>Re-embeds every stale memory after <paramref name="after"/> in pages; returns what was listed.</summary>
    private async Task<List<StaleMemoryVector>> ReindexRemainingAsync(EmbeddingModel target, long after, int pageSize, Func<StaleMemoryVector, MemoryVectorReplacement> vector)
    {
        var listed = new List<StaleMemoryVector>();
        while (true)
        {
            var page = await Reindex.ListStaleVectorsAsync(target, after, pageSize);
            if (page.Count == 0)
            {
                return listed;
            }

            Assert.True(page.Count <= pageSize);
            Assert.True(page.All(m => m.Position > after));
            Assert.Equal(page.Count, await Reindex.ReplaceVectorsAsync(target, page.Select(vector).ToList()));
            listed.AddRange(page);
            after = page[^1].Position;
        }
    }

    /// <summary>Moves the database back to <see cref="Model"/>, for the tests that share it.</summary>
    private async Task RestoreModelAsync()
    {
        await ReindexRemainingAsync(Model, 0, 500, m => new MemoryVectorReplacement(m.ProjectId, m.MemoryId, m.Text, Unit(1, 1, 1)));
        Assert.True(await Reindex.TryRecordEmbedderAsync(Model));
    }

    /// <summary>The target's vector of a memory: one axis per memory of this test, the last axis for other tests' memories.</summary>
    private MemoryVectorReplacement TargetVector(StaleMemoryVector memory)
    {
        var axis = memory.ProjectId == Project ? memory.MemoryId switch { "r1" => 0, "r2" => 1, "r3" => 2, _ => 3 } : 3;
        var vector = new float[ReindexTarget.Dimensions];
        vector[axis] = 1;
        return new MemoryVectorReplacement(memory.ProjectId, memory.MemoryId, memory.Text, vector);
    }
}
