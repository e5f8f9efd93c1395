using Npgsql;
using NpgsqlTypes;

namespace Engram.Postgres.Tests;

/// <summary>
/// Schema version 3 moves the fallback's vectors from <c>real[]</c> to <c>bytea</c> (float32 values in network byte
/// order): a database written by an older version opens with the same vectors, searched and exported exactly.
/// </summary>
[Collection(PostgresServerGroup.Name)]
public sealed class VectorStorageMigrationTests(PostgresDatabase database)
{
    private static readonly EmbeddingModel Model = new("migration-embedder", 3);

    [Fact]
    public async Task NewDatabase_StoresFallbackVectorsAsFloat32Bytes()
    {
        var connectionString = await database.Server.CreateDatabaseAsync();
        await using (var store = new PostgresMemoryStore(new PostgresStoreOptions { ConnectionString = connectionString }))
        {
            await store.InitializeAsync();
            await store.WriteAsync(new MemoryWriteBatch { ProjectId = "p", Inserts = [TestRecords.Memory("m1", "one", [0.6f, 0.8f, 0f], Model)] });
        }

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        Assert.Equal("bytea", await TestRecords.ScalarAsync(connection, "SELECT data_type FROM information_schema.columns WHERE table_name = 'memories' AND column_name = 'embedding';"));
        Assert.Equal("float4-bytea", await TestRecords.ScalarAsync(connection, "SELECT value FROM meta WHERE key = 'vector_mode';"));

        // float4send's layout: 0.6f is 0x3F19999A, big-endian.
        var bytes = (byte[])(await TestRecords.ScalarAsync(connection, "SELECT embedding FROM memories WHERE id = 'm1';"))!;
        Assert.Equal(12, bytes.Length);
        Assert.Equal(new byte[] { 0x3F, 0x19, 0x99, 0x9A }, bytes[..4]);
    }

    [Fact]
    public async Task Version2Database_WithRealArrayVectors_IsMigrated_AndSearchesAndExportsTheSameVectors()
    {
        var connectionString = await database.Server.CreateDatabaseAsync();
        float[] first = [0.6f, 0.8f, 0f], second = [0f, 0.28f, 0.96f];
        await using (var store = new PostgresMemoryStore(new PostgresStoreOptions { ConnectionString = connectionString }))
        {
            await store.InitializeAsync();
            await store.WriteAsync(new MemoryWriteBatch
            {
                ProjectId = "p",
                Inserts = [TestRecords.Memory("m1", "first memory", first, Model), TestRecords.Memory("m2", "second memory", second, Model), TestRecords.Memory("m3", "no vector", null, Model)],
            });
        }

        // Turn the database back into what schema version 2 wrote: a real[] column, the old mode name, no version 3.
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await KeywordStatisticsTests.DropVersion4Async(connection);
            await ExecuteAsync(connection, """
                ALTER TABLE memories DROP COLUMN embedding;
                ALTER TABLE memories ADD COLUMN embedding real[];
                DELETE FROM engram_schema_version WHERE version >= 3;
                UPDATE meta SET value = 'real[]' WHERE key = 'vector_mode';
                """);
            foreach (var (id, vector) in new[] { ("m1", first), ("m2", second) })
            {
                await using var update = new NpgsqlCommand("UPDATE memories SET embedding = @v WHERE id = @id;", connection);
                update.Parameters.Add(new NpgsqlParameter("v", NpgsqlDbType.Array | NpgsqlDbType.Real) { Value = vector });
                update.Parameters.Add(new NpgsqlParameter("id", id));
                await update.ExecuteNonQueryAsync();
            }
        }

        await using (var store = new PostgresMemoryStore(new PostgresStoreOptions { ConnectionString = connectionString }))
        {
            await store.InitializeAsync();
            Assert.Equal(PostgresVectorMode.ExactArray, store.VectorMode);

            var hits = await store.SearchVectorsAsync(new MemoryQuery { ProjectId = "p" }, second, Model, 10);
            Assert.Equal(["m2", "m1"], hits.Select(h => h.MemoryId));
            Assert.Equal(1.0, hits[0].Score, 6);
            Assert.Equal((0.8 * 0.28) + 0.0, hits[1].Score, 6);

            var records = new List<MemoryRecord>();
            await foreach (var record in ((IMemoryArchiveStore)store).ReadRecordsAsync("p", includeEmbeddings: true))
            {
                records.Add(record);
            }

            Assert.Equal(first, records.Single(r => r.Item.Id == "m1").Embedding.ToArray());
            Assert.Equal(second, records.Single(r => r.Item.Id == "m2").Embedding.ToArray());
            Assert.True(records.Single(r => r.Item.Id == "m3").Embedding.IsEmpty);
        }

        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            Assert.Equal("bytea", await TestRecords.ScalarAsync(connection, "SELECT data_type FROM information_schema.columns WHERE table_name = 'memories' AND column_name = 'embedding';"));
            Assert.Equal("float4-bytea", await TestRecords.ScalarAsync(connection, "SELECT value FROM meta WHERE key = 'vector_mode';"));
            Assert.Equal(PostgresSchema.CurrentVersion, Convert.ToInt32(await TestRecords.ScalarAsync(connection, "SELECT max(version) FROM engram_schema_version;"), System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
