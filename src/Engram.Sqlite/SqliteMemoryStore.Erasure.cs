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
    /// events that produced it get an empty <c>messages</c> payload and blank result text; its webhook deliveries lose
    /// its text and categories; its feedback (with the reasons) and the exports holding it are deleted; the graph
    /// relations extracted from it are deleted; its entity links go with the row (cascade) and entities left without
    /// links are removed; the FTS5 index drops its terms (the table runs with FTS5 <c>secure-delete</c>). With a
    /// <paramref name="scope"/>, the scope's remaining raw messages go, its finished events' payloads lose their
    /// messages, scope identifiers and metadata, and exports whose filters name it are deleted. The receipt counts each
    /// kind.</para>
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
            WebhookDeliveriesRedacted = erasure.WebhookDeliveriesRedacted,
            FeedbackDeleted = erasure.FeedbackDeleted,
            RelationsRemoved = erasure.RelationsRemoved,
            EntitiesRemoved = erasure.EntitiesRemoved,
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
        // Per erased memory, in this order (the source messages first: the memory row still names them).
        private static readonly (Kind Kind, string Sql)[] PerMemory =
        [
            (Kind.Messages, """
                DELETE FROM messages WHERE project_id = @project AND id IN (
                    SELECT j.value FROM memories m, json_each(m.source_message_ids) j WHERE m.project_id = @project AND m.id = @id);
                """),
            (Kind.History, "UPDATE history SET old_memory = NULL, new_memory = NULL WHERE project_id = @project AND memory_id = @id AND (old_memory IS NOT NULL OR new_memory IS NOT NULL);"),
            (Kind.Events, $"""
                UPDATE events SET
                    payload = json_set(payload, '$.messages', json('[]')),
                    results = (SELECT json_group_array(CASE WHEN json_extract(j.value, '$.id') = @id
                        THEN json_remove(json_set(j.value, '$.memory', ''), '$.previous_memory') ELSE json(j.value) END) FROM json_each(events.results) j)
                WHERE {EventsOfMemory};
                """),
            // Exports that hold the memory: by the ids kept with them, or (exports stored before those) by id in the data.
            (Kind.Exports, """
                DELETE FROM exports WHERE project_id = @project
                    AND (EXISTS (SELECT 1 FROM json_each(exports.memory_ids) j WHERE j.value = @id) OR instr(data, @id) > 0);
                """),
            (Kind.EntityLinks, "SELECT count(*) FROM memory_entities me JOIN memories m ON m.seq = me.memory_seq WHERE m.project_id = @project AND m.id = @id;"),
            // Webhook deliveries (pending or done) that carry the memory's text or categories lose them.
            (Kind.Deliveries, """
                UPDATE webhook_outbox SET payload = json_set(payload, '$.event_details.data.memory', '')
                WHERE project_id = @project AND json_extract(payload, '$.event_details.id') = @id
                    AND coalesce(json_extract(payload, '$.event_details.data.memory'), '') <> '';
                """),
            (Kind.Deliveries, """
                UPDATE webhook_outbox SET payload = @blank_categorize
                WHERE project_id = @project AND json_extract(payload, '$.event_details.memory_id') = @id
                    AND coalesce(json_array_length(payload, '$.event_details.categories'), 0) > 0;
                """),
            (Kind.Feedback, "DELETE FROM feedback WHERE project_id = @project AND memory_id = @id;"),
            // What was learnt from the memory; relations it only invalidated keep its id in invalidated_by.
            (Kind.Relations, "DELETE FROM relations WHERE project_id = @project AND memory_id = @id;"),
        ];

        private enum Kind
        {
            Messages,
            History,
            Events,
            Exports,
            EntityLinks,
            Deliveries,
            Feedback,
            Relations,
        }

        public int HistoryEntriesRedacted { get; private set; }

        public int MessagesDeleted { get; private set; }

        public int EventsRedacted { get; private set; }

        public int EntityLinksRemoved { get; private set; }

        public int ExportsDeleted { get; private set; }

        public int WebhookDeliveriesRedacted { get; private set; }

        public int FeedbackDeleted { get; private set; }

        public int RelationsRemoved { get; private set; }

        public int EntitiesRemoved { get; private set; }

        public async Task EraseCopiesAsync(SqliteConnection connection, MemoryWriteBatch batch, CancellationToken cancellationToken)
        {
            if (batch.Deletes.Count > 0)
            {
                // Entities linked only to erased memories go with them (the writer removes them after the links).
                using var orphans = connection.CreateCommand();
                orphans.CommandText = """
                    SELECT count(DISTINCT me.entity_id) FROM memory_entities me JOIN memories m ON m.seq = me.memory_seq
                    WHERE m.project_id = @project AND me.project_id = @project AND m.id IN (SELECT value FROM json_each(@ids))
                        AND NOT EXISTS (SELECT 1 FROM memory_entities o JOIN memories om ON om.seq = o.memory_seq
                            WHERE o.entity_id = me.entity_id AND o.project_id = @project AND om.id NOT IN (SELECT value FROM json_each(@ids)));
                    """;
                orphans.Parameters.AddWithValue("@project", batch.ProjectId);
                orphans.Parameters.AddWithValue("@ids", SqliteValues.ToJsonArray(batch.Deletes));
                EntitiesRemoved += Convert.ToInt32(await orphans.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            }

            foreach (var id in batch.Deletes)
            {
                foreach (var (kind, sql) in PerMemory)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    using var command = connection.CreateCommand();
                    command.CommandText = sql;
                    command.Parameters.AddWithValue("@project", batch.ProjectId);
                    command.Parameters.AddWithValue("@id", id);
                    if (sql.Contains("@blank_categorize", StringComparison.Ordinal))
                    {
                        command.Parameters.AddWithValue("@blank_categorize", WebhookOutboxPayloads.CategorizePayload(id, []));
                    }

                    var count = sql.StartsWith("SELECT", StringComparison.Ordinal)
                        ? Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture)
                        : await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    Add(kind, count);
                }
            }

            if (scope is { IsEmpty: false })
            {
                await EraseScopeAsync(connection, batch.ProjectId, scope, cancellationToken).ConfigureAwait(false);
            }
        }

        private void Add(Kind kind, int count)
        {
            switch (kind)
            {
                case Kind.Messages: MessagesDeleted += count; break;
                case Kind.History: HistoryEntriesRedacted += count; break;
                case Kind.Events: EventsRedacted += count; break;
                case Kind.Exports: ExportsDeleted += count; break;
                case Kind.EntityLinks: EntityLinksRemoved += count; break;
                case Kind.Deliveries: WebhookDeliveriesRedacted += count; break;
                case Kind.Feedback: FeedbackDeleted += count; break;
                default: RelationsRemoved += count; break;
            }
        }

        // The scope's raw messages, its finished events (messages, identifiers and metadata of their payloads) and the
        // exports whose filters name it: exact match on every identifier the scope names.
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

            using (var events = connection.CreateCommand())
            {
                events.CommandText = "UPDATE events SET payload = json_remove(json_set(payload, '$.messages', json('[]')), '$.user_id', '$.agent_id', '$.app_id', '$.run_id', '$.metadata')"
                    + $" WHERE project_id = @project AND status NOT IN ('{StatusPending}', '{StatusRunning}') AND json_valid(payload)"
                    + string.Concat(named.Select(f => $" AND json_extract(payload, '$.{f.Column}') = @{f.Column}")) + ";";
                Bind(events, projectId, named);
                EventsRedacted += await events.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            // An export made with filters naming the scope holds its ids (and its memories): it goes (it can be made again).
            using var exports = connection.CreateCommand();
            exports.CommandText = "DELETE FROM exports WHERE project_id = @project AND json_valid(filters) AND ("
                + string.Join(" OR ", named.Select(f => $"EXISTS (SELECT 1 FROM json_tree(exports.filters) t WHERE t.type = 'text' AND t.atom = @{f.Column})")) + ");";
            Bind(exports, projectId, named);
            ExportsDeleted += await exports.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
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
