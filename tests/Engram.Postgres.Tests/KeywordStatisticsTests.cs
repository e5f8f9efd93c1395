using Npgsql;

namespace Engram.Postgres.Tests;

/// <summary>
/// BM25's collection statistics (<c>keyword_terms</c>: document frequency per lexeme; <c>keyword_stats</c>: memory
/// count and token total per project) are kept by triggers: after every kind of write they equal a recount over
/// <c>memories</c>, an erased word leaves no row, and migration 4 fills them for a database written before it.
/// </summary>
[Collection(PostgresServerGroup.Name)]
public sealed class KeywordStatisticsTests(PostgresDatabase database)
{
    private const string Recount = """
        SELECT coalesce(string_agg(format('%s/%s=%s', project_id, lexeme, df), ' ' ORDER BY project_id, lexeme), '') FROM (
            SELECT m.project_id, l.lexeme, count(*) AS df
            FROM memories m CROSS JOIN LATERAL unnest(tsvector_to_array(m.lexical_tsv)) AS l(lexeme)
            GROUP BY m.project_id, l.lexeme) t;
        """;

    private const string Kept = """
        SELECT coalesce(string_agg(format('%s/%s=%s', project_id, lexeme, df), ' ' ORDER BY project_id, lexeme), '') FROM keyword_terms;
        """;

    private const string RecountTotals = """
        SELECT coalesce(string_agg(format('%s:%s:%s', project_id, n, tokens), ' ' ORDER BY project_id), '') FROM (
            SELECT project_id, count(*) AS n, sum(lexical_len) AS tokens FROM memories GROUP BY project_id) t;
        """;

    private const string KeptTotals = """
        SELECT coalesce(string_agg(format('%s:%s:%s', project_id, memory_count, token_total), ' ' ORDER BY project_id), '')
        FROM keyword_stats WHERE memory_count > 0;
        """;

    [Fact]
    public async Task EveryKindOfWrite_KeepsTheStatisticsEqualToARecount()
    {
        var connectionString = await database.Server.CreateDatabaseAsync();
        await using var store = new PostgresMemoryStore(new PostgresStoreOptions { ConnectionString = connectionString, VacuumAfterErasure = false });
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();

        async Task AssertConsistentAsync(string step)
        {
            Assert.True(await ScalarAsync(connection, Recount) == await ScalarAsync(connection, Kept), $"document frequencies after {step}");
            Assert.True(await ScalarAsync(connection, RecountTotals) == await ScalarAsync(connection, KeptTotals), $"totals after {step}");
        }

        await store.WriteAsync(Batch("p", inserts: [("a", "apple pie apple"), ("b", "banana bread"), ("c", "cherry pie")]));
        await store.WriteAsync(Batch("q", inserts: [("a", "apple tart"), ("z", "zucchini soup")]));
        await AssertConsistentAsync("inserts in two projects");
        Assert.Equal("p/apple=1 p/banana=1 p/bread=1 p/cherry=1 p/pie=2 q/apple=1 q/soup=1 q/tart=1 q/zucchini=1", await ScalarAsync(connection, Kept));

        await store.WriteAsync(Batch("p", updates: [("b", "banana split")]));
        await AssertConsistentAsync("an update of the text");

        await store.WriteAsync(new MemoryWriteBatch { ProjectId = "p", LexicalAppends = [new LexicalAppend("c", "plum pie")] });
        await AssertConsistentAsync("a lexical append");

        await store.WriteAsync(new MemoryWriteBatch { ProjectId = "p", LexicalRemovals = [new LexicalRemoval("c", ["plum", "pie"], ["cherry", "pie"])] });
        await AssertConsistentAsync("a lexical removal");

        await store.WriteAsync(new MemoryWriteBatch { ProjectId = "p", Supersessions = [new MemorySupersession("a", "c", TestRecords.T0)] });
        await AssertConsistentAsync("a supersession (no lexical change)");

        await store.WriteAsync(new MemoryWriteBatch { ProjectId = "p", Deletes = ["a"] });
        await AssertConsistentAsync("a delete");

        var receipt = await store.EraseAsync(new MemoryWriteBatch { ProjectId = "p", Deletes = ["b"] }, scope: null);
        Assert.Equal(["b"], receipt.MemoryIds);
        await AssertConsistentAsync("an erasure");
        Assert.Equal("0", await ScalarAsync(connection, "SELECT count(*)::text FROM keyword_terms WHERE lexeme IN ('banana', 'split');"));

        await store.ResetAsync("q");
        await AssertConsistentAsync("a reset of the other project");
        Assert.Equal("p/cherry=1 p/pie=1", await ScalarAsync(connection, Kept));

        // The search reads them: one memory left in p, so BM25's idf of "cherry" is ln((1 − 1 + 0.5) / (1 + 0.5)) < 0,
        // floored at 1e-6; it still matches.
        Assert.Equal(["c"], (await store.SearchKeywordsAsync(new MemoryQuery { ProjectId = "p" }, ["cherry"], 10)).Select(h => h.MemoryId));
    }

    [Fact]
    public async Task Migration4_FillsTheStatistics_ForADatabaseWrittenBeforeIt()
    {
        var connectionString = await database.Server.CreateDatabaseAsync();
        await using (var store = new PostgresMemoryStore(new PostgresStoreOptions { ConnectionString = connectionString }))
        {
            await store.WriteAsync(Batch("p", inserts: [("a", "apple pie"), ("b", "banana pie")]));
        }

        // What version 3 left: the memories, but no statistics tables and no triggers.
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await DropVersion4Async(connection);
        Assert.Equal("0", await ScalarAsync(connection, "SELECT count(*)::text FROM pg_tables WHERE tablename = 'keyword_terms';"));
        await using (var store = new PostgresMemoryStore(new PostgresStoreOptions { ConnectionString = connectionString }))
        {
            await store.InitializeAsync();
        }

        Assert.Equal("p/apple=1 p/banana=1 p/pie=2", await ScalarAsync(connection, Kept));
        Assert.Equal(await ScalarAsync(connection, RecountTotals), await ScalarAsync(connection, KeptTotals));
    }

    /// <summary>Turns a database back into schema version 3: migration 4's tables, functions and triggers dropped.</summary>
    internal static async Task DropVersion4Async(NpgsqlConnection connection)
    {
        await using var command = new NpgsqlCommand("""
            DROP TRIGGER memories_keyword_insert ON memories; DROP TRIGGER memories_keyword_update ON memories;
            DROP TRIGGER memories_keyword_delete ON memories; DROP FUNCTION engram_keyword_statistics();
            DROP TABLE keyword_terms; DROP TABLE keyword_stats; DELETE FROM engram_schema_version WHERE version >= 4;
            """, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static MemoryWriteBatch Batch(string project, (string Id, string Text)[]? inserts = null, (string Id, string Text)[]? updates = null) => new()
    {
        ProjectId = project,
        Inserts = [.. (inserts ?? []).Select(m => TestRecords.Memory(m.Id, m.Text))],
        Updates = [.. (updates ?? []).Select(m => TestRecords.Memory(m.Id, m.Text))],
    };

    private static async Task<string?> ScalarAsync(NpgsqlConnection connection, string sql) =>
        await TestRecords.ScalarAsync(connection, sql) as string;
}
