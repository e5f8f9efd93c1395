using Engram.Testing.Conformance;

namespace Engram.Postgres.Tests;

/// <summary>The store conformance suite on PostgreSQL 15 (no pgvector: the exact <c>real[]</c> fallback).</summary>
[Collection(PostgresServerGroup.Name)]
public sealed class PostgresConformanceTests(PostgresDatabase database) : MemoryStoreConformanceTests
{
    protected override IMemoryStore Store => database.Store;

    [Fact]
    public void VectorMode_WithoutPgvector_IsTheExactFallback() => Assert.Equal(PostgresVectorMode.ExactArray, database.Store.VectorMode);
}
