using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Engram.Sqlite;

/// <content>Writes: batches and project reset.</content>
public sealed partial class SqliteMemoryStore
{
    private const string MetaEmbedderId = "embedder_id";
    private const string MetaEmbedderDimensions = "embedder_dimensions";

    private const string InsertMemorySql = """
        INSERT INTO memories (id, project_id, user_id, agent_id, app_id, run_id, memory, hash, metadata, categories, role, actor_id,
            attributed_to, created_at, updated_at, observed_at, expiration_date, superseded_by, valid_to, source_message_ids, lexical,
            immutable, embedding, embedder, dims)
        VALUES (@id, @project, @user_id, @agent_id, @app_id, @run_id, @memory, @hash, @metadata, @categories, @role, @actor_id,
            @attributed_to, @created_at, @updated_at, @observed_at, @expiration_date, @superseded_by, @valid_to, @source_message_ids, @lexical,
            @immutable, @embedding, @embedder, @dims)
        RETURNING seq;
        """;

    private const string UpdateMemorySql = """
        UPDATE memories SET user_id = @user_id, agent_id = @agent_id, app_id = @app_id, run_id = @run_id, memory = @memory, hash = @hash,
            metadata = @metadata, categories = @categories, role = @role, actor_id = @actor_id, attributed_to = @attributed_to,
            created_at = @created_at, updated_at = @updated_at, observed_at = @observed_at, expiration_date = @expiration_date,
            superseded_by = @superseded_by, valid_to = @valid_to, source_message_ids = @source_message_ids, lexical = @lexical,
            immutable = @immutable
        """;

    /// <inheritdoc/>
    /// <remarks>
    /// <para>Runs in one <c>BEGIN IMMEDIATE</c> transaction, in the order messages, inserts, updates, supersessions,
    /// deletes, history. An update, supersession or delete of an id that is not in the project throws
    /// <see cref="MemoryNotFoundException"/>; an insert of an id that exists throws <see cref="MemoryStoreException"/>.
    /// In every failure case, cancellation included, nothing of the batch is written.</para>
    /// <para>Entity links of an update are replaced when <see cref="MemoryRecord.Entities"/> is set and kept when it is
    /// <see langword="null"/>; the stored vector is kept when <see cref="MemoryRecord.Embedding"/> is empty. Entities
    /// left without any link are removed.</para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="batch"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The project id is empty, or a vector lacks its model or does not have the model's dimension.</exception>
    /// <exception cref="MemoryNotFoundException">An update, supersession or delete names an id that is not in the project.</exception>
    /// <exception cref="MemoryValidationException">An insert, message or history entry names an id the project already has (or the batch names one twice); nothing was written.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
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

        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        using var writeGate = await EnterWriteGateAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                using var transaction = connection.BeginTransaction(deferred: false);
                if (model is not null)
                {
                    await CheckEmbedderAsync(connection, model, record: true, cancellationToken).ConfigureAwait(false);
                }

