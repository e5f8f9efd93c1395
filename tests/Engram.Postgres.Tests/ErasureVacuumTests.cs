using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit.Abstractions;

namespace Engram.Postgres.Tests;

/// <summary>
/// What an erasure leaves in the PostgreSQL database: live rows are checked through SQL (every column of every table,
/// as row text), the pages themselves — heap, TOAST and index pages, read with <c>pageinspect</c>'s
/// <c>get_raw_page</c> after a checkpoint — byte by byte. The erased memory is written between kept ones (or last), so
/// that the pages do not simply empty (and get truncated) when it goes. The page findings are the figures quoted in
/// docs/deployment.md.
/// </summary>
[Collection(PostgresServerGroup.Name)]
public sealed class ErasureVacuumTests(PostgresDatabase database, ITestOutputHelper output)
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(false, false, false)]
    [InlineData(true, false, false)]
    [InlineData(true, false, true)]
    [InlineData(true, true, true)]
    public async Task Erase_LeavesNoLiveRowWithTheText_AndVacuumFullNoPageWithIt(bool vacuum, bool full, bool last)
    {
        var connectionString = await database.Server.CreateDatabaseAsync();
        await using var store = new PostgresMemoryStore(new PostgresStoreOptions { ConnectionString = connectionString, VacuumAfterErasure = vacuum, FullVacuumAfterErasure = full });
        await store.InitializeAsync();
        var secret = "Qwxzyplonk" + Guid.NewGuid().ToString("N")[..8];
        await store.CreateWebhookAsync(new Webhook { ProjectId = "p", Name = "w", Url = "http://127.0.0.1:9/", EventTypes = WebhookEventTypes.All, Secret = "s", CreatedAt = T0, UpdatedAt = T0 });
        await store.WriteAsync(Batch("keep", "Kept words stay here"));
        if (!last)
        {
            await store.WriteAsync(Batch("gone", $"Fact {secret}"));
        }

        await store.WriteAsync(Batch("keep2", "More kept words"));
        if (last)
        {
            await store.WriteAsync(Batch("gone", $"Fact {secret}"));
        }


        var receipt = await store.EraseAsync(new MemoryWriteBatch { ProjectId = "p", Deletes = ["gone"] }, MemoryScope.ForUser("other"));

        Assert.Equal(full, receipt.Compacted);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        Assert.Empty(await LiveRowsWithAsync(connection, secret));
        Assert.NotEmpty(await LiveRowsWithAsync(connection, "Kept words"));
        var pages = await PagesWithAsync(connection, secret);
        output.WriteLine($"vacuum={vacuum} full={full} last={last}: {string.Join(", ", pages)}");
        if (full)
        {
            // VACUUM FULL rewrote the tables and their indexes: no page holds the text.
            Assert.Empty(pages);
        }
        else if (!vacuum)
        {
            // The old row versions (dead tuples) are still in the table pages.
            Assert.Contains("memories (r)", pages);
            Assert.Contains("history (r)", pages);
        }
        else if (!last)
        {
            // VACUUM removed the versions and later rows were moved over their bytes; the GIN index keeps the lexeme. The
            // keyword statistics' page may keep it in freed space too (it does in some runs and not in others).
            Assert.Contains("ix_memories_lexical (i)", pages);
            Assert.Subset(new HashSet<string> { "ix_memories_lexical (i)", "keyword_terms (r)" }, pages.ToHashSet());
        }
        else
        {
            // The erased rows were the last written on their pages: VACUUM freed their space without zeroing it.
            Assert.Contains("memories (r)", pages);
        }
    }

    [Fact]
    public async Task FullVacuum_FromConfiguration_IsReportedCompacted_AndNotForATableItDoesNotOwn()
    {
        var connectionString = await database.Server.CreateDatabaseAsync();
        var services = new ServiceCollection();
        services.AddEngram().TryAddConfiguredPostgresStore(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Engram:Store:Provider"] = "postgres",
            ["Engram:Store:ConnectionString"] = connectionString,
            ["Engram:Store:Postgres:FullVacuumAfterErasure"] = "true",
        }).Build());
        await using var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<PostgresMemoryStore>();
        await store.WriteAsync(Batch("gone", "Fact to erase"));

        Assert.True((await store.EraseAsync(new MemoryWriteBatch { ProjectId = "p", Deletes = ["gone"] }, scope: null)).Compacted);

        // A role that does not own the tables: PostgreSQL skips them with a warning, and the receipt says so.
        await using (var admin = new NpgsqlConnection(connectionString))
        {
            await admin.OpenAsync();
            await using var grant = new NpgsqlCommand("""
                CREATE ROLE engram_app LOGIN; GRANT ALL ON ALL TABLES IN SCHEMA public TO engram_app;
                GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO engram_app; GRANT USAGE, CREATE ON SCHEMA public TO engram_app;
                """, admin);
            await grant.ExecuteNonQueryAsync();
        }

        await using var app = new PostgresMemoryStore(new PostgresStoreOptions
        {
            ConnectionString = new NpgsqlConnectionStringBuilder(connectionString) { Username = "engram_app" }.ConnectionString,
            FullVacuumAfterErasure = true,
        });
        await app.WriteAsync(Batch("gone2", "Another fact"));
        var receipt = await app.EraseAsync(new MemoryWriteBatch { ProjectId = "p", Deletes = ["gone2"] }, scope: null);
        Assert.Equal(["gone2"], receipt.MemoryIds);
        Assert.False(receipt.Compacted);
    }

    private static MemoryWriteBatch Batch(string id, string text) => new()
    {
        ProjectId = "p",
        Messages = [new StoredMessage { Id = "msg-" + id, Scope = MemoryScope.ForUser("u"), Role = "user", Content = $"I said: {text}", ObservedAt = T0, CreatedAt = T0 }],
        Inserts =
        [
            new MemoryRecord
            {
                Item = new MemoryItem { Id = id, Memory = text, Hash = id, Scope = MemoryScope.ForUser("u"), CreatedAt = T0, UpdatedAt = T0, ObservedAt = T0, SourceMessageIds = ["msg-" + id] },
                LexicalText = text.ToLowerInvariant(),
                Entities = [new EntityMention(text.Split(' ')[^1].ToLowerInvariant(), text.Split(' ')[^1], "PROPER")],
            },
        ],
        History = [new MemoryHistoryEntry { Id = "h-" + id, MemoryId = id, Event = MemoryEventType.Add, NewMemory = text, CreatedAt = T0 }],
        Relations = [new GraphRelation { Scope = MemoryScope.ForUser("u"), Source = "u", Relationship = "said", Destination = text.Split(' ')[^1].ToLowerInvariant(), MemoryId = id, CreatedAt = T0 }],
    };

    /// <summary>The tables of the public schema with a live row whose text form contains <paramref name="text"/> (case-insensitive).</summary>
    private static async Task<List<string>> LiveRowsWithAsync(NpgsqlConnection connection, string text)
    {
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename;", connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var found = new List<string>();
        foreach (var table in tables)
        {
            await using var scan = new NpgsqlCommand($"SELECT count(*) FROM \"{table}\" t WHERE strpos(lower(t::text), lower(@text)) > 0;", connection);
            scan.Parameters.AddWithValue("text", text);
            if ((long)(await scan.ExecuteScalarAsync())! > 0)
            {
                found.Add(table);
            }
        }

        return found;
    }

    /// <summary>The relations (table, TOAST or index; kind in brackets) with a page whose bytes contain <paramref name="text"/> or its lower case.</summary>
    private static async Task<List<string>> PagesWithAsync(NpgsqlConnection connection, string text)
    {
        await using (var setup = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS pageinspect; CHECKPOINT;", connection))
        {
            await setup.ExecuteNonQueryAsync();
        }

        await using var scan = new NpgsqlCommand("""
            SELECT DISTINCT c.relname || ' (' || c.relkind::text || ')'
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            CROSS JOIN LATERAL generate_series(0, pg_relation_size(c.oid) / current_setting('block_size')::int - 1) AS b(blk)
            CROSS JOIN LATERAL (SELECT get_raw_page(c.oid::regclass::text, b.blk::int) AS page) p
            WHERE (n.nspname = 'public' OR (n.nspname = 'pg_toast' AND c.relname LIKE 'pg_toast_%'))
              AND c.relkind IN ('r', 't', 'i') AND c.relpersistence = 'p'
              AND (position(convert_to(@text, 'UTF8') IN p.page) > 0 OR position(convert_to(lower(@text), 'UTF8') IN p.page) > 0)
            ORDER BY 1;
            """, connection);
        scan.Parameters.AddWithValue("text", text);
        var found = new List<string>();
        await using var reader = await scan.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            found.Add(reader.GetString(0));
        }

        return found;
    }
}
