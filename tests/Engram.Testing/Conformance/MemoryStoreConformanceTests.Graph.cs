namespace Engram.Testing.Conformance;

/// <content>The memory graph (<see cref="IGraphStore"/>): relations written and invalidated with a batch, read by scope and entity.</content>
public abstract partial class MemoryStoreConformanceTests
{
    private IGraphStore Graph => (IGraphStore)Store;

    [Fact]
    public async Task Graph_RelationsWrittenWithTheBatch_AreReadByScopeAndEntityNewestFirst()
    {
        var bob = MemoryScope.ForUser("bob");
        await Store.WriteAsync(new MemoryWriteBatch
        {
            ProjectId = Project,
            Inserts = [Record(Item("g1", "Alice lives in Lisbon")), Record(Item("g2", "Bob works at Acme", bob))],
            Relations =
            [
                Relation("alice", "lives_in", "lisbon", "g1"),
                Relation("alice", "likes", "tea", "g1"),
                Relation("bob", "works_at", "acme", "g2", bob),
            ],
        });

        var all = await Graph.GetRelationsAsync(Project, scope: null, entities: null, includeInvalidated: false, limit: 10);
        Assert.Equal(["acme", "tea", "lisbon"], all.Select(r => r.Destination));
        Assert.All(all, r => Assert.True(r.Id > 0));
        var lisbon = all.Single(r => r.Destination == "lisbon");
        Assert.Equal(("alice", "lives_in", "g1", MemoryScope.ForUser("alice"), T0), (lisbon.Source, lisbon.Relationship, lisbon.MemoryId, lisbon.Scope, lisbon.CreatedAt));
        Assert.Null(lisbon.InvalidatedAt);

        Assert.Equal(["acme"], (await Graph.GetRelationsAsync(Project, bob, null, false, 10)).Select(r => r.Destination));
        Assert.Equal(["tea", "lisbon"], (await Graph.GetRelationsAsync(Project, null, ["alice"], false, 10)).Select(r => r.Destination));
        Assert.Equal(["acme"], (await Graph.GetRelationsAsync(Project, null, ["acme", "nobody"], false, 10)).Select(r => r.Destination));
        Assert.Single(await Graph.GetRelationsAsync(Project, null, null, false, 1));
        Assert.Empty(await Graph.GetRelationsAsync(Project, null, [], false, 10));
        Assert.Empty(await Graph.GetRelationsAsync("other-" + Project, null, null, true, 10));
    }

    [Fact]
    public async Task Graph_MemoryRelations_AreThoseItSourcedAndThoseItInvalidated()
    {
        await Store.WriteAsync(new MemoryWriteBatch
        {
            ProjectId = Project,
            Inserts = [Record(Item("m1", "Alice lives in Lisbon")), Record(Item("m2", "Alice likes tea"))],
            Relations = [Relation("alice", "lives_in", "lisbon", "m1"), Relation("alice", "likes", "tea", "m2")],
        });
        var lisbon = (await Graph.GetRelationsAsync(Project, null, ["lisbon"], false, 10))[0];
        await Store.WriteAsync(new MemoryWriteBatch
        {
            ProjectId = Project,
            Inserts = [Record(Item("m3", "Alice lives in Porto"))],
            Relations = [Relation("alice", "lives_in", "porto", "m3")],
            RelationInvalidations = [new RelationInvalidation(lisbon.Id, T0.AddDays(1), "m3")],
        });

        Assert.Equal(["porto", "lisbon"], (await Graph.GetMemoryRelationsAsync(Project, ["m3"])).Select(r => r.Destination));
        Assert.Equal(["tea", "lisbon"], (await Graph.GetMemoryRelationsAsync(Project, ["m1", "m2", "nope"])).Select(r => r.Destination));
        Assert.Empty(await Graph.GetMemoryRelationsAsync(Project, []));
        Assert.Empty(await Graph.GetMemoryRelationsAsync("other-" + Project, ["m1", "m3"]));
    }

    [Fact]
    public async Task Graph_InvalidationKeepsTheRelation_DeleteAndResetRemoveIt()
    {
        await Store.WriteAsync(new MemoryWriteBatch
        {
            ProjectId = Project,
            Inserts = [Record(Item("old", "Alice lives in Lisbon"))],
            Relations = [Relation("alice", "lives_in", "lisbon", "old")],
        });
        var lisbon = Assert.Single(await Graph.GetRelationsAsync(Project, null, ["alice"], false, 10));

        await Store.WriteAsync(new MemoryWriteBatch
        {
            ProjectId = Project,
            Inserts = [Record(Item("new", "Alice lives in Porto"))],
            Relations = [Relation("alice", "lives_in", "porto", "new")],
            RelationInvalidations = [new RelationInvalidation(lisbon.Id, T0.AddDays(1), "new")],
        });

        Assert.Equal(["porto"], (await Graph.GetRelationsAsync(Project, null, ["alice"], false, 10)).Select(r => r.Destination));
        var both = await Graph.GetRelationsAsync(Project, null, ["alice"], includeInvalidated: true, 10);
        Assert.Equal(["porto", "lisbon"], both.Select(r => r.Destination));
        Assert.Equal(T0.AddDays(1), both[1].InvalidatedAt);
        Assert.Equal("new", both[1].InvalidatedByMemoryId);

        // A relation is removed with the memory it was learnt from; a failed batch writes none.
        await Store.WriteAsync(new MemoryWriteBatch { ProjectId = Project, Deletes = ["new"] });
        Assert.Equal(["lisbon"], (await Graph.GetRelationsAsync(Project, null, null, true, 10)).Select(r => r.Destination));
        await Assert.ThrowsAsync<MemoryNotFoundException>(() => Store.WriteAsync(new MemoryWriteBatch
        {
            ProjectId = Project,
            Relations = [Relation("alice", "likes", "tea", "old")],
            Deletes = ["missing"],
        }));
        Assert.Single(await Graph.GetRelationsAsync(Project, null, null, true, 10));

        await Store.ResetAsync(Project);
        Assert.Empty(await Graph.GetRelationsAsync(Project, null, null, true, 10));
    }

    private static GraphRelation Relation(string source, string relationship, string destination, string memoryId, MemoryScope? scope = null) => new()
    {
        Scope = scope ?? MemoryScope.ForUser("alice"),
        Source = source,
        Relationship = relationship,
        Destination = destination,
        MemoryId = memoryId,
        CreatedAt = T0,
    };
}
