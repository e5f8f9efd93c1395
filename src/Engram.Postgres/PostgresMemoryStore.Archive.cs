using Npgsql;

namespace Engram.Postgres;

/// <content>Lossless export reads (<see cref="IMemoryArchiveStore"/>): keyset pages by sequence number, one connection per page.</content>
public sealed partial class PostgresMemoryStore : IMemoryArchiveStore
{
    /// <summary>The rows read per query of an export (its memory use is one page, whatever the project's size).</summary>
    private const int ArchivePageSize = 500;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="projectId"/> is empty.</exception>
    /// <exception cref="MemoryStoreException">PostgreSQL failed.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public IAsyncEnumerable<MemoryRecord> ReadRecordsAsync(string projectId, bool includeEmbeddings, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        return StoreRows.KeysetPagesAsync((after, token) => ReadRecordPageAsync(projectId, includeEmbeddings, after, token), ArchivePageSize, cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="projectId"/> is empty.</exception>
    /// <exception cref="MemoryStoreException">PostgreSQL failed.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public IAsyncEnumerable<MemoryHistoryEntry> ReadHistoryAsync(string projectId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        return ReadPagesAsync(
            projectId,
            "SELECT id, memory_id, event, old_memory, new_memory, created_at, is_deleted, actor_id, role, related_memory_id, seq FROM history",
            "seq",
            10,
            reader => new MemoryHistoryEntry
            {
                Id = reader.GetString(0),
                MemoryId = reader.GetString(1),
                Event = MemoryEventTypeNames.Parse(reader.GetString(2)),
                OldMemory = PostgresValues.NullableString(reader, 3),
                NewMemory = PostgresValues.NullableString(reader, 4),
                CreatedAt = PostgresValues.ParseTimestamp(reader.GetString(5)),
                IsDeleted = reader.GetBoolean(6),
                ActorId = PostgresValues.NullableString(reader, 7),
                Role = PostgresValues.NullableString(reader, 8),
                RelatedMemoryId = PostgresValues.NullableString(reader, 9),
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="projectId"/> is empty.</exception>
    /// <exception cref="MemoryStoreException">PostgreSQL failed.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public IAsyncEnumerable<StoredMessage> ReadMessagesAsync(string projectId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        return ReadPagesAsync(projectId, $"SELECT {MessageColumns}, seq FROM messages", "seq", 11, ReadMessage, cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="projectId"/> is empty.</exception>
    /// <exception cref="MemoryStoreException">PostgreSQL failed.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public IAsyncEnumerable<GraphRelation> ReadRelationsAsync(string projectId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        return ReadPagesAsync(projectId, $"SELECT {StoreRows.RelationColumns} FROM relations", "id", 0, StoreRows.ReadRelation, cancellationToken);
    }

    /// <summary>
    /// Streams the project's rows of one table page by page, in <paramref name="key"/> order; <paramref name="select"/>
    /// selects the key at <paramref name="keyOrdinal"/>.
    /// </summary>
    private IAsyncEnumerable<T> ReadPagesAsync<T>(
        string projectId, string select, string key, int keyOrdinal, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken) =>
        StoreRows.KeysetPagesAsync(
            (after, token) => RunAsync("archive_read", write: false, async connection =>
            {
                using var command = new NpgsqlCommand($"{select} WHERE project_id = @project AND {key} > @after ORDER BY {key} LIMIT {ArchivePageSize};", connection);
                command.Parameters.Add(PostgresValues.Text("project", projectId));
                command.Parameters.Add(PostgresValues.Integer("after", after));
                var rows = await StoreRows.ReadAllAsync(command, r => (Row: read((NpgsqlDataReader)r), Key: r.GetInt64(keyOrdinal)), token).ConfigureAwait(false);
                return ((IReadOnlyList<T>)rows.Select(r => r.Row).ToList(), rows.Count == 0 ? after : rows[^1].Key);
            }, token),
            ArchivePageSize,
            cancellationToken);

    private Task<(IReadOnlyList<MemoryRecord> Rows, long Last)> ReadRecordPageAsync(string projectId, bool includeEmbeddings, long after, CancellationToken cancellationToken) =>
        RunAsync("archive_read", write: false, async connection =>
        {
            var page = new List<(long Seq, MemoryRecord Record)>(ArchivePageSize);
            var vectorColumns = !includeEmbeddings ? "NULL::real[], NULL, NULL"
                : _vectorMode == PostgresVectorMode.Pgvector ? "m.embedding::real[], m.embedder, m.dims" : "m.embedding, m.embedder, m.dims";
            using (var command = new NpgsqlCommand($"""
                SELECT {MemoryColumns}, m.lexical, {vectorColumns}, m.seq FROM memories m
                WHERE m.project_id = @project AND m.seq > @after ORDER BY m.seq LIMIT {ArchivePageSize};
                """, connection))
            {
                command.Parameters.Add(PostgresValues.Text("project", projectId));
                command.Parameters.Add(PostgresValues.Integer("after", after));
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        var record = new MemoryRecord { Item = ReadMemory(reader), LexicalText = reader.GetString(20), Entities = [] };
                        var value = reader.GetValue(21);
                        if (value is byte[] bytes)
                        {
                            var decoded = new float[bytes.Length / sizeof(float)];
                            PostgresValues.DecodeFloat4(bytes, decoded);
                            value = decoded;
                        }

                        if (value is float[] vector)
                        {
                            record = record with
                            {
                                Embedding = vector,
                                EmbeddingModel = new EmbeddingModel(reader.GetString(22), reader.GetInt32(23)),
                            };
                        }

                        page.Add((reader.GetInt64(24), record));
                    }
                }
            }

            if (page.Count == 0)
            {
                return ((IReadOnlyList<MemoryRecord>)[], after);
            }

            using var mentions = new NpgsqlCommand("""
                SELECT me.memory_seq, e.entity_key, e.name, e.type FROM memory_entities me JOIN entities e ON e.id = me.entity_id AND e.project_id = @project
                WHERE me.project_id = @project AND me.memory_seq BETWEEN @first AND @last ORDER BY me.memory_seq, e.id;
                """, connection);
            mentions.Parameters.Add(PostgresValues.Text("project", projectId));
            mentions.Parameters.Add(PostgresValues.Integer("first", page[0].Seq));
            mentions.Parameters.Add(PostgresValues.Integer("last", page[^1].Seq));
            var entities = await StoreRows.ReadEntityMentionsAsync(mentions, cancellationToken).ConfigureAwait(false);
            IReadOnlyList<MemoryRecord> records = [.. page.Select(p => entities.TryGetValue(p.Seq, out var list) ? p.Record with { Entities = list } : p.Record)];
            return (records, page[^1].Seq);
        }, cancellationToken);
}
