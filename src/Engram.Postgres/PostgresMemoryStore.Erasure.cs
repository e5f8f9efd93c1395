using System.Globalization;
using Npgsql;

namespace Engram.Postgres;

/// <content>Erasure: deletes that also remove every copy of the text, then a best-effort <c>VACUUM</c> of the touched tables.</content>
public sealed partial class PostgresMemoryStore
{
    /// <summary>The tables an erasure changes; <c>VACUUM</c>ed afterwards (with their TOAST tables and indexes).</summary>
    private const string ErasedTables = "memories, memory_entities, entities, history, messages, events, exports, webhook_outbox, relations, keyword_terms";

    /// <inheritdoc/>
    /// <remarks>
    /// <para>In the batch's transaction (under the project's advisory lock), before the rows go: history rows of each
    /// memory keep their event, time and actor but lose <c>old_memory</c>/<c>new_memory</c>; the memory's source
    /// messages are deleted; add events that produced it get an empty <c>messages</c> payload and blank result text,
    /// and its webhook deliveries get a blank <c>memory</c> (counted with the events); exports naming it are deleted;
    /// its entity links and graph relations go with the row and entities left without links are removed. With a
    /// <paramref name="scope"/>, the scope's remaining raw messages and the payloads of its finished events are erased too.
    /// The SQLite store does the same.</para>
    /// <para>PostgreSQL keeps the old row versions (dead tuples) in the table files until <c>VACUUM</c> removes them;
    /// removing them marks their space free without zeroing it, and index pages keep the words of removed entries
    /// (lexemes, entity keys) until the pages are reused. With <see cref="PostgresStoreOptions.VacuumAfterErasure"/>
    /// (the default) the store runs <c>VACUUM</c> on the touched tables after the commit, outside any transaction, so no
    /// old version stays readable; with <see cref="PostgresStoreOptions.FullVacuumAfterErasure"/> it runs
    /// <c>VACUUM FULL</c>, which rewrites the tables and their indexes into new files holding only live rows.
    /// <see cref="ErasureReceipt.Compacted"/> is <see langword="true"/> only after a completed <c>VACUUM FULL</c>.
    /// Neither removes versions a transaction still running may see, nor the copies in the write-ahead log or backups
    /// (see docs/deployment.md).</para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="batch"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The batch's project id is empty.</exception>
    /// <exception cref="MemoryNotFoundException">A delete names an id that is not in the project.</exception>
    /// <exception cref="MemoryStoreException">PostgreSQL failed; nothing was erased.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public async Task<ErasureReceipt> EraseAsync(MemoryWriteBatch batch, MemoryScope? scope, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var erasure = new Erasure(scope);
        await WriteCoreAsync(batch, erasure, cancellationToken).ConfigureAwait(false);
        var compacted = (_options.VacuumAfterErasure || _options.FullVacuumAfterErasure) && await TryVacuumAsync(cancellationToken).ConfigureAwait(false);
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
    /// Runs <c>VACUUM</c> (or, with <see cref="PostgresStoreOptions.FullVacuumAfterErasure"/>, <c>VACUUM FULL</c>) on
    /// <see cref="ErasedTables"/>, in autocommit (VACUUM cannot run in a transaction). Best effort: a failure (a lock or
    /// statement timeout) or a skipped table (PostgreSQL only warns when the role does not own it) is reported as
    /// <see langword="false"/>, never thrown: the erasure itself is already committed.
    /// </summary>
    /// <returns><see langword="true"/> when <c>VACUUM FULL</c> processed every table (see <see cref="ErasureReceipt.Compacted"/>).</returns>
    private async Task<bool> TryVacuumAsync(CancellationToken cancellationToken)
    {
        try
        {
            var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var skipped = false;
                connection.Notice += (_, e) => skipped |= e.Notice.InvariantSeverity == "WARNING";
                await ExecuteAsync(connection, $"VACUUM {(_options.FullVacuumAfterErasure ? "FULL " : string.Empty)}{ErasedTables};", cancellationToken).ConfigureAwait(false);
                return _options.FullVacuumAfterErasure && !skipped;
            }
        }
        catch (NpgsqlException)
        {
            return false;
        }
    }

    /// <summary>The erasure steps of one batch and their counts; used by one writer on one connection.</summary>
    private sealed class Erasure(MemoryScope? scope)
    {
        // Per erased memory, in this order (the source messages first: the memory row still names them).
        private static readonly string[] PerMemory =
        [
            """
            DELETE FROM messages WHERE project_id = @project AND id IN (
                SELECT jsonb_array_elements_text(m.source_message_ids) FROM memories m WHERE m.project_id = @project AND m.id = @id);
            """,
            """
            UPDATE history SET old_memory = NULL, new_memory = NULL
            WHERE project_id = @project AND memory_id = @id AND (old_memory IS NOT NULL OR new_memory IS NOT NULL);
            """,
            """
            UPDATE events SET
                payload = jsonb_set(payload::jsonb, '{messages}', '[]'::jsonb)::text,
                results = (SELECT coalesce(jsonb_agg(CASE WHEN j.value ->> 'id' = @id
                    THEN jsonb_set(j.value, '{memory}', '""'::jsonb) - 'previous_memory' ELSE j.value END ORDER BY j.ordinality), '[]'::jsonb)::text
                    FROM jsonb_array_elements(events.results::jsonb) WITH ORDINALITY j)
            WHERE project_id = @project AND results::jsonb @> jsonb_build_array(jsonb_build_object('id', @id));
            """,
            "DELETE FROM exports WHERE project_id = @project AND strpos(data, @id) > 0;",
            "SELECT count(*) FROM memory_entities me JOIN memories m ON m.seq = me.memory_seq WHERE m.project_id = @project AND me.project_id = @project AND m.id = @id;",
            // Webhook deliveries (pending or done) that carry the memory's text lose it; the new payload is the one the
            // outbox writes for an empty text, byte for byte (as SQLite's json_set leaves it).
            """
            UPDATE webhook_outbox SET payload = CASE payload::jsonb #>> '{event_details,event}' WHEN 'ADD' THEN @blank_add WHEN 'UPDATE' THEN @blank_update ELSE @blank_delete END
            WHERE project_id = @project AND payload::jsonb #>> '{event_details,id}' = @id
                AND coalesce(payload::jsonb #>> '{event_details,data,memory}', '') <> '';
            """,
        ];

        public int HistoryEntriesRedacted { get; private set; }

        public int MessagesDeleted { get; private set; }

        public int EventsRedacted { get; private set; }

        public int EntityLinksRemoved { get; private set; }

        public int ExportsDeleted { get; private set; }

        public async Task EraseCopiesAsync(NpgsqlConnection connection, MemoryWriteBatch batch, CancellationToken cancellationToken)
        {
            foreach (var id in batch.Deletes)
            {
                var counts = new int[PerMemory.Length];
                for (var i = 0; i < PerMemory.Length; i++)
                {
                    using var command = new NpgsqlCommand(PerMemory[i], connection);
                    command.Parameters.Add(PostgresValues.Text("project", batch.ProjectId));
                    command.Parameters.Add(PostgresValues.Text("id", id));
                    if (PerMemory[i].Contains("@blank_add", StringComparison.Ordinal))
                    {
                        command.Parameters.Add(PostgresValues.Text("blank_add", WebhookOutboxPayloads.ChangePayload(id, string.Empty, MemoryEventTypeNames.ToName(MemoryEventType.Add))));
                        command.Parameters.Add(PostgresValues.Text("blank_update", WebhookOutboxPayloads.ChangePayload(id, string.Empty, MemoryEventTypeNames.ToName(MemoryEventType.Update))));
                        command.Parameters.Add(PostgresValues.Text("blank_delete", WebhookOutboxPayloads.ChangePayload(id, string.Empty, MemoryEventTypeNames.ToName(MemoryEventType.Delete))));
                    }

                    counts[i] = PerMemory[i].StartsWith("SELECT", StringComparison.Ordinal)
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

        // The scope's raw messages and finished events' payloads: exact match on every identifier the scope names.
        private async Task EraseScopeAsync(NpgsqlConnection connection, string projectId, MemoryScope memoryScope, CancellationToken cancellationToken)
        {
            (string Column, string? Value)[] fields =
            [
                ("user_id", memoryScope.UserId), ("agent_id", memoryScope.AgentId), ("app_id", memoryScope.AppId), ("run_id", memoryScope.RunId),
            ];
            var named = fields.Where(f => f.Value is not null).ToList();
            using (var messages = new NpgsqlCommand(
                "DELETE FROM messages WHERE project_id = @project" + string.Concat(named.Select(f => $" AND {f.Column} = @{f.Column}")) + ";", connection))
            {
                Bind(messages, projectId, named);
                MessagesDeleted += await messages.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            using var events = new NpgsqlCommand(
                "UPDATE events SET payload = jsonb_set(payload::jsonb, '{messages}', '[]'::jsonb)::text WHERE project_id = @project"
                + $" AND status NOT IN ('{StatusPending}', '{StatusRunning}')"
                + " AND CASE WHEN jsonb_typeof(payload::jsonb -> 'messages') = 'array' THEN jsonb_array_length(payload::jsonb -> 'messages') ELSE 0 END > 0"
                + string.Concat(named.Select(f => $" AND payload::jsonb ->> '{f.Column}' = @{f.Column}")) + ";",
                connection);
            Bind(events, projectId, named);
            EventsRedacted += await events.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        private static void Bind(NpgsqlCommand command, string projectId, List<(string Column, string? Value)> named)
        {
            command.Parameters.Add(PostgresValues.Text("project", projectId));
            foreach (var (column, value) in named)
            {
                command.Parameters.Add(PostgresValues.Text(column, value));
            }
        }
    }
}
