namespace Engram.Postgres.Tests;

[CollectionDefinition(Name)]
public sealed class PgliteServerGroup : ICollectionFixture<PgliteDatabase>
{
    public const string Name = "pglite pgvector";
}
