using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;
using NpgsqlTypes;

namespace Engram.Postgres;

public sealed partial class PostgresMemoryStore
{
    private const string MetaEmbedderId = "embedder_id";
    private const string MetaEmbedderDimensions = "embedder_dimensions";

    private const string ItemColumns = """
        user_id, agent_id, app_id, run_id, memory, hash, metadata, categories, role, actor_id, attributed_to, created_at, updated_at,
        observed_at, expiration_date, superseded_by, valid_to, source_message_ids, lexical, lexical_len, immutable
        """;

    private const string ItemValues = """
        @user_id, @agent_id, @app_id, @run_id, @memory, @hash, @metadata, @categories, @role, @actor_id, @attributed_to, @created_at, @updated_at,
        @observed_at, @expiration_date, @superseded_by, @valid_to, @source_message_ids, @lexical, @lexical_len, @immutable
        """;

    /// <inheritdoc/>
    /// <remarks>
    /// One READ COMMITTED transaction holding the project's advisory lock: messages, inserts, updates, lexical appends and removals,
    /// supersessions, deletes, history, orphan-entity removal, graph relations (<see cref="IGraphStore"/>), webhook
    /// outbox entries (<see cref="IWebhookStore"/>) and the completed event, in that order. The first vector records the
    /// embedder (and, with pgvector, creates the HNSW index for its dimension).
    /// </remarks>
    /// <exception cref="MemoryValidationException">An insert, message or history entry names an id the project already has (or the batch names one twice); nothing was written.</exception>
    public Task WriteAsync(MemoryWriteBatch batch, CancellationToken cancellationToken = default) =>
        WriteCoreAsync(batch, erasure: null, cancellationToken);

