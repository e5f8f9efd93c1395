using System.Globalization;
using Npgsql;
using NpgsqlTypes;

namespace Engram.Postgres;

public sealed partial class PostgresMemoryStore
{
    private const string MetaEmbedderId = "embedder_id";
    private const string MetaEmbedderDimensions = "embedder_dimensions";

    private const string ItemColumns = """
        user_id, agent_id, app_id, run_id, memory, hash, metadata, categories, role, actor_id, attributed_to, created_at, updated_at,
        observed_at, expiration_date, superseded_by, valid_to, source_message_ids, lexical, lexical_len
        """;

    private const string ItemValues = """
        @user_id, @agent_id, @app_id, @run_id, @memory, @hash, @metadata, @categories, @role, @actor_id, @attributed_to, @created_at, @updated_at,
        @observed_at, @expiration_date, @superseded_by, @valid_to, @source_message_ids, @lexical, @lexical_len
        """;

    /// <inheritdoc/>
    /// <remarks>
    /// One READ COMMITTED transaction holding the project's advisory lock: messages, inserts, updates, lexical appends and removals,
    /// supersessions, deletes, history, orphan-entity removal, graph relations (<see cref="IGraphStore"/>), webhook
    /// outbox entries (<see cref="IWebhookStore"/>) and the completed event, in that order. The first vector records the
    /// embedder (and, with pgvector, creates the HNSW index for its dimension).
    /// </remarks>
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
                await erasure.EraseCopiesAsync(connection, batch, cancellationToken).ConfigureAwait(false);
            }

            await writer.DeleteAsync(batch.Deletes, cancellationToken).ConfigureAwait(false);
            await writer.WriteHistoryAsync(batch.History, cancellationToken).ConfigureAwait(false);
            await writer.RemoveOrphanEntitiesAsync(cancellationToken).ConfigureAwait(false);
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

    /// <summary>Writes one batch's parts on a connection inside the caller's transaction.</summary>
    private sealed class BatchWriter(NpgsqlConnection connection, string projectId, PostgresVectorMode vectorMode)
    {
        private readonly HashSet<long> _touchedEntities = [];
        private readonly Dictionary<string, long> _entityIds = new(StringComparer.Ordinal);

        private string EmbeddingValue => vectorMode == PostgresVectorMode.Pgvector ? "CAST(@embedding AS vector)" : "@embedding";

        public async Task WriteMessagesAsync(IReadOnlyList<StoredMessage> messages, CancellationToken cancellationToken)
        {
            foreach (var message in messages)
            {
                ArgumentNullException.ThrowIfNull(message, nameof(messages));
                using var command = Command("""
                    INSERT INTO messages (id, project_id, user_id, agent_id, app_id, run_id, role, name, content, external_id, observed_at, created_at)
                    VALUES (@id, @project, @user_id, @agent_id, @app_id, @run_id, @role, @name, @content, @external_id, @observed_at, @created_at);
                    """);
                command.Parameters.Add(PostgresValues.Text("id", message.Id));
                AddScope(command, message.Scope);
                command.Parameters.Add(PostgresValues.Text("role", message.Role));
                command.Parameters.Add(PostgresValues.Text("name", message.Name));
                command.Parameters.Add(PostgresValues.Text("content", message.Content));
                command.Parameters.Add(PostgresValues.Text("external_id", message.ExternalId));
                command.Parameters.Add(PostgresValues.Text("observed_at", PostgresValues.FormatTimestamp(message.ObservedAt)));
                command.Parameters.Add(PostgresValues.Text("created_at", PostgresValues.FormatTimestamp(message.CreatedAt)));
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        public async Task InsertAsync(IReadOnlyList<MemoryRecord> records, CancellationToken cancellationToken)
        {
            foreach (var record in records)
            {
                using var command = Command($"""
                    INSERT INTO memories (id, project_id, {ItemColumns}, embedding, embedder, dims)
                    VALUES (@id, @project, {ItemValues}, {EmbeddingValue}, @embedder, @dims)
                    RETURNING seq;
                    """);
                AddItem(command, record);
                AddEmbedding(command, record);
                var seq = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
                if (record.Entities is { Count: > 0 } entities)
                {
                    await LinkAsync(seq, entities, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        public async Task UpdateAsync(IReadOnlyList<MemoryRecord> records, CancellationToken cancellationToken)
        {
            foreach (var record in records)
            {
                var embedding = record.Embedding.IsEmpty ? string.Empty : $", embedding = {EmbeddingValue}, embedder = @embedder, dims = @dims";
                using var command = Command($"""
                    UPDATE memories SET ({ItemColumns}) = ({ItemValues}){embedding}
                    WHERE project_id = @project AND id = @id RETURNING seq;
                    """);
                AddItem(command, record);
                if (!record.Embedding.IsEmpty)
                {
                    AddEmbedding(command, record);
                }

                var seq = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false)
                    ?? throw new MemoryNotFoundException(record.Item.Id);
                if (record.Entities is { } entities)
                {
                    var memorySeq = Convert.ToInt64(seq, CultureInfo.InvariantCulture);
                    using var unlink = Command("DELETE FROM memory_entities WHERE project_id = @project AND memory_seq = @seq RETURNING entity_id;");
                    unlink.Parameters.Add(PostgresValues.Integer("seq", memorySeq));
                    await CollectEntitiesAsync(unlink, cancellationToken).ConfigureAwait(false);
                    await LinkAsync(memorySeq, entities, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        public async Task SupersedeAsync(IReadOnlyList<MemorySupersession> supersessions, CancellationToken cancellationToken)
        {
            foreach (var supersession in supersessions)
            {
                ArgumentNullException.ThrowIfNull(supersession, nameof(supersessions));
                using var command = Command("UPDATE memories SET superseded_by = @superseded_by, valid_to = @valid_to WHERE project_id = @project AND id = @id;");
                command.Parameters.Add(PostgresValues.Text("id", supersession.MemoryId));
                command.Parameters.Add(PostgresValues.Text("superseded_by", supersession.SupersededBy));
                command.Parameters.Add(PostgresValues.Text("valid_to", PostgresValues.FormatTimestamp(supersession.ValidTo)));
                if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
                {
                    throw new MemoryNotFoundException(supersession.MemoryId);
                }
            }
        }

        public async Task DeleteAsync(IReadOnlyList<string> memoryIds, CancellationToken cancellationToken)
        {
            foreach (var id in memoryIds)
            {
                using var unlink = Command("""
                    DELETE FROM memory_entities me USING memories m
                    WHERE m.seq = me.memory_seq AND m.project_id = @project AND me.project_id = @project AND m.id = @id
                    RETURNING me.entity_id;
                    """);
                unlink.Parameters.Add(PostgresValues.Text("id", id));
                await CollectEntitiesAsync(unlink, cancellationToken).ConfigureAwait(false);
                using var delete = Command("DELETE FROM memories WHERE project_id = @project AND id = @id;");
                delete.Parameters.Add(PostgresValues.Text("id", id));
                if (await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
                {
                    throw new MemoryNotFoundException(id);
                }
            }
        }

        // Index-only, like appends: a memory changes only when its lexical text holds the whole erased context.
        public async Task RemoveLexicalAsync(IReadOnlyList<LexicalRemoval> removals, CancellationToken cancellationToken)
        {
            foreach (var removal in removals)
            {
                ArgumentNullException.ThrowIfNull(removal);
                using var read = Command("SELECT lexical FROM memories WHERE project_id = @project AND id = @id;");
                read.Parameters.Add(PostgresValues.Text("id", removal.MemoryId));
                if (await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not string current
                    || removal.ApplyTo(current) is not { } reduced)
                {
                    continue;
                }

                using var write = Command("UPDATE memories SET lexical = @lexical, lexical_len = @tokens WHERE project_id = @project AND id = @id;");
                write.Parameters.Add(PostgresValues.Text("id", removal.MemoryId));
                write.Parameters.Add(PostgresValues.Text("lexical", reduced));
                write.Parameters.Add(new NpgsqlParameter("tokens", NpgsqlDbType.Integer) { Value = PostgresValues.CountTokens(reduced) });
                await write.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        // Index-only: lexical_tsv is regenerated from lexical; unknown ids (deleted meanwhile) are skipped.
        public async Task AppendLexicalAsync(IReadOnlyList<LexicalAppend> appends, CancellationToken cancellationToken)
        {
            foreach (var append in appends)
            {
                ArgumentNullException.ThrowIfNull(append);
                if (string.IsNullOrWhiteSpace(append.Text))
                {
                    continue;
                }

                using var command = Command("""
                    UPDATE memories SET lexical = btrim(lexical || ' ' || @text), lexical_len = lexical_len + @tokens
                    WHERE project_id = @project AND id = @id;
                    """);
                command.Parameters.Add(PostgresValues.Text("id", append.MemoryId));
                command.Parameters.Add(PostgresValues.Text("text", append.Text));
                command.Parameters.Add(new NpgsqlParameter("tokens", NpgsqlDbType.Integer) { Value = PostgresValues.CountTokens(append.Text) });
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        public async Task WriteHistoryAsync(IReadOnlyList<MemoryHistoryEntry> entries, CancellationToken cancellationToken)
        {
            foreach (var entry in entries)
            {
                ArgumentNullException.ThrowIfNull(entry, nameof(entries));
                using var command = Command("""
                    INSERT INTO history (id, project_id, memory_id, event, old_memory, new_memory, created_at, is_deleted, actor_id, role, related_memory_id)
                    VALUES (@id, @project, @memory_id, @event, @old_memory, @new_memory, @created_at, @is_deleted, @actor_id, @role, @related_memory_id);
                    """);
                command.Parameters.Add(PostgresValues.Text("id", entry.Id));
                command.Parameters.Add(PostgresValues.Text("memory_id", entry.MemoryId));
                command.Parameters.Add(PostgresValues.Text("event", MemoryEventTypeNames.ToName(entry.Event)));
                command.Parameters.Add(PostgresValues.Text("old_memory", entry.OldMemory));
                command.Parameters.Add(PostgresValues.Text("new_memory", entry.NewMemory));
                command.Parameters.Add(PostgresValues.Text("created_at", PostgresValues.FormatTimestamp(entry.CreatedAt)));
                command.Parameters.Add(new NpgsqlParameter("is_deleted", NpgsqlDbType.Boolean) { Value = entry.IsDeleted });
                command.Parameters.Add(PostgresValues.Text("actor_id", entry.ActorId));
                command.Parameters.Add(PostgresValues.Text("role", entry.Role));
                command.Parameters.Add(PostgresValues.Text("related_memory_id", entry.RelatedMemoryId));
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        public async Task RemoveOrphanEntitiesAsync(CancellationToken cancellationToken)
        {
            if (_touchedEntities.Count == 0)
            {
                return;
            }

            using var command = Command("""
                DELETE FROM entities e WHERE e.project_id = @project AND e.id = ANY(@ids)
                AND NOT EXISTS (SELECT 1 FROM memory_entities me WHERE me.entity_id = e.id AND me.project_id = @project);
                """);
            command.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = _touchedEntities.ToArray() });
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        private async Task LinkAsync(long memorySeq, IReadOnlyList<EntityMention> entities, CancellationToken cancellationToken)
        {
            foreach (var entity in entities)
            {
                if (entity is null || string.IsNullOrWhiteSpace(entity.Key))
                {
                    continue;
                }

                if (!_entityIds.TryGetValue(entity.Key, out var entityId))
                {
                    using var upsert = Command("""
                        INSERT INTO entities (project_id, entity_key, name, type) VALUES (@project, @key, @name, @type)
                        ON CONFLICT (project_id, entity_key) DO UPDATE SET entity_key = excluded.entity_key
                        RETURNING id;
                        """);
                    upsert.Parameters.Add(PostgresValues.Text("key", entity.Key));
                    upsert.Parameters.Add(PostgresValues.Text("name", entity.Name ?? entity.Key));
                    upsert.Parameters.Add(PostgresValues.Text("type", entity.Type ?? string.Empty));
                    entityId = Convert.ToInt64(await upsert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
                    _entityIds[entity.Key] = entityId;
                }

                using var link = Command("INSERT INTO memory_entities (memory_seq, entity_id, project_id) VALUES (@seq, @entity_id, @project) ON CONFLICT DO NOTHING;");
                link.Parameters.Add(PostgresValues.Integer("seq", memorySeq));
                link.Parameters.Add(PostgresValues.Integer("entity_id", entityId));
                await link.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        private async Task CollectEntitiesAsync(NpgsqlCommand command, CancellationToken cancellationToken)
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    _touchedEntities.Add(reader.GetInt64(0));
                }
            }
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
