using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Engram.Sqlite;

/// <content>Erasure: deletes that also remove every copy of the text, then compact the files.</content>
public sealed partial class SqliteMemoryStore
{
    // Events whose results name the memory (json_each over the stored results array).
    private const string EventsOfMemory = """
        project_id = @project AND EXISTS (SELECT 1 FROM json_each(events.results) j WHERE json_extract(j.value, '$.id') = @id)
        """;

    /// <inheritdoc/>
    /// <remarks>
    /// <para>In the batch's transaction, before the rows go: history rows of each memory keep their event, time and
    /// actor but lose <c>old_memory</c>/<c>new_memory</c>; the memory's source messages are deleted; finished add
    /// events that produced it get an empty <c>messages</c> payload and blank result text, and so do its webhook deliveries
    /// (counted with the events); exports naming it are
    /// deleted; its entity links go with the row (cascade) and entities left without links are removed; the FTS5
    /// index drops its terms (the table runs with FTS5 <c>secure-delete</c>). With a <paramref name="scope"/>, the
    /// scope's remaining raw messages and the payloads of its events are erased too.</para>
    /// <para>Every connection runs with <c>PRAGMA secure_delete = ON</c>, so freed pages are zeroed; after the commit a
    /// <c>wal_checkpoint(TRUNCATE)</c> copies the pages into the database file and empties the WAL.
    /// <see cref="ErasureReceipt.Compacted"/> is <see langword="false"/> when a concurrent reader kept the checkpoint
    /// from finishing (the next erasure or checkpoint completes it).</para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="batch"/> is <see langword="null"/>.</exception>
    /// <exception cref="MemoryNotFoundException">A delete names an id that is not in the project.</exception>
    /// <exception cref="MemoryStoreException">SQLite failed; nothing was erased.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public async Task<ErasureReceipt> EraseAsync(MemoryWriteBatch batch, MemoryScope? scope, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var erasure = new Erasure(scope);
        await WriteCoreAsync(batch, erasure, cancellationToken).ConfigureAwait(false);
        // A reader in the middle of a snapshot keeps TRUNCATE from finishing; readers are short, so try a few times.
        var compacted = false;
        for (var attempt = 0; attempt < 10 && !compacted; attempt++)
        {
            if (attempt > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20 * attempt), _timeProvider, cancellationToken).ConfigureAwait(false);
            }

            compacted = await CheckpointAsync(cancellationToken).ConfigureAwait(false);
        }

        return new ErasureReceipt
        {
            MemoryIds = batch.Deletes,
            HistoryEntriesRedacted = erasure.HistoryEntriesRedacted,
            MessagesDeleted = erasure.MessagesDeleted,
            EventsRedacted = erasure.EventsRedacted,
            EntityLinksRemoved = erasure.EntityLinksRemoved,
            ExportsDeleted = erasure.ExportsDeleted,
            Compacted = compacted,
            ErasedAt = _timeProvider.GetUtcNow(),
        };
    }

    /// <summary>
    /// Runs <c>PRAGMA wal_checkpoint(TRUNCATE)</c> without waiting: a TRUNCATE checkpoint holds the write lock while it
    /// waits for readers, so with the connection's busy timeout it would keep other writers (event rows, other
    /// processes) waiting until theirs ran out ("database is locked"). With <c>busy_timeout = 0</c> it gives up at once
    /// when a reader is active, and the caller tries again shortly.
    /// </summary>
    /// <returns><see langword="true"/> when the whole WAL was copied back and truncated.</returns>
    private async Task<bool> CheckpointAsync(CancellationToken cancellationToken)
    {
        using var writeGate = await EnterWriteGateAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                await ScalarAsync(connection, "PRAGMA busy_timeout = 0;", cancellationToken).ConfigureAwait(false);
                try
                {
                    using var command = connection.CreateCommand();
                    command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
                    var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) && reader.GetInt64(0) == 0;
                    }
                }
                catch (SqliteException ex) when (ex.SqliteErrorCode is SQLitePCL.raw.SQLITE_BUSY or SQLitePCL.raw.SQLITE_LOCKED)
                {
                    return false;
                }
                finally
                {
                    // The connection goes back to the pool: restore its busy timeout (and the other connection settings).
                    using var restore = connection.CreateCommand();
                    restore.CommandText = _connectionPragmas;
                    await restore.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
                }
            }
        }
        catch (SqliteException ex)
        {
            throw Map(ex, "checkpoint");
        }
    }

    /// <summary>Turns on FTS5 <c>secure-delete</c> (SQLite ≥ 3.42) so deleted rows leave no terms in the index; idempotent.</summary>
    private static async Task EnableFullTextSecureDeleteAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await ScalarAsync(connection, "INSERT INTO memories_fts (memories_fts, rank) VALUES ('secure-delete', 1);", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The erasure steps of one batch and their counts; used by one writer on one connection.</summary>
    private sealed class Erasure(MemoryScope? scope)
    {
        public int HistoryEntriesRedacted { get; private set; }

        public int MessagesDeleted { get; private set; }

        public int EventsRedacted { get; private set; }

        public int EntityLinksRemoved { get; private set; }

        public int ExportsDeleted { get; private set; }

        public async Task EraseCopiesAsync(SqliteConnection connection, MemoryWriteBatch batch, CancellationToken cancellationToken)
        {
            string[] perMemory =
            [
                // Source messages first: the memory row still names them.
                """
                DELETE FROM messages WHERE project_id = @project AND id IN (
                    SELECT j.value FROM memories m, json_each(m.source_message_ids) j WHERE m.project_id = @project AND m.id = @id);
                """,
                "UPDATE history SET old_memory = NULL, new_memory = NULL WHERE project_id = @project AND memory_id = @id AND (old_memory IS NOT NULL OR new_memory IS NOT NULL);",
                $"""
                UPDATE events SET
                    payload = json_set(payload, '$.messages', json('[]')),
                    results = (SELECT json_group_array(CASE WHEN json_extract(j.value, '$.id') = @id
                        THEN json_remove(json_set(j.value, '$.memory', ''), '$.previous_memory') ELSE json(j.value) END) FROM json_each(events.results) j)
                WHERE {EventsOfMemory};
                """,
                "DELETE FROM exports WHERE project_id = @project AND instr(data, @id) > 0;",
                "SELECT count(*) FROM memory_entities me JOIN memories m ON m.seq = me.memory_seq WHERE m.project_id = @project AND m.id = @id;",
                // Webhook deliveries (pending or done) that carry the memory's text lose it.
                """
                UPDATE webhook_outbox SET payload = json_set(payload, '$.event_details.data.memory', '')
                WHERE project_id = @project AND json_extract(payload, '$.event_details.id') = @id
                    AND coalesce(json_extract(payload, '$.event_details.data.memory'), '') <> '';
                """,
            ];

            foreach (var id in batch.Deletes)
            {
                var counts = new int[perMemory.Length];
                for (var i = 0; i < perMemory.Length; i++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    using var command = connection.CreateCommand();
                    command.CommandText = perMemory[i];
                    command.Parameters.AddWithValue("@project", batch.ProjectId);
                    command.Parameters.AddWithValue("@id", id);
                    counts[i] = perMemory[i].StartsWith("SELECT", StringComparison.Ordinal)
                        ? Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture)
                        : await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                MessagesDeleted += counts[0];
                HistoryEntriesRedacted += counts[1];
                EventsRedacted += counts[2] + counts[5];
                ExportsDeleted += counts[3];
                EntityLinksRemoved += counts[4];
            }

            if (scope is { IsEmpty: false })
            {
                await EraseScopeAsync(connection, batch.ProjectId, scope, cancellationToken).ConfigureAwait(false);
            }
        }

        // The scope's raw messages and event payloads: exact match on every identifier the scope names.
        private async Task EraseScopeAsync(SqliteConnection connection, string projectId, MemoryScope memoryScope, CancellationToken cancellationToken)
        {
            (string Column, string? Value)[] fields =
            [
                ("user_id", memoryScope.UserId), ("agent_id", memoryScope.AgentId), ("app_id", memoryScope.AppId), ("run_id", memoryScope.RunId),
            ];
            var named = fields.Where(f => f.Value is not null).ToList();
            using (var messages = connection.CreateCommand())
            {
                messages.CommandText = "DELETE FROM messages WHERE project_id = @project"
                    + string.Concat(named.Select(f => $" AND {f.Column} = @{f.Column}")) + ";";
                Bind(messages, projectId, named);
                MessagesDeleted += await messages.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            using var events = connection.CreateCommand();
            events.CommandText = "UPDATE events SET payload = json_set(payload, '$.messages', json('[]')) WHERE project_id = @project"
                + $" AND status NOT IN ('{StatusPending}', '{StatusRunning}') AND json_valid(payload) AND json_array_length(payload, '$.messages') > 0"
                + string.Concat(named.Select(f => $" AND json_extract(payload, '$.{f.Column}') = @{f.Column}")) + ";";
            Bind(events, projectId, named);
            EventsRedacted += await events.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        private static void Bind(SqliteCommand command, string projectId, List<(string Column, string? Value)> named)
        {
            command.Parameters.AddWithValue("@project", projectId);
            foreach (var (column, value) in named)
            {
                command.Parameters.AddWithValue("@" + column, value);
            }
        }
    }
}