                using var writer = new BatchWriter(connection, batch.ProjectId);
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
                var generation = await BeginIndexedCommitAsync(connection, batch, cancellationToken).ConfigureAwait(false);
                try
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    AbortIndexedCommit(generation);
                    throw;
                }

                EndIndexedCommit(generation, batch, writer.InsertedSeqs);
            }
        }
        catch (SqliteException ex) when (ex.SqliteExtendedErrorCode is SqliteConstraintUnique or SqliteConstraintPrimaryKey)
        {
            // Only ids a caller chose can collide (an import's lines); the transaction is rolled back, nothing is written.
            throw DuplicateId(ex);
        }
        catch (SqliteException ex)
        {
            throw Map(ex, "write");
        }
    }

    private const int SqliteConstraintUnique = 2067;

    private const int SqliteConstraintPrimaryKey = 1555;

    private static MemoryValidationException DuplicateId(Exception inner) =>
        new("The write names an id (of a memory, message or history entry) that the project already has, or that it names twice; nothing was written.", "id", inner);

    /// <inheritdoc/>
    /// <remarks>
    /// Other projects are untouched. When no project has vectors left afterwards, the recorded embedder is forgotten,
    /// so the next write may use another embedder.
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="projectId"/> is empty.</exception>
    /// <exception cref="MemoryStoreException">The reset failed; nothing was deleted.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public async Task ResetAsync(string projectId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        using var writeGate = await EnterWriteGateAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                using var transaction = connection.BeginTransaction(deferred: false);
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
                    cancellationToken.ThrowIfCancellationRequested();
                    using var command = connection.CreateCommand();
                    command.CommandText = sql;
                    command.Parameters.AddWithValue("@project", projectId);
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await ScalarAsync(
                    connection,
                    $"DELETE FROM meta WHERE key IN ('{MetaEmbedderId}', '{MetaEmbedderDimensions}') AND NOT EXISTS (SELECT 1 FROM memories WHERE embedding IS NOT NULL);",
                    cancellationToken).ConfigureAwait(false);
                var generation = await BeginIndexedResetAsync(connection, cancellationToken).ConfigureAwait(false);
                try
                {
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    AbortIndexedCommit(generation);
                    throw;
                }

                EndIndexedReset(generation, projectId);
            }
        }
        catch (SqliteException ex)
        {
            throw Map(ex, "reset");
        }
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

    /// <summary>Compares a model with the recorded embedder; records it when none is and <paramref name="record"/> is set.</summary>
    /// <returns><see langword="true"/> when an embedder is recorded (or was just recorded).</returns>
    private async Task<bool> CheckEmbedderAsync(SqliteConnection connection, EmbeddingModel model, bool record, CancellationToken cancellationToken)
    {
        string? storedId = null;
        int storedDimensions = 0;
        using (var command = connection.CreateCommand())
        {
            command.CommandText = $"SELECT key, value FROM meta WHERE key IN ('{MetaEmbedderId}', '{MetaEmbedderDimensions}');";
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (reader.GetString(0) == MetaEmbedderId)
                    {
                        storedId = reader.GetString(1);
                    }
                    else
                    {
                        storedDimensions = int.Parse(reader.GetString(1), CultureInfo.InvariantCulture);
                    }
                }
            }
        }

        if (storedId is not null)
        {
            if (!string.Equals(storedId, model.Id, StringComparison.Ordinal) || storedDimensions != model.Dimensions)
            {
                throw new EmbeddingMismatchException(storedId, storedDimensions, model.Id, model.Dimensions);
            }

            return true;
        }

        if (!record)
        {
            return false;
        }

        await RecordEmbedderAsync(connection, model, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Records <paramref name="model"/> as the store's embedder (in the connection's open transaction, if any).</summary>
    private async Task RecordEmbedderAsync(SqliteConnection connection, EmbeddingModel model, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO meta (key, value) VALUES (@id_key, @id), (@dims_key, @dims), ('embedder_recorded_at', @at)
            ON CONFLICT (key) DO UPDATE SET value = excluded.value;
            """;
        command.Parameters.AddWithValue("@id_key", MetaEmbedderId);
        command.Parameters.AddWithValue("@id", model.Id);
        command.Parameters.AddWithValue("@dims_key", MetaEmbedderDimensions);
        command.Parameters.AddWithValue("@dims", model.Dimensions.ToString(CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("@at", SqliteValues.FormatTimestamp(_timeProvider.GetUtcNow()));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes the parts of one batch inside the caller's transaction.</summary>
    private sealed class BatchWriter(SqliteConnection connection, string projectId) : IDisposable
    {
        private readonly HashSet<long> _touchedEntities = [];
        private readonly Dictionary<string, long> _entityIds = new(StringComparer.Ordinal);
        private SqliteCommand? _upsertEntity;
        private SqliteCommand? _linkEntity;

        /// <summary>Gets the row ids of the inserted memories, in insertion order (for the in-memory index).</summary>
        public List<long> InsertedSeqs { get; } = [];

        public async Task WriteMessagesAsync(IReadOnlyList<StoredMessage> messages, CancellationToken cancellationToken)
        {
            if (messages.Count == 0)
            {
                return;
            }

            using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO messages (id, project_id, user_id, agent_id, app_id, run_id, role, name, content, external_id, observed_at, created_at)
                VALUES (@id, @project, @user_id, @agent_id, @app_id, @run_id, @role, @name, @content, @external_id, @observed_at, @created_at);
                """;
            command.Parameters.AddWithValue("@project", projectId);
            foreach (var message in messages)
            {
                cancellationToken.ThrowIfCancellationRequested();
                ArgumentNullException.ThrowIfNull(message, nameof(messages));
                Set(command, "@id", message.Id);
                SetScope(command, message.Scope);
                Set(command, "@role", message.Role);
                Set(command, "@name", message.Name);
                Set(command, "@content", message.Content);
                Set(command, "@external_id", message.ExternalId);
                Set(command, "@observed_at", SqliteValues.FormatTimestamp(message.ObservedAt));
                Set(command, "@created_at", SqliteValues.FormatTimestamp(message.CreatedAt));
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        public async Task InsertAsync(IReadOnlyList<MemoryRecord> records, CancellationToken cancellationToken)
        {
            if (records.Count == 0)
            {
                return;
            }

            using var command = connection.CreateCommand();
            command.CommandText = InsertMemorySql;
            command.Parameters.AddWithValue("@project", projectId);
            foreach (var record in records)
            {
                cancellationToken.ThrowIfCancellationRequested();
                SetItem(command, record);
                Set(command, "@embedding", record.Embedding.IsEmpty ? null : SqliteValues.ToBlob(record.Embedding.Span));
                Set(command, "@embedder", record.Embedding.IsEmpty ? null : record.EmbeddingModel!.Id);
                Set(command, "@dims", record.Embedding.IsEmpty ? null : record.Embedding.Length);
                var seq = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
                InsertedSeqs.Add(seq);
                if (record.Entities is { Count: > 0 } entities)
                {
                    await LinkAsync(seq, entities, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        public async Task UpdateAsync(IReadOnlyList<MemoryRecord> records, CancellationToken cancellationToken)
        {
            if (records.Count == 0)
            {
                return;
            }

            using var keep = connection.CreateCommand();
            keep.CommandText = UpdateMemorySql + " WHERE project_id = @project AND id = @id RETURNING seq;";
            keep.Parameters.AddWithValue("@project", projectId);
            using var replace = connection.CreateCommand();
            replace.CommandText = UpdateMemorySql + ", embedding = @embedding, embedder = @embedder, dims = @dims WHERE project_id = @project AND id = @id RETURNING seq;";
            replace.Parameters.AddWithValue("@project", projectId);
            foreach (var record in records)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var command = record.Embedding.IsEmpty ? keep : replace;
                SetItem(command, record);
                if (!record.Embedding.IsEmpty)
                {
                    Set(command, "@embedding", SqliteValues.ToBlob(record.Embedding.Span));
                    Set(command, "@embedder", record.EmbeddingModel!.Id);
                    Set(command, "@dims", record.Embedding.Length);
                }

                var seq = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false)
                    ?? throw new MemoryNotFoundException(record.Item.Id);
                if (record.Entities is { } entities)
                {
                    var memorySeq = Convert.ToInt64(seq, CultureInfo.InvariantCulture);
                    await UnlinkAsync(memorySeq, cancellationToken).ConfigureAwait(false);
                    await LinkAsync(memorySeq, entities, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        public async Task SupersedeAsync(IReadOnlyList<MemorySupersession> supersessions, CancellationToken cancellationToken)
        {
            if (supersessions.Count == 0)
            {
                return;
            }

            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE memories SET superseded_by = @superseded_by, valid_to = @valid_to WHERE project_id = @project AND id = @id;";
            command.Parameters.AddWithValue("@project", projectId);
            foreach (var supersession in supersessions)
            {
                cancellationToken.ThrowIfCancellationRequested();
                ArgumentNullException.ThrowIfNull(supersession, nameof(supersessions));
                Set(command, "@id", supersession.MemoryId);
                Set(command, "@superseded_by", supersession.SupersededBy);
                Set(command, "@valid_to", SqliteValues.FormatTimestamp(supersession.ValidTo));
                if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
                {
                    throw new MemoryNotFoundException(supersession.MemoryId);
                }
            }
        }

        public async Task DeleteAsync(IReadOnlyList<string> memoryIds, CancellationToken cancellationToken)
        {
            if (memoryIds.Count == 0)
            {
                return;
            }

            using var links = connection.CreateCommand();
            links.CommandText = """
                SELECT me.entity_id FROM memory_entities me JOIN memories m ON m.seq = me.memory_seq
                WHERE m.project_id = @project AND me.project_id = @project AND m.id = @id;
                """;
            links.Parameters.AddWithValue("@project", projectId);
            using var delete = connection.CreateCommand();
            delete.CommandText = "DELETE FROM memories WHERE project_id = @project AND id = @id;";
            delete.Parameters.AddWithValue("@project", projectId);
            foreach (var id in memoryIds)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Set(links, "@id", id);
                await CollectEntitiesAsync(links, cancellationToken).ConfigureAwait(false);
                Set(delete, "@id", id);
                if (await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
                {
                    throw new MemoryNotFoundException(id);
                }
            }
        }

        // Index-only, like appends: a memory changes only when its lexical text holds the whole erased context.
        public async Task RemoveLexicalAsync(IReadOnlyList<LexicalRemoval> removals, CancellationToken cancellationToken)
        {
            if (removals.Count == 0)
            {
                return;
            }

            using var read = connection.CreateCommand();
            read.CommandText = "SELECT lexical FROM memories WHERE project_id = @project AND id = @id;";
            read.Parameters.AddWithValue("@project", projectId);
            var readId = read.Parameters.Add("@id", SqliteType.Text);
            using var write = connection.CreateCommand();
            write.CommandText = "UPDATE memories SET lexical = @lexical WHERE project_id = @project AND id = @id;";
            write.Parameters.AddWithValue("@project", projectId);
            var writeId = write.Parameters.Add("@id", SqliteType.Text);
            var lexical = write.Parameters.Add("@lexical", SqliteType.Text);
            foreach (var removal in removals)
            {
                cancellationToken.ThrowIfCancellationRequested();
                ArgumentNullException.ThrowIfNull(removal);
                readId.Value = removal.MemoryId;
                if (await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not string current
                    || removal.ApplyTo(current) is not { } reduced)
                {
                    continue;
                }

                writeId.Value = removal.MemoryId;
                lexical.Value = reduced;
                await write.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        // Index-only: the FTS trigger on lexical re-indexes the row; unknown ids (deleted meanwhile) are skipped.
        public async Task AppendLexicalAsync(IReadOnlyList<LexicalAppend> appends, CancellationToken cancellationToken)
        {
            if (appends.Count == 0)
            {
                return;
            }

            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE memories SET lexical = trim(lexical || ' ' || @text) WHERE project_id = @project AND id = @id;";
            command.Parameters.AddWithValue("@project", projectId);
            var id = command.Parameters.Add("@id", SqliteType.Text);
            var text = command.Parameters.Add("@text", SqliteType.Text);
            foreach (var append in appends)
            {
                cancellationToken.ThrowIfCancellationRequested();
                ArgumentNullException.ThrowIfNull(append);
                if (string.IsNullOrWhiteSpace(append.Text))
                {
                    continue;
                }

                id.Value = append.MemoryId;
                text.Value = append.Text;
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        public async Task WriteHistoryAsync(IReadOnlyList<MemoryHistoryEntry> entries, CancellationToken cancellationToken)
        {
            if (entries.Count == 0)
            {
                return;
            }

            using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO history (id, project_id, memory_id, event, old_memory, new_memory, created_at, is_deleted, actor_id, role, related_memory_id)
                VALUES (@id, @project, @memory_id, @event, @old_memory, @new_memory, @created_at, @is_deleted, @actor_id, @role, @related_memory_id);
                """;
            command.Parameters.AddWithValue("@project", projectId);
            foreach (var entry in entries)
            {
                cancellationToken.ThrowIfCancellationRequested();
                ArgumentNullException.ThrowIfNull(entry, nameof(entries));
                Set(command, "@id", entry.Id);
                Set(command, "@memory_id", entry.MemoryId);
                Set(command, "@event", MemoryEventTypeNames.ToName(entry.Event));
                Set(command, "@old_memory", entry.OldMemory);
                Set(command, "@new_memory", entry.NewMemory);
                Set(command, "@created_at", SqliteValues.FormatTimestamp(entry.CreatedAt));
                Set(command, "@is_deleted", entry.IsDeleted ? 1 : 0);
                Set(command, "@actor_id", entry.ActorId);
                Set(command, "@role", entry.Role);
                Set(command, "@related_memory_id", entry.RelatedMemoryId);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        public async Task RemoveOrphanEntitiesAsync(CancellationToken cancellationToken)
        {
            if (_touchedEntities.Count == 0)
            {
                return;
            }

            using var command = connection.CreateCommand();
            command.CommandText = """
                DELETE FROM entities WHERE project_id = @project AND id = @entity_id
                AND NOT EXISTS (SELECT 1 FROM memory_entities me WHERE me.entity_id = @entity_id AND me.project_id = @project);
                """;
            command.Parameters.AddWithValue("@project", projectId);
            foreach (var entityId in _touchedEntities)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Set(command, "@entity_id", entityId);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        private async Task LinkAsync(long memorySeq, IReadOnlyList<EntityMention> entities, CancellationToken cancellationToken)
        {
            // The two commands live as long as the batch, so each statement is prepared once, not once per memory.
            var upsert = _upsertEntity ??= CreateCommand("""
                INSERT INTO entities (project_id, entity_key, name, type) VALUES (@project, @key, @name, @type)
                ON CONFLICT (project_id, entity_key) DO UPDATE SET entity_key = excluded.entity_key
                RETURNING id;
                """);
            var link = _linkEntity ??= CreateCommand("INSERT OR IGNORE INTO memory_entities (memory_seq, entity_id, project_id) VALUES (@memory_seq, @entity_id, @project);");
            Set(link, "@memory_seq", memorySeq);
            foreach (var entity in entities)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (entity is null || string.IsNullOrWhiteSpace(entity.Key))
                {
                    continue;
                }

                // An entity met earlier in the batch keeps its id: the upsert would find the same row (its name and type are
                // only set on creation), and skipping it saves a write per link.
                if (!_entityIds.TryGetValue(entity.Key, out var entityId))
                {
                    Set(upsert, "@key", entity.Key);
                    Set(upsert, "@name", entity.Name ?? entity.Key);
                    Set(upsert, "@type", entity.Type ?? string.Empty);
                    entityId = Convert.ToInt64(await upsert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
                    _entityIds[entity.Key] = entityId;
                }

                Set(link, "@entity_id", entityId);
                await link.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>Releases the commands kept for the batch.</summary>
        public void Dispose()
        {
            _upsertEntity?.Dispose();
            _linkEntity?.Dispose();
        }

        private SqliteCommand CreateCommand(string sql)
        {
            var command = connection.CreateCommand();
            command.CommandText = sql;
            command.Parameters.AddWithValue("@project", projectId);
            return command;
        }

        private async Task UnlinkAsync(long memorySeq, CancellationToken cancellationToken)
        {
            using var select = connection.CreateCommand();
            select.CommandText = "SELECT entity_id FROM memory_entities WHERE project_id = @project AND memory_seq = @memory_seq;";
            select.Parameters.AddWithValue("@project", projectId);
            select.Parameters.AddWithValue("@memory_seq", memorySeq);
            await CollectEntitiesAsync(select, cancellationToken).ConfigureAwait(false);
            using var delete = connection.CreateCommand();
            delete.CommandText = "DELETE FROM memory_entities WHERE project_id = @project AND memory_seq = @memory_seq;";
            delete.Parameters.AddWithValue("@project", projectId);
            delete.Parameters.AddWithValue("@memory_seq", memorySeq);
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        private async Task CollectEntitiesAsync(SqliteCommand select, CancellationToken cancellationToken)
        {
            var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    _touchedEntities.Add(reader.GetInt64(0));
                }
            }
        }

        private static void SetItem(SqliteCommand command, MemoryRecord record)
        {
            ArgumentNullException.ThrowIfNull(record);
            var item = record.Item;
            Set(command, "@id", item.Id);
            SetScope(command, item.Scope);
            Set(command, "@memory", item.Memory);
            Set(command, "@hash", item.Hash);
            Set(command, "@metadata", MemoryMetadata.ToJson(item.Metadata ?? MemoryMetadata.Empty));
            Set(command, "@categories", SqliteValues.ToJsonArray(item.Categories ?? []));
            Set(command, "@role", item.Role);
            Set(command, "@actor_id", item.ActorId);
            Set(command, "@attributed_to", item.AttributedTo);
            Set(command, "@created_at", SqliteValues.FormatTimestamp(item.CreatedAt));
            Set(command, "@updated_at", SqliteValues.FormatTimestamp(item.UpdatedAt));
            Set(command, "@observed_at", SqliteValues.FormatTimestamp(item.ObservedAt));
            Set(command, "@expiration_date", item.ExpirationDate is { } date ? SqliteValues.FormatDate(date) : null);
            Set(command, "@superseded_by", item.SupersededBy);
            Set(command, "@valid_to", item.ValidTo is { } validTo ? SqliteValues.FormatTimestamp(validTo) : null);
            Set(command, "@source_message_ids", SqliteValues.ToJsonArray(item.SourceMessageIds ?? []));
            Set(command, "@lexical", record.LexicalText ?? string.Empty);
            Set(command, "@immutable", item.Immutable ? 1 : 0);
        }

        private static void SetScope(SqliteCommand command, MemoryScope? scope)
        {
            Set(command, "@user_id", scope?.UserId);
            Set(command, "@agent_id", scope?.AgentId);
            Set(command, "@app_id", scope?.AppId);
            Set(command, "@run_id", scope?.RunId);
        }

        private static void Set(SqliteCommand command, string name, object? value)
        {
            var parameters = command.Parameters;
            var index = parameters.IndexOf(name);
            if (index >= 0)
            {
                parameters[index].Value = value ?? DBNull.Value;
            }
            else
            {
                parameters.AddWithValue(name, value ?? DBNull.Value);
            }
        }
    }
}