    private async Task WriteCoreAsync(MemoryWriteBatch batch, Erasure? erasure, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentException.ThrowIfNullOrEmpty(batch.ProjectId, nameof(batch));
        var model = ValidateVectors(batch);
        if (batch.IsEmpty && erasure is null)
        {
            return;
        }

        await RunAsync(erasure is null ? "write" : "erase", write: true, async connection =>
        {
            await LockProjectAsync(connection, batch.ProjectId, cancellationToken).ConfigureAwait(false);
            if (model is not null)
            {
                await CheckEmbedderAsync(connection, model, record: true, cancellationToken).ConfigureAwait(false);
            }

            var writer = new BatchWriter(connection, batch.ProjectId, _vectorMode);
            await writer.WriteMessagesAsync(batch.Messages, cancellationToken).ConfigureAwait(false);
            await writer.InsertAsync(batch.Inserts, cancellationToken).ConfigureAwait(false);
            await writer.UpdateAsync(batch.Updates, cancellationToken).ConfigureAwait(false);
            await writer.AppendLexicalAsync(batch.LexicalAppends, cancellationToken).ConfigureAwait(false);
            await writer.RemoveLexicalAsync(batch.LexicalRemovals, cancellationToken).ConfigureAwait(false);
            await writer.SupersedeAsync(batch.Supersessions, cancellationToken).ConfigureAwait(false);
            if (erasure is not null)
            {
                await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                await erasure.EraseCopiesAsync(connection, batch, cancellationToken).ConfigureAwait(false);
            }

            await writer.DeleteAsync(batch.Deletes, cancellationToken).ConfigureAwait(false);
            await writer.WriteHistoryAsync(batch.History, cancellationToken).ConfigureAwait(false);
            await writer.RemoveOrphanEntitiesAsync(cancellationToken).ConfigureAwait(false);
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            await WriteRelationsAsync(connection, batch, cancellationToken).ConfigureAwait(false);
            await WriteWebhookOutboxAsync(connection, batch, cancellationToken).ConfigureAwait(false);
            await CompleteBatchEventAsync(connection, batch, cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task ResetAsync(string projectId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        return RunAsync("reset", write: true, async connection =>
        {
            await LockProjectAsync(connection, projectId, cancellationToken).ConfigureAwait(false);
            string[] statements =
            [
                "DELETE FROM memory_entities WHERE project_id = @project;",
                "DELETE FROM entities WHERE project_id = @project;",
                "DELETE FROM memories WHERE project_id = @project;",
                "DELETE FROM history WHERE project_id = @project;",
                "DELETE FROM messages WHERE project_id = @project;",
                "DELETE FROM relations WHERE project_id = @project;",
            ];
            foreach (var sql in statements)
            {
                using var command = new NpgsqlCommand(sql, connection);
                command.Parameters.Add(PostgresValues.Text("project", projectId));
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            // The embedder is recorded for the whole database (as on SQLite): forgotten once no vector is left.
            await ExecuteAsync(
                connection,
                $"DELETE FROM meta WHERE key IN ('{MetaEmbedderId}', '{MetaEmbedderDimensions}') AND NOT EXISTS (SELECT 1 FROM memories WHERE embedding IS NOT NULL);",
                cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <summary>A parameter reference in statement text (<c>@name</c>).</summary>
    [GeneratedRegex("@[a-z_]+")]
    private static partial Regex ParameterName();

    private static EmbeddingModel? ValidateVectors(MemoryWriteBatch batch)
    {
        EmbeddingModel? model = null;
        foreach (var record in batch.Inserts.Concat(batch.Updates))
        {
            ArgumentNullException.ThrowIfNull(record, nameof(batch));
            ArgumentNullException.ThrowIfNull(record.Item, nameof(batch));
            if (record.Embedding.IsEmpty)
            {
                continue;
            }

            var current = record.EmbeddingModel
                ?? throw new ArgumentException($"Memory '{record.Item.Id}' has a vector but no embedding model.", nameof(batch));
            if (current.Dimensions != record.Embedding.Length)
            {
                throw new ArgumentException(
                    $"Memory '{record.Item.Id}' has a vector of {record.Embedding.Length} dimensions, but its model '{current.Id}' declares {current.Dimensions}.",
                    nameof(batch));
            }

            if (model is null)
            {
                model = current;
            }
            else if (model != current)
            {
                throw new EmbeddingMismatchException(model.Id, model.Dimensions, current.Id, current.Dimensions);
            }
        }

        return model;
    }

    /// <summary>Compares <paramref name="model"/> with the recorded embedder; records it (and its HNSW index) when none is and <paramref name="record"/>.</summary>
    /// <returns><see langword="true"/> when an embedder is recorded (and equals the model).</returns>
    private async Task<bool> CheckEmbedderAsync(NpgsqlConnection connection, EmbeddingModel model, bool record, CancellationToken cancellationToken)
    {
        var (storedId, storedDimensions) = await ReadEmbedderAsync(connection, cancellationToken).ConfigureAwait(false);
        if (storedId is null && record)
        {
            // Two first writers of different projects may race: the loser's insert does nothing and it re-reads the winner.
            using (var command = new NpgsqlCommand(
                "INSERT INTO meta (key, value) VALUES (@id_key, @id), (@dims_key, @dims) ON CONFLICT (key) DO NOTHING;", connection))
            {
                command.Parameters.Add(PostgresValues.Text("id_key", MetaEmbedderId));
                command.Parameters.Add(PostgresValues.Text("id", model.Id));
                command.Parameters.Add(PostgresValues.Text("dims_key", MetaEmbedderDimensions));
                command.Parameters.Add(PostgresValues.Text("dims", model.Dimensions.ToString(CultureInfo.InvariantCulture)));
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            if (_vectorMode == PostgresVectorMode.Pgvector)
            {
                await ExecuteAsync(connection, HnswIndexSql(model.Dimensions), cancellationToken).ConfigureAwait(false);
            }

            (storedId, storedDimensions) = await ReadEmbedderAsync(connection, cancellationToken).ConfigureAwait(false);
        }

        if (storedId is null)
        {
            return false;
        }

        if (!string.Equals(storedId, model.Id, StringComparison.Ordinal) || storedDimensions != model.Dimensions)
        {
            throw new EmbeddingMismatchException(storedId, storedDimensions, model.Id, model.Dimensions);
        }

        return true;
    }

    private string HnswIndexSql(int dimensions) => string.Create(
        CultureInfo.InvariantCulture,
        $"""
        CREATE INDEX IF NOT EXISTS ix_memories_hnsw_{dimensions} ON memories USING hnsw ((embedding::vector({dimensions})) vector_cosine_ops)
        WITH (m = {_options.HnswM}, ef_construction = {_options.HnswEfConstruction}) WHERE dims = {dimensions};
        """);

    private static async Task<(string? Id, int Dimensions)> ReadEmbedderAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        string? id = null;
        var dimensions = 0;
        using var command = new NpgsqlCommand($"SELECT key, value FROM meta WHERE key IN ('{MetaEmbedderId}', '{MetaEmbedderDimensions}');", connection);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (reader.GetString(0) == MetaEmbedderId)
                {
                    id = reader.GetString(1);
                }
                else
                {
                    dimensions = int.Parse(reader.GetString(1), CultureInfo.InvariantCulture);
                }
            }
        }

        return (id, dimensions);
    }

    /// <summary>
    /// Writes one batch's parts on a connection inside the caller's transaction, in few round trips. Rows of one kind are
    /// one set-based statement over array parameters (<c>unnest</c>, at most <see cref="RowsPerRoundTrip"/> rows each) or,
    /// for memory rows (whose columns <see cref="AddItem"/> and <see cref="AddEmbedding"/> bind), one multi-row
    /// <c>INSERT … VALUES</c> per <see cref="RowsPerRoundTrip"/> inserted rows and one statement per updated row.
    /// Statements whose results nothing reads at once are queued and sent together as one <see cref="NpgsqlBatch"/> (at
    /// most <see cref="RowsPerRoundTrip"/> statements per round trip, run in order); a step that reads results (the
    /// not-found checks of updates and supersessions, unlinks, deletes, lexical removals) sends the queue first. So the
    /// effects, and the first error, are those of writing the rows one by one in list order; a common add (messages,
    /// memories, entities, links, history) is one round trip per 500 statements. Not thread-safe: one writer per batch;
    /// the caller calls <see cref="FlushAsync"/> before using the connection itself.
    /// </summary>
    private sealed class BatchWriter(NpgsqlConnection connection, string projectId, PostgresVectorMode vectorMode)
    {
        /// <summary>The most rows one statement (or one <see cref="NpgsqlBatch"/>) carries: bounds the message size and the client's memory.</summary>
        private const int RowsPerRoundTrip = 500;

        private readonly HashSet<long> _touchedEntities = [];
        private readonly HashSet<string> _touchedKeys = new(StringComparer.Ordinal);
        private readonly List<(NpgsqlBatchCommand Command, string? MustMatch)> _pending = [];

        private string EmbeddingValue => vectorMode == PostgresVectorMode.Pgvector ? "CAST(@embedding AS vector)" : "@embedding";

        /// <summary>Stores the batch's raw messages: one set-based insert per <see cref="RowsPerRoundTrip"/> messages, in list order (their <c>seq</c> order).</summary>
        public async Task WriteMessagesAsync(IReadOnlyList<StoredMessage> messages, CancellationToken cancellationToken)
        {
            foreach (var chunk in messages.Chunk(RowsPerRoundTrip))
            {
                foreach (var message in chunk)
                {
                    ArgumentNullException.ThrowIfNull(message, nameof(messages));
                }

                var command = Statement("""
                    INSERT INTO messages (id, project_id, user_id, agent_id, app_id, run_id, role, name, content, external_id, observed_at, created_at)
                    SELECT x.id, @project, x.user_id, x.agent_id, x.app_id, x.run_id, x.role, x.name, x.content, x.external_id, x.observed_at, x.created_at
                    FROM unnest(@ids, @user_ids, @agent_ids, @app_ids, @run_ids, @roles, @names, @contents, @external_ids, @observed_ats, @created_ats)
                        WITH ORDINALITY AS x(id, user_id, agent_id, app_id, run_id, role, name, content, external_id, observed_at, created_at, ord)
                    ORDER BY x.ord;
                    """);
                var p = command.Parameters;
                p.Add(PostgresValues.TextArray("ids", chunk.Select(m => m.Id)));
                AddScopes(p, [.. chunk.Select(m => m.Scope)]);
                p.Add(PostgresValues.TextArray("roles", chunk.Select(m => m.Role)));
                p.Add(PostgresValues.TextArray("names", chunk.Select(m => m.Name)));
                p.Add(PostgresValues.TextArray("contents", chunk.Select(m => m.Content)));
                p.Add(PostgresValues.TextArray("external_ids", chunk.Select(m => m.ExternalId)));
                p.Add(PostgresValues.TextArray("observed_ats", chunk.Select(m => PostgresValues.FormatTimestamp(m.ObservedAt))));
                p.Add(PostgresValues.TextArray("created_ats", chunk.Select(m => PostgresValues.FormatTimestamp(m.CreatedAt))));
                await EnqueueAsync(command, cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>
        /// Inserts the memories (one multi-row statement per <see cref="RowsPerRoundTrip"/> rows, in list order),
        /// then creates the entities they mention (in order of first mention) and links them.
        /// </summary>
        public async Task InsertAsync(IReadOnlyList<MemoryRecord> records, CancellationToken cancellationToken)
        {
            // One multi-row INSERT per chunk, its rows numbered in list order (they take their seq in that order): the
            // keyword statistics trigger (schema migration 4) then runs once per chunk. Run once per row, its repeated
            // updates of the same statistics rows within one transaction cost ~1.5 ms per row.
            // The row's parameter names (all but @project) end with a marker, replaced by the row's number.
            const string Marker = "_#";
            var row = ParameterName().Replace(
                $"(@id, @project, {ItemValues}, {EmbeddingValue}, @embedder, @dims)", m => m.Value == "@project" ? m.Value : m.Value + Marker);
            foreach (var chunk in records.Chunk(RowsPerRoundTrip))
            {
                var values = new StringBuilder();
                var statement = Statement(string.Empty);
                for (var i = 0; i < chunk.Length; i++)
                {
                    var suffix = string.Create(CultureInfo.InvariantCulture, $"_{i}");
                    values.Append(i == 0 ? "\n" : ",\n").Append(row.Replace(Marker, suffix, StringComparison.Ordinal));
                    AddRow(statement, chunk[i], embedding: true, suffix);
                }

                statement.CommandText = $"INSERT INTO memories (id, project_id, {ItemColumns}, embedding, embedder, dims) VALUES{values};";
                await EnqueueAsync(statement, cancellationToken).ConfigureAwait(false);
            }

            var links = new List<(string MemoryId, EntityMention Entity)>();
            foreach (var record in records)
            {
                AddMentions(links, record.Item.Id, record.Entities);
            }

            await CreateEntitiesAsync(links, cancellationToken).ConfigureAwait(false);
            await LinkAsync(links, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// Replaces the memories (one statement per row, <see cref="RowsPerRoundTrip"/> rows per round trip, in list
        /// order), then replaces the entity links of those whose record carries entities.
        /// </summary>
        /// <exception cref="MemoryNotFoundException">The first record (in list order) whose id the project does not hold.</exception>
        public async Task UpdateAsync(IReadOnlyList<MemoryRecord> records, CancellationToken cancellationToken)
        {
            if (records.Count == 0)
            {
                return;
            }

            foreach (var record in records)
            {
                ArgumentNullException.ThrowIfNull(record, nameof(records));
                var embedding = record.Embedding.IsEmpty ? string.Empty : $", embedding = {EmbeddingValue}, embedder = @embedder, dims = @dims";
                var sql = $"""
                    UPDATE memories SET ({ItemColumns}) = ({ItemValues}){embedding}
                    WHERE project_id = @project AND id = @id;
                    """;
                await EnqueueAsync(RowCommand(sql, record, embedding: !record.Embedding.IsEmpty), cancellationToken, mustMatch: record.Item.Id).ConfigureAwait(false);
            }

            await FlushAsync(cancellationToken).ConfigureAwait(false);

            // As if applied one record at a time (unlink the memory, link the record's mentions): a memory ends with the
            // links of its last record that carries entities, and the entities an earlier record of the same id linked
            // are orphan candidates, like the links the unlink removes. Entities are created in order of first mention.
            var relinked = records.Where(r => r.Entities is not null).ToList();
            if (relinked.Count == 0)
            {
                return;
            }

            var lastIndex = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < relinked.Count; i++)
            {
                lastIndex[relinked[i].Item.Id] = i;
            }

            var mentioned = new List<(string MemoryId, EntityMention Entity)>();
            var links = new List<(string MemoryId, EntityMention Entity)>();
            for (var i = 0; i < relinked.Count; i++)
            {
                var id = relinked[i].Item.Id;
                AddMentions(mentioned, id, relinked[i].Entities);
                if (lastIndex[id] == i)
                {
                    AddMentions(links, id, relinked[i].Entities);
                }
                else
                {
                    _touchedKeys.UnionWith(relinked[i].Entities!.Where(IsMention).Select(e => e.Key));
                }
            }

            await UnlinkAsync([.. lastIndex.Keys], cancellationToken).ConfigureAwait(false);
            await CreateEntitiesAsync(mentioned, cancellationToken).ConfigureAwait(false);
            await LinkAsync(links, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Marks memories superseded (one statement each, <see cref="RowsPerRoundTrip"/> per round trip, in list order).</summary>
        /// <exception cref="MemoryNotFoundException">The first supersession (in list order) whose memory the project does not hold.</exception>
        public async Task SupersedeAsync(IReadOnlyList<MemorySupersession> supersessions, CancellationToken cancellationToken)
        {
            if (supersessions.Count == 0)
            {
                return;
            }

            foreach (var supersession in supersessions)
            {
                ArgumentNullException.ThrowIfNull(supersession, nameof(supersessions));
                var command = Statement("UPDATE memories SET superseded_by = @superseded_by, valid_to = @valid_to WHERE project_id = @project AND id = @id;");
                command.Parameters.Add(PostgresValues.Text("id", supersession.MemoryId));
                command.Parameters.Add(PostgresValues.Text("superseded_by", supersession.SupersededBy));
                command.Parameters.Add(PostgresValues.Text("valid_to", PostgresValues.FormatTimestamp(supersession.ValidTo)));
                await EnqueueAsync(command, cancellationToken, mustMatch: supersession.MemoryId).ConfigureAwait(false);
            }

            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Deletes memories and their entity links, <see cref="RowsPerRoundTrip"/> ids per statement.</summary>
        /// <exception cref="MemoryNotFoundException">
        /// The first id (in list order) that the project does not hold, or that repeats an earlier id (already deleted).
        /// </exception>
        public async Task DeleteAsync(IReadOnlyList<string> memoryIds, CancellationToken cancellationToken)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            await FlushAsync(cancellationToken).ConfigureAwait(false);
            foreach (var chunk in memoryIds.Chunk(RowsPerRoundTrip))
            {
                await UnlinkAsync(chunk, cancellationToken).ConfigureAwait(false);
                using var delete = Command("DELETE FROM memories WHERE project_id = @project AND id = ANY(@ids) RETURNING id;");
                delete.Parameters.Add(PostgresValues.TextArray("ids", chunk));
                var deleted = new HashSet<string>(StringComparer.Ordinal);
                var reader = await delete.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        deleted.Add(reader.GetString(0));
                    }
                }

                foreach (var id in chunk)
                {
                    if (!deleted.Contains(id) || !seen.Add(id))
                    {
                        throw new MemoryNotFoundException(id);
                    }
                }
            }
        }

        // Index-only, like appends: a memory changes only when its lexical text holds the whole erased context. The
        // removals are applied in list order to the texts read in one query; the changed texts are written in one statement.
        public async Task RemoveLexicalAsync(IReadOnlyList<LexicalRemoval> removals, CancellationToken cancellationToken)
        {
            foreach (var chunk in removals.Chunk(RowsPerRoundTrip))
            {
                foreach (var removal in chunk)
                {
                    ArgumentNullException.ThrowIfNull(removal);
                }

                var texts = new Dictionary<string, string>(StringComparer.Ordinal);
                await FlushAsync(cancellationToken).ConfigureAwait(false);
                using (var read = Command("SELECT id, lexical FROM memories WHERE project_id = @project AND id = ANY(@ids);"))
                {
                    read.Parameters.Add(PostgresValues.TextArray("ids", chunk.Select(r => r.MemoryId).Distinct(StringComparer.Ordinal)));
                    var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            texts[reader.GetString(0)] = reader.GetString(1);
                        }
                    }
                }

                var changed = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var removal in chunk)
                {
                    if (texts.TryGetValue(removal.MemoryId, out var current) && removal.ApplyTo(current) is { } reduced)
                    {
                        texts[removal.MemoryId] = reduced;
                        changed[removal.MemoryId] = reduced;
                    }
                }

                if (changed.Count == 0)
                {
                    continue;
                }

                var write = Statement("""
                    UPDATE memories m SET lexical = x.lexical, lexical_len = x.tokens
                    FROM unnest(@ids, @lexicals, @tokens) AS x(id, lexical, tokens)
                    WHERE m.project_id = @project AND m.id = x.id;
                    """);
                write.Parameters.Add(PostgresValues.TextArray("ids", changed.Keys));
                write.Parameters.Add(PostgresValues.TextArray("lexicals", changed.Values));
                write.Parameters.Add(IntegerArray("tokens", changed.Values.Select(PostgresValues.CountTokens)));
                await EnqueueAsync(write, cancellationToken).ConfigureAwait(false);
            }
        }

        // Index-only: lexical_tsv is regenerated from lexical; unknown ids (deleted meanwhile) are skipped. Several appends
        // to one memory are joined in list order into one: btrim(btrim(l || ' ' || a) || ' ' || b) equals
        // btrim(l || ' ' || rtrim(a) || ' ' || b) since a holds a non-space character (btrim trims spaces only).
        public async Task AppendLexicalAsync(IReadOnlyList<LexicalAppend> appends, CancellationToken cancellationToken)
        {
            var joined = new Dictionary<string, (string Text, int Tokens)>(StringComparer.Ordinal);
            foreach (var append in appends)
            {
                ArgumentNullException.ThrowIfNull(append);
                if (string.IsNullOrWhiteSpace(append.Text))
                {
                    continue;
                }

                var tokens = PostgresValues.CountTokens(append.Text);
                joined[append.MemoryId] = joined.TryGetValue(append.MemoryId, out var earlier)
                    ? (earlier.Text.TrimEnd(' ') + " " + append.Text, earlier.Tokens + tokens)
                    : (append.Text, tokens);
            }

            foreach (var chunk in joined.Chunk(RowsPerRoundTrip))
            {
                var command = Statement("""
                    UPDATE memories m SET lexical = btrim(m.lexical || ' ' || x.text), lexical_len = m.lexical_len + x.tokens
                    FROM unnest(@ids, @texts, @tokens) AS x(id, text, tokens)
                    WHERE m.project_id = @project AND m.id = x.id;
                    """);
                command.Parameters.Add(PostgresValues.TextArray("ids", chunk.Select(a => a.Key)));
                command.Parameters.Add(PostgresValues.TextArray("texts", chunk.Select(a => a.Value.Text)));
                command.Parameters.Add(IntegerArray("tokens", chunk.Select(a => a.Value.Tokens)));
                await EnqueueAsync(command, cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>Appends history rows: one set-based insert per <see cref="RowsPerRoundTrip"/> entries, in list order (their <c>seq</c> order).</summary>
        public async Task WriteHistoryAsync(IReadOnlyList<MemoryHistoryEntry> entries, CancellationToken cancellationToken)
        {
            foreach (var chunk in entries.Chunk(RowsPerRoundTrip))
            {
                foreach (var entry in chunk)
                {
                    ArgumentNullException.ThrowIfNull(entry, nameof(entries));
                }

                var command = Statement("""
                    INSERT INTO history (id, project_id, memory_id, event, old_memory, new_memory, created_at, is_deleted, actor_id, role, related_memory_id)
                    SELECT x.id, @project, x.memory_id, x.event, x.old_memory, x.new_memory, x.created_at, x.is_deleted, x.actor_id, x.role, x.related_memory_id
                    FROM unnest(@ids, @memory_ids, @events, @old_memories, @new_memories, @created_ats, @is_deleted, @actor_ids, @roles, @related_memory_ids)
                        WITH ORDINALITY AS x(id, memory_id, event, old_memory, new_memory, created_at, is_deleted, actor_id, role, related_memory_id, ord)
                    ORDER BY x.ord;
                    """);
                var p = command.Parameters;
                p.Add(PostgresValues.TextArray("ids", chunk.Select(e => e.Id)));
                p.Add(PostgresValues.TextArray("memory_ids", chunk.Select(e => e.MemoryId)));
                p.Add(PostgresValues.TextArray("events", chunk.Select(e => MemoryEventTypeNames.ToName(e.Event))));
                p.Add(PostgresValues.TextArray("old_memories", chunk.Select(e => e.OldMemory)));
                p.Add(PostgresValues.TextArray("new_memories", chunk.Select(e => e.NewMemory)));
                p.Add(PostgresValues.TextArray("created_ats", chunk.Select(e => PostgresValues.FormatTimestamp(e.CreatedAt))));
                p.Add(new NpgsqlParameter("is_deleted", NpgsqlDbType.Array | NpgsqlDbType.Boolean) { Value = chunk.Select(e => e.IsDeleted).ToArray() });
                p.Add(PostgresValues.TextArray("actor_ids", chunk.Select(e => e.ActorId)));
                p.Add(PostgresValues.TextArray("roles", chunk.Select(e => e.Role)));
                p.Add(PostgresValues.TextArray("related_memory_ids", chunk.Select(e => e.RelatedMemoryId)));
                await EnqueueAsync(command, cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>Removes the entities whose links this batch removed (or superseded) and that no memory links any more.</summary>
        public async Task RemoveOrphanEntitiesAsync(CancellationToken cancellationToken)
        {
            if (_touchedEntities.Count == 0 && _touchedKeys.Count == 0)
            {
                return;
            }

            var command = Statement("""
                DELETE FROM entities e WHERE e.project_id = @project AND (e.id = ANY(@ids) OR e.entity_key = ANY(@keys))
                AND NOT EXISTS (SELECT 1 FROM memory_entities me WHERE me.entity_id = e.id AND me.project_id = @project);
                """);
            command.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = _touchedEntities.ToArray() });
            command.Parameters.Add(PostgresValues.TextArray("keys", _touchedKeys));
            await EnqueueAsync(command, cancellationToken).ConfigureAwait(false);
        }

        private static bool IsMention(EntityMention? entity) => entity is not null && !string.IsNullOrWhiteSpace(entity.Key);

        private static void AddMentions(List<(string MemoryId, EntityMention Entity)> links, string memoryId, IReadOnlyList<EntityMention>? entities)
        {
            foreach (var entity in entities ?? [])
            {
                if (IsMention(entity))
                {
                    links.Add((memoryId, entity));
                }
            }
        }

        /// <summary>
        /// Creates the project's entities not yet known, in order of first mention, named and typed by their first mention
        /// (an existing entity keeps its name and type).
        /// </summary>
        private async Task CreateEntitiesAsync(List<(string MemoryId, EntityMention Entity)> mentions, CancellationToken cancellationToken)
        {
            var first = mentions.Select(m => m.Entity).DistinctBy(e => e.Key, StringComparer.Ordinal).ToList();
            foreach (var chunk in first.Chunk(RowsPerRoundTrip))
            {
                var command = Statement("""
                    INSERT INTO entities (project_id, entity_key, name, type)
                    SELECT @project, x.key, x.name, x.type FROM unnest(@keys, @names, @types) WITH ORDINALITY AS x(key, name, type, ord)
                    ORDER BY x.ord
                    ON CONFLICT (project_id, entity_key) DO NOTHING;
                    """);
                command.Parameters.Add(PostgresValues.TextArray("keys", chunk.Select(e => e.Key)));
                command.Parameters.Add(PostgresValues.TextArray("names", chunk.Select(e => e.Name ?? e.Key)));
                command.Parameters.Add(PostgresValues.TextArray("types", chunk.Select(e => e.Type ?? string.Empty)));
                await EnqueueAsync(command, cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>Links memories (by id) to existing entities (by key); an existing link is kept.</summary>
        private async Task LinkAsync(List<(string MemoryId, EntityMention Entity)> links, CancellationToken cancellationToken)
        {
            foreach (var chunk in links.Chunk(RowsPerRoundTrip))
            {
                var command = Statement("""
                    INSERT INTO memory_entities (memory_seq, entity_id, project_id)
                    SELECT DISTINCT m.seq, e.id, @project
                    FROM unnest(@memory_ids, @keys) AS x(memory_id, key)
                    JOIN memories m ON m.project_id = @project AND m.id = x.memory_id
                    JOIN entities e ON e.project_id = @project AND e.entity_key = x.key
                    ON CONFLICT DO NOTHING;
                    """);
                command.Parameters.Add(PostgresValues.TextArray("memory_ids", chunk.Select(l => l.MemoryId)));
                command.Parameters.Add(PostgresValues.TextArray("keys", chunk.Select(l => l.Entity.Key)));
                await EnqueueAsync(command, cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>Removes the entity links of memories (by id), recording the unlinked entities as orphan candidates.</summary>
        private async Task UnlinkAsync(IReadOnlyCollection<string> memoryIds, CancellationToken cancellationToken)
        {
            await FlushAsync(cancellationToken).ConfigureAwait(false);
            foreach (var chunk in memoryIds.Chunk(RowsPerRoundTrip))
            {
                using var command = Command("""
                    DELETE FROM memory_entities me USING memories m
                    WHERE m.seq = me.memory_seq AND m.project_id = @project AND me.project_id = @project AND m.id = ANY(@ids)
                    RETURNING me.entity_id;
                    """);
                command.Parameters.Add(PostgresValues.TextArray("ids", chunk));
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        _touchedEntities.Add(reader.GetInt64(0));
                    }
                }
            }
        }

        private static void AddScopes(NpgsqlParameterCollection parameters, MemoryScope?[] scopes)
        {
            parameters.Add(PostgresValues.TextArray("user_ids", scopes.Select(s => s?.UserId)));
            parameters.Add(PostgresValues.TextArray("agent_ids", scopes.Select(s => s?.AgentId)));
            parameters.Add(PostgresValues.TextArray("app_ids", scopes.Select(s => s?.AppId)));
            parameters.Add(PostgresValues.TextArray("run_ids", scopes.Select(s => s?.RunId)));
        }

        private static NpgsqlParameter IntegerArray(string name, IEnumerable<int> values) =>
            new(name, NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = values.ToArray() };

        /// <summary>One row's statement for an <see cref="NpgsqlBatch"/>, its parameters built by <see cref="AddItem"/> (and <see cref="AddEmbedding"/>).</summary>
        private NpgsqlBatchCommand RowCommand(string sql, MemoryRecord record, bool embedding)
        {
            var command = Statement(sql);
            AddRow(command, record, embedding, suffix: string.Empty);
            return command;
        }

        /// <summary>
        /// Adds one memory row's parameters (<see cref="AddItem"/>, and <see cref="AddEmbedding"/> when
        /// <paramref name="embedding"/>) to a batch statement, each name followed by <paramref name="suffix"/>.
        /// </summary>
        private void AddRow(NpgsqlBatchCommand statement, MemoryRecord record, bool embedding, string suffix)
        {
            using var row = new NpgsqlCommand();
            AddItem(row, record);
            if (embedding)
            {
                AddEmbedding(row, record);
            }

            foreach (NpgsqlParameter parameter in row.Parameters)
            {
                var copy = parameter.Clone();
                copy.ParameterName = parameter.ParameterName + suffix;
                statement.Parameters.Add(copy);
            }
        }

        /// <summary>
        /// Executes the queued statements in one round trip (one <see cref="NpgsqlBatch"/>, run in order; the first failing
        /// statement fails the call), then checks in queue order that each statement queued with a memory id changed a row.
        /// </summary>
        /// <exception cref="MemoryNotFoundException">The first such statement that changed nothing.</exception>
        public async Task FlushAsync(CancellationToken cancellationToken)
        {
            if (_pending.Count == 0)
            {
                return;
            }

            var pending = _pending.ToArray();
            _pending.Clear();
            using var batch = new NpgsqlBatch(connection);
            foreach (var (command, _) in pending)
            {
                batch.BatchCommands.Add(command);
            }

            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            foreach (var (command, mustMatch) in pending)
            {
                if (mustMatch is not null && command.RecordsAffected == 0)
                {
                    throw new MemoryNotFoundException(mustMatch);
                }
            }
        }

        /// <summary>
        /// Queues a statement whose result nothing before the next flush reads; flushes when <see cref="RowsPerRoundTrip"/>
        /// are queued. Statements that read results flush first, so the effects keep the order of the calls.
        /// </summary>
        /// <param name="command">The statement.</param>
        /// <param name="cancellationToken">A token to cancel the operation.</param>
        /// <param name="mustMatch">The memory whose row the statement must change (checked at the flush), or <see langword="null"/>.</param>
        private async Task EnqueueAsync(NpgsqlBatchCommand command, CancellationToken cancellationToken, string? mustMatch = null)
        {
            _pending.Add((command, mustMatch));
            if (_pending.Count >= RowsPerRoundTrip)
            {
                await FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        private NpgsqlBatchCommand Statement(string sql)
        {
            var command = new NpgsqlBatchCommand(sql);
            command.Parameters.Add(PostgresValues.Text("project", projectId));
            return command;
        }

        private NpgsqlCommand Command(string sql)
        {
            var command = new NpgsqlCommand(sql, connection);
            command.Parameters.Add(PostgresValues.Text("project", projectId));
            return command;
        }

        private static void AddItem(NpgsqlCommand command, MemoryRecord record)
        {
            ArgumentNullException.ThrowIfNull(record);
            var item = record.Item;
            var p = command.Parameters;
            p.Add(PostgresValues.Text("id", item.Id));
            AddScope(command, item.Scope);
            p.Add(PostgresValues.Text("memory", item.Memory));
            p.Add(PostgresValues.Text("hash", item.Hash));
            p.Add(PostgresValues.Jsonb("metadata", MemoryMetadata.ToJson(item.Metadata ?? MemoryMetadata.Empty)));
            p.Add(PostgresValues.Jsonb("categories", PostgresValues.ToJsonArray(item.Categories ?? [])));
            p.Add(PostgresValues.Text("role", item.Role));
            p.Add(PostgresValues.Text("actor_id", item.ActorId));
            p.Add(PostgresValues.Text("attributed_to", item.AttributedTo));
            p.Add(PostgresValues.Text("created_at", PostgresValues.FormatTimestamp(item.CreatedAt)));
            p.Add(PostgresValues.Text("updated_at", PostgresValues.FormatTimestamp(item.UpdatedAt)));
            p.Add(PostgresValues.Text("observed_at", PostgresValues.FormatTimestamp(item.ObservedAt)));
            p.Add(PostgresValues.Text("expiration_date", item.ExpirationDate is { } date ? PostgresValues.FormatDate(date) : null));
            p.Add(PostgresValues.Text("superseded_by", item.SupersededBy));
            p.Add(PostgresValues.Text("valid_to", item.ValidTo is { } validTo ? PostgresValues.FormatTimestamp(validTo) : null));
            p.Add(PostgresValues.Jsonb("source_message_ids", PostgresValues.ToJsonArray(item.SourceMessageIds ?? [])));
            p.Add(PostgresValues.Text("lexical", record.LexicalText ?? string.Empty));
            p.Add(new NpgsqlParameter("lexical_len", NpgsqlDbType.Integer) { Value = PostgresValues.CountTokens(record.LexicalText) });
            p.Add(new NpgsqlParameter("immutable", NpgsqlDbType.Boolean) { Value = item.Immutable });
        }

        // pgvector: a real[] cast to vector in SQL (EmbeddingValue); fallback: bytea of big-endian float4 values.
        private void AddEmbedding(NpgsqlCommand command, MemoryRecord record)
        {
            var empty = record.Embedding.IsEmpty;
            command.Parameters.Add(vectorMode == PostgresVectorMode.Pgvector
                ? new NpgsqlParameter("embedding", NpgsqlDbType.Array | NpgsqlDbType.Real) { Value = empty ? DBNull.Value : record.Embedding.ToArray() }
                : new NpgsqlParameter("embedding", NpgsqlDbType.Bytea) { Value = empty ? DBNull.Value : PostgresValues.EncodeFloat4(record.Embedding.Span) });
            command.Parameters.Add(PostgresValues.Text("embedder", empty ? null : record.EmbeddingModel!.Id));
            command.Parameters.Add(new NpgsqlParameter("dims", NpgsqlDbType.Integer) { Value = empty ? DBNull.Value : record.Embedding.Length });
        }

        private static void AddScope(NpgsqlCommand command, MemoryScope? scope)
        {
            command.Parameters.Add(PostgresValues.Text("user_id", scope?.UserId));
            command.Parameters.Add(PostgresValues.Text("agent_id", scope?.AgentId));
            command.Parameters.Add(PostgresValues.Text("app_id", scope?.AppId));
            command.Parameters.Add(PostgresValues.Text("run_id", scope?.RunId));
        }
    }
}
