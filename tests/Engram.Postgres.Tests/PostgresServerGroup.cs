namespace Engram.Postgres.Tests;

[CollectionDefinition(Name)]
public sealed class PostgresServerGroup : ICollectionFixture<PostgresDatabase>
{
    public const string Name = "postgresql 15";
}
