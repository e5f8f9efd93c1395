using System.Globalization;
using Npgsql;

namespace Engram.Postgres;

/// <content>Erasure: deletes that also remove every copy of the text, then a best-effort <c>VACUUM</c> of the touched tables.</content>
public sealed partial class PostgresMemoryStore
{
    /// <summary>The tables an erasure changes; <c>VACUUM</c>ed afterwards (with their TOAST tables and indexes).</summary>
    private const string ErasedTables = "memories, memory_entities, entities, history, messages, events, exports, webhook_outbox, relations, feedback, keyword_terms";

    /// <inheritdoc/>
    /// <remarks>
    /// <para>In the batch's transaction (under the project's advisory lock), before the rows go: history rows of each
    /// memory keep their event, time and actor but lose <c>old_memory</c>/<c>new_memory</c>; the memory's source
    /// messages are deleted; add events that produced it get an empty <c>messages</c> payload and blank result text;
    /// its webhook deliveries lose its text and categories; its feedback and the exports holding it are deleted; its
    /// entity links and graph relations go with the row and entities left without links are removed. With a
    /// <paramref name="scope"/>, the scope's remaining raw messages go, its finished events' payloads lose their messages,
    /// scope identifiers and metadata, and exports whose filters name it are deleted. The receipt counts each kind. The
    /// SQLite store does the same.</para>
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
        private static readonly (Kind Kind, string Sql)[] PerMemory =
        [
            (Kind.Messages, """
                DELETE FROM messages WHERE project_id = @project AND id IN (
                    SELECT jsonb_array_elements_text(m.source_message_ids) FROM memories m WHERE m.project_id = @project AND m.id = @id);
                """),
            (Kind.History, """
                UPDATE history SET old_memory = NULL, new_memory = NULL
                WHERE project_id = @project AND memory_id = @id AND (old_memory IS NOT NULL OR new_memory IS NOT NULL);
                """),
            (Kind.Events, """
                UPDATE events SET
                    payload = jsonb_set(payload::jsonb, '{messages}', '[]'::jsonb)::text,
                    results = (SELECT coalesce(jsonb_agg(CASE WHEN j.value ->> 'id' = @id
                        THEN jsonb_set(j.value, '{memory}', '""'::jsonb) - 'previous_memory' ELSE j.value END ORDER BY j.ordinality), '[]'::jsonb)::text
                        FROM jsonb_array_elements(events.results::jsonb) WITH ORDINALITY j)
                WHERE project_id = @project AND results::jsonb @> jsonb_build_array(jsonb_build_object('id', @id));
                """),
            // Exports that hold the memory: by the ids kept with them, or (exports stored before those) by id in the data.
            (Kind.Exports, "DELETE FROM exports WHERE project_id = @project AND (memory_ids::jsonb ? @id OR strpos(data, @id) > 0);"),
            (Kind.EntityLinks, "SELECT count(*) FROM memory_entities me JOIN memories m ON m.seq = me.memory_seq WHERE m.project_id = @project AND me.project_id = @project AND m.id = @id;"),
            // Webhook deliveries (pending or done) that carry the memory's text or categories lose them; the new payload is
            // the one the outbox writes for an empty text or no categories, byte for byte (as SQLite's json_set leaves it).
            (Kind.Deliveries, """
                UPDATE webhook_outbox SET payload = CASE payload::jsonb #>> '{event_details,event}' WHEN 'ADD' THEN @blank_add WHEN 'UPDATE' THEN @blank_update ELSE @blank_delete END
                WHERE project_id = @project AND payload::jsonb #>> '{event_details,id}' = @id
                    AND coalesce(payload::jsonb #>> '{event_details,data,memory}', '') <> '';
                """),
            (Kind.Deliveries, """
                UPDATE webhook_outbox SET payload = @blank_categorize
                WHERE project_id = @project AND payload::jsonb #>> '{event_details,memory_id}' = @id
                    AND coalesce(jsonb_array_length(payload::jsonb #> '{event_details,categories}'), 0) > 0;
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

        public async Task EraseCopiesAsync(NpgsqlConnection connection, MemoryWriteBatch batch, CancellationToken cancellationToken)
        {
            if (batch.Deletes.Count > 0)
            {
                // Entities linked only to erased memories go with them (the writer removes them after the links).
                using var orphans = new NpgsqlCommand("""
                    SELECT count(DISTINCT me.entity_id) FROM memory_entities me JOIN memories m ON m.seq = me.memory_seq
                    WHERE m.project_id = @project AND me.project_id = @project AND m.id = ANY(@ids)
                        AND NOT EXISTS (SELECT 1 FROM memory_entities o JOIN memories om ON om.seq = o.memory_seq
                            WHERE o.entity_id = me.entity_id AND o.project_id = @project AND NOT (om.id = ANY(@ids)));
                    """, connection);
                orphans.Parameters.Add(PostgresValues.Text("project", batch.ProjectId));
                orphans.Parameters.Add(PostgresValues.TextArray("ids", batch.Deletes));
                EntitiesRemoved += Convert.ToInt32(await orphans.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            }

            foreach (var id in batch.Deletes)
            {
                foreach (var (kind, sql) in PerMemory)
                {
                    using var command = new NpgsqlCommand(sql, connection);
                    command.Parameters.Add(PostgresValues.Text("project", batch.ProjectId));
                    command.Parameters.Add(PostgresValues.Text("id", id));
                    if (sql.Contains("@blank_add", StringComparison.Ordinal))
                    {
                        command.Parameters.Add(PostgresValues.Text("blank_add", WebhookOutboxPayloads.ChangePayload(id, string.Empty, MemoryEventTypeNames.ToName(MemoryEventType.Add))));
                        command.Parameters.Add(PostgresValues.Text("blank_update", WebhookOutboxPayloads.ChangePayload(id, string.Empty, MemoryEventTypeNames.ToName(MemoryEventType.Update))));
                        command.Parameters.Add(PostgresValues.Text("blank_delete", WebhookOutboxPayloads.ChangePayload(id, string.Empty, MemoryEventTypeNames.ToName(MemoryEventType.Delete))));
                    }

                    if (sql.Contains("@blank_categorize", StringComparison.Ordinal))
                    {
                        command.Parameters.Add(PostgresValues.Text("blank_categorize", WebhookOutboxPayloads.CategorizePayload(id, [])));
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

            using (var events = new NpgsqlCommand(
                "UPDATE events SET payload = (jsonb_set(payload::jsonb, '{messages}', '[]'::jsonb) - 'user_id' - 'agent_id' - 'app_id' - 'run_id' - 'metadata')::text"
                + $" WHERE project_id = @project AND status NOT IN ('{StatusPending}', '{StatusRunning}') AND jsonb_typeof(payload::jsonb) = 'object'"
                + string.Concat(named.Select(f => $" AND payload::jsonb ->> '{f.Column}' = @{f.Column}")) + ";",
                connection))
            {
                Bind(events, projectId, named);
                EventsRedacted += await events.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            // An export made with filters naming the scope holds its ids (and its memories): it goes (it can be made again).
            using var exports = new NpgsqlCommand(
                "DELETE FROM exports WHERE project_id = @project AND ("
                + string.Join(" OR ", named.Select(f => $"jsonb_path_exists(filters::jsonb, '$.** ? (@ == $v)', jsonb_build_object('v', @{f.Column}::text))")) + ");",
                connection);
            Bind(exports, projectId, named);
            ExportsDeleted += await exports.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
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
