using System.Runtime.CompilerServices;
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
    public async IAsyncEnumerable<MemoryRecord> ReadRecordsAsync(string projectId, bool includeEmbeddings, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        long after = 0;
        while (true)
        {
            var (page, last) = await ReadRecordPageAsync(projectId, includeEmbeddings, after, cancellationToken).ConfigureAwait(false);
            foreach (var record in page)
            {
                yield return record;
            }

            if (page.Count < ArchivePageSize)
            {
                yield break;
            }

            after = last;
        }
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
    private async IAsyncEnumerable<T> ReadPagesAsync<T>(
        string projectId, string select, int rowIdOrdinal, Func<SqliteDataReader, T> read, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long after = 0;
        while (true)
        {
            var page = await ExecuteAsync("archive_read", write: false, async connection =>
            {
                using var command = connection.CreateCommand();
                command.CommandText = $"{select} WHERE project_id = @project AND rowid > @after ORDER BY rowid LIMIT {ArchivePageSize};";
                command.Parameters.AddWithValue("@project", projectId);
                command.Parameters.AddWithValue("@after", after);
                var rows = new List<(T Row, long RowId)>(ArchivePageSize);
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        rows.Add((read(reader), reader.GetInt64(rowIdOrdinal)));
                    }
                }

                return rows;
            }, cancellationToken).ConfigureAwait(false);
            foreach (var (row, _) in page)
            {
                yield return row;
            }

            if (page.Count < ArchivePageSize)
            {
                yield break;
            }

            after = page[^1].RowId;
        }
    }

    private Task<(List<MemoryRecord> Page, long Last)> ReadRecordPageAsync(string projectId, bool includeEmbeddings, long after, CancellationToken cancellationToken) =>
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
                        var record = new MemoryRecord { Item = ReadMemory(reader), LexicalText = reader.GetString(19), Entities = [] };
                        if (reader.GetValue(20) is byte[] blob)
                        {
                            var vector = new float[blob.Length / sizeof(float)];
                            SqliteValues.FromBlob(blob, vector);
                            record = record with { Embedding = vector, EmbeddingModel = new EmbeddingModel(reader.GetString(21), reader.GetInt32(22)) };
                        }

                        page.Add((reader.GetInt64(23), record));
                    }
                }
            }

            if (page.Count == 0)
            {
                return (new List<MemoryRecord>(), after);
            }

            var entities = new Dictionary<long, List<EntityMention>>();
            using (var command = connection.CreateCommand())
            {
                command.CommandText = """
                    SELECT me.memory_seq, e.entity_key, e.name, e.type FROM memory_entities me JOIN entities e ON e.id = me.entity_id
                    WHERE me.project_id = @project AND me.memory_seq BETWEEN @first AND @last ORDER BY me.memory_seq, e.id;
                    """;
                command.Parameters.AddWithValue("@project", projectId);
                command.Parameters.AddWithValue("@first", page[0].Seq);
                command.Parameters.AddWithValue("@last", page[^1].Seq);
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        var seq = reader.GetInt64(0);
                        if (!entities.TryGetValue(seq, out var list))
                        {
                            entities[seq] = list = [];
                        }

                        list.Add(new EntityMention(reader.GetString(1), reader.GetString(2), reader.GetString(3)));
                    }
                }
            }

            var records = page.Select(p => entities.TryGetValue(p.Seq, out var list) ? p.Record with { Entities = list } : p.Record).ToList();
            return (records, page[^1].Seq);
        }, cancellationToken);
}
