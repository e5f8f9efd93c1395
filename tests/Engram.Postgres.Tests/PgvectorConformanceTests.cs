using Engram.Testing.Conformance;

namespace Engram.Postgres.Tests;

/// <summary>The store conformance suite on PGlite with pgvector 0.8 (the HNSW path), over one connection.</summary>
[Collection(PgliteServerGroup.Name)]
public sealed class PgvectorConformanceTests(PgliteDatabase database) : MemoryStoreConformanceTests
{
    protected override IMemoryStore Store => database.Store;

    [Fact]
    public void VectorMode_WithPgvector_IsHnsw() => Assert.Equal(PostgresVectorMode.Pgvector, database.Store.VectorMode);
}
