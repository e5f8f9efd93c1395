using Microsoft.Data.Sqlite;

namespace Engram.Sqlite;

/// <content>Lossless export reads (<see cref="IMemoryArchiveStore"/>): keyset pages by row id, one connection per page.</content>
public sealed partial class SqliteMemoryStore : IMemoryArchiveStore
{
    private const int ArchivePageSize = 500;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="projectId"/> is empty.</exception>
    /// <exception cref="MemoryStoreException">The database cannot be read.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public IAsyncEnumerable<MemoryRecord> ReadRecordsAsync(string projectId, bool includeEmbeddings, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        return StoreRows.KeysetPagesAsync((after, token) => ReadRecordPageAsync(projectId, includeEmbeddings, after, token), ArchivePageSize, cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="projectId"/> is empty.</exception>
    /// <exception cref="MemoryStoreException">The database cannot be read.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public IAsyncEnumerable<MemoryHistoryEntry> ReadHistoryAsync(string projectId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        return ReadPagesAsync(
            projectId,
            "SELECT id, memory_id, event, old_memory, new_memory, created_at, is_deleted, actor_id, role, related_memory_id, rowid FROM history",
            10,
            ReadHistoryEntry,
            cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="projectId"/> is empty.</exception>
    /// <exception cref="MemoryStoreException">The database cannot be read.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public IAsyncEnumerable<StoredMessage> ReadMessagesAsync(string projectId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        return ReadPagesAsync(projectId, $"SELECT {MessageColumns}, rowid FROM messages", 11, ReadMessage, cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="projectId"/> is empty.</exception>
    /// <exception cref="MemoryStoreException">The database cannot be read.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public IAsyncEnumerable<GraphRelation> ReadRelationsAsync(string projectId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        return ReadPagesAsync(projectId, $"SELECT {StoreRows.RelationColumns}, rowid FROM relations", 12, StoreRows.ReadRelation, cancellationToken);
    }

    /// <summary>Streams rows of one table page by page: <paramref name="select"/> must end with the row id at <paramref name="rowIdOrdinal"/>.</summary>
    private IAsyncEnumerable<T> ReadPagesAsync<T>(string projectId, string select, int rowIdOrdinal, Func<SqliteDataReader, T> read, CancellationToken cancellationToken) =>
        StoreRows.KeysetPagesAsync(
            (after, token) => ExecuteAsync("archive_read", write: false, async connection =>
            {
                using var command = connection.CreateCommand();
                command.CommandText = $"{select} WHERE project_id = @project AND rowid > @after ORDER BY rowid LIMIT {ArchivePageSize};";
                command.Parameters.AddWithValue("@project", projectId);
                command.Parameters.AddWithValue("@after", after);
                var rows = await StoreRows.ReadAllAsync(command, r => (Row: read((SqliteDataReader)r), RowId: r.GetInt64(rowIdOrdinal)), token).ConfigureAwait(false);
                return ((IReadOnlyList<T>)rows.Select(r => r.Row).ToList(), rows.Count == 0 ? after : rows[^1].RowId);
            }, token),
            ArchivePageSize,
            cancellationToken);

    private Task<(IReadOnlyList<MemoryRecord> Rows, long Last)> ReadRecordPageAsync(string projectId, bool includeEmbeddings, long after, CancellationToken cancellationToken) =>
        ExecuteAsync("archive_read", write: false, async connection =>
        {
            var page = new List<(long Seq, MemoryRecord Record)>(ArchivePageSize);
            using (var command = connection.CreateCommand())
            {
                var vectorColumns = includeEmbeddings ? "m.embedding, m.embedder, m.dims" : "NULL, NULL, NULL";
                command.CommandText = $"""
                    SELECT {MemoryColumns}, m.lexical, {vectorColumns}, m.seq FROM memories m
                    WHERE m.project_id = @project AND m.seq > @after ORDER BY m.seq LIMIT {ArchivePageSize};
                    """;
                command.Parameters.AddWithValue("@project", projectId);
                command.Parameters.AddWithValue("@after", after);
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        var record = new MemoryRecord { Item = ReadMemory(reader), LexicalText = reader.GetString(20), Entities = [] };
                        if (reader.GetValue(21) is byte[] blob)
                        {
                            var vector = new float[blob.Length / sizeof(float)];
                            SqliteValues.FromBlob(blob, vector);
                            record = record with { Embedding = vector, EmbeddingModel = new EmbeddingModel(reader.GetString(22), reader.GetInt32(23)) };
                        }

                        page.Add((reader.GetInt64(24), record));
                    }
                }
            }

            if (page.Count == 0)
            {
                return ((IReadOnlyList<MemoryRecord>)[], after);
            }

            using var mentions = connection.CreateCommand();
            mentions.CommandText = """
                SELECT me.memory_seq, e.entity_key, e.name, e.type FROM memory_entities me JOIN entities e ON e.id = me.entity_id
                WHERE me.project_id = @project AND me.memory_seq BETWEEN @first AND @last ORDER BY me.memory_seq, e.id;
                """;
            mentions.Parameters.AddWithValue("@project", projectId);
            mentions.Parameters.AddWithValue("@first", page[0].Seq);
            mentions.Parameters.AddWithValue("@last", page[^1].Seq);
            var entities = await StoreRows.ReadEntityMentionsAsync(mentions, cancellationToken).ConfigureAwait(false);
            IReadOnlyList<MemoryRecord> records = [.. page.Select(p => entities.TryGetValue(p.Seq, out var list) ? p.Record with { Entities = list } : p.Record)];
            return (records, page[^1].Seq);
        }, cancellationToken);
}
