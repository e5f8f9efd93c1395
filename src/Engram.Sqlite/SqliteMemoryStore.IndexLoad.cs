using System.Buffers;
using Microsoft.Data.Sqlite;

namespace Engram.Sqlite;

/// <content>The in-memory index: loading a user's (or the whole project's) partitions from the file.</content>
public sealed partial class SqliteMemoryStore
{
    /// <summary>
    /// Runs <paramref name="search"/> under the index's read lock over the partitions the filter can match, loading
    /// missing partitions first; <see langword="null"/> when the index cannot answer (the caller falls back to SQL).
    /// </summary>
    /// <remarks><paramref name="search"/> may itself return <see langword="null"/> to decline.</remarks>
    private async Task<T?> SearchIndexAsync<T>(
        IndexSession session, MemoryQuery query, MemoryIndexFilter filter, Func<MemoryIndex, List<MemoryIndexPartition>, T?> search, CancellationToken cancellationToken)
        where T : class
    {
        var index = _index!;
        for (var attempt = 0; attempt < LoadAttempts; attempt++)
        {
            RefreshIndex(session);
            List<string?>? missing = null;
            var loaded = false;
            T? Run() => index.Read(i =>
            {
                var partitions = i.SelectPartitions(query.ProjectId, filter, out missing);
                loaded = partitions is not null;
                return partitions is null ? null : search(i, partitions);
            });

            // A search over every partition of a project is long enough to leave the caller's thread, so that the engine's
            // vector, keyword and entity searches run on different cores; a user's partition is answered in place.
            var result = filter.Users is null ? await Task.Run(Run, cancellationToken).ConfigureAwait(false) : Run();
            if (loaded)
            {
                return result;
            }

            await LoadAsync(session, query.ProjectId, filter, missing, cancellationToken).ConfigureAwait(false);
        }

        return null;
    }

    private async Task LoadAsync(IndexSession session, string projectId, MemoryIndexFilter filter, List<string?>? users, CancellationToken cancellationToken)
    {
        var index = _index!;
        await _loadGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another search may have loaded them while this one waited.
            RefreshIndex(session);
            if (index.Read(i => i.SelectPartitions(projectId, filter, out _)) is not null)
            {
                return;
            }

            var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                using var transaction = connection.BeginTransaction(deferred: true);
                var generation = ReadGeneration(connection, transaction);
                var dimensions = ReadEmbedder(connection, transaction)?.Dimensions ?? 0;
                var partitions = new List<MemoryIndexPartition>();
                if (users is null)
                {
                    partitions.AddRange(await ReadPartitionsAsync(connection, transaction, projectId, null, allUsers: true, dimensions, cancellationToken).ConfigureAwait(false));
                }
                else
                {
                    foreach (var user in users)
                    {
                        partitions.AddRange(await ReadPartitionsAsync(connection, transaction, projectId, user, allUsers: false, dimensions, cancellationToken).ConfigureAwait(false));
                    }
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                index.Install(projectId, generation, partitions, complete: users is null);
            }
        }
        catch (SqliteException ex)
        {
            throw Map(ex, "search");
        }
        finally
        {
            _loadGate.Release();
        }
    }

    /// <remarks>
    /// Rows come grouped by <c>user_id</c> (the <c>(project_id, user_id)</c> index gives that order), so each partition is
    /// built once at its final size: growing large arrays step by step would leave the large-object heap fragmented.
    /// </remarks>
    private async Task<List<MemoryIndexPartition>> ReadPartitionsAsync(
        SqliteConnection connection, SqliteTransaction transaction, string projectId, string? userId, bool allUsers, int dimensions, CancellationToken cancellationToken)
    {
        var index = _index!;
        using var rows = connection.CreateCommand();
        using var links = connection.CreateCommand();
        rows.Transaction = transaction;
        links.Transaction = transaction;
        rows.Parameters.AddWithValue("@project", projectId);
        links.Parameters.AddWithValue("@project", projectId);
        const string Columns = "m.seq, m.id, m.user_id, m.agent_id, m.app_id, m.run_id, m.expiration_date, m.superseded_by, m.created_at, m.lexical, m.embedding, m.dims";
        const string Links = """
            SELECT m.user_id, me.memory_seq, e.entity_key FROM memories m
            JOIN memory_entities me ON me.memory_seq = m.seq JOIN entities e ON e.id = me.entity_id
            WHERE m.project_id = @project AND me.project_id = @project AND e.project_id = @project
            """;
        if (allUsers)
        {
            rows.CommandText = $"SELECT {Columns} FROM memories m WHERE m.project_id = @project ORDER BY m.user_id, m.seq;";
            links.CommandText = Links + " ORDER BY m.user_id, m.seq;";
        }
        else
        {
            rows.CommandText = $"SELECT {Columns} FROM memories m WHERE m.project_id = @project AND m.user_id IS @user ORDER BY m.seq;";
            links.CommandText = Links + " AND m.user_id IS @user ORDER BY m.seq;";
            rows.Parameters.AddWithValue("@user", (object?)userId ?? DBNull.Value);
            links.Parameters.AddWithValue("@user", (object?)userId ?? DBNull.Value);
        }

        var partitions = new List<MemoryIndexPartition>();
        var pending = new List<MemoryIndexEntry>();
        var pendingUser = userId;
        var vector = ArrayPool<float>.Shared.Rent(Math.Max(1, dimensions));
        var terms = new List<int>();
        var entities = new List<int>();
        var inexact = false;
        try
        {
            var linkReader = await links.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (linkReader.ConfigureAwait(false))
            {
                var hasLink = await linkReader.ReadAsync(cancellationToken).ConfigureAwait(false);
                var reader = await rows.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    var count = 0;
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        if ((++count & 1023) == 0)
                        {
                            cancellationToken.ThrowIfCancellationRequested();
                        }

                        var seq = reader.GetInt64(0);
                        var user = ReadNullableString(reader, 2);
                        if (!string.Equals(user, pendingUser, StringComparison.Ordinal))
                        {
                            Flush();
                            pendingUser = user;
                        }

                        // Both readers follow (user_id, seq) order: skip the links of rows before this one, take this row's.
                        entities.Clear();
                        while (hasLink && ComparePosition(ReadNullableString(linkReader, 0), linkReader.GetInt64(1), user, seq) <= 0)
                        {
                            if (linkReader.GetInt64(1) == seq)
                            {
                                entities.Add(index.EntityId(linkReader.GetString(2)));
                            }

                            hasLink = await linkReader.ReadAsync(cancellationToken).ConfigureAwait(false);
                        }

                        pending.Add(ReadEntry(reader, seq, user, index, dimensions, vector, terms, entities, ref inexact));
                    }
                }
            }

            Flush();
        }
        finally
        {
            ArrayPool<float>.Shared.Return(vector);
        }

        return partitions;

        void Flush()
        {
            if (pending.Count == 0 && (allUsers || partitions.Count > 0))
            {
                return;
            }

            var partition = MemoryIndexPartition.Build(pendingUser, dimensions, pending);
            partition.HasInexactText |= inexact;

            // Built here, on the loading thread, rather than by the first search.
            partition.GetInverted();
            partitions.Add(partition);
            pending.Clear();
            inexact = false;
        }
    }

    // (user_id, seq) order as SQLite sorts it: NULL first, then BINARY text, then row id.
    private static int ComparePosition(string? userA, long seqA, string? userB, long seqB)
    {
        if (!string.Equals(userA, userB, StringComparison.Ordinal))
        {
            return userA is null ? -1 : userB is null ? 1 : KeywordOrder.CompareBinary(userA, userB);
        }

        return seqA.CompareTo(seqB);
    }

    private static string? ReadNullableString(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static MemoryIndexEntry ReadEntry(
        SqliteDataReader reader, long seq, string? user, MemoryIndex index, int dimensions, float[] vector, List<int> terms, List<int> entities, ref bool inexact)
    {
        terms.Clear();
        if (!TryTokenize(reader.GetString(9), index, terms))
        {
            inexact = true;
        }

        var (termIds, frequencies) = CountTerms(terms);
        sbyte[]? codes = null;
        ulong[]? signs = null;
        var scale = 0f;

        // GetFieldValue<byte[]> copies the value; GetBytes would open an incremental blob handle per call, which is far slower.
        if (dimensions > 0 && !reader.IsDBNull(10) && !reader.IsDBNull(11) && reader.GetInt32(11) == dimensions
            && reader.GetFieldValue<byte[]>(10) is { } blob && blob.Length == dimensions * sizeof(float))
        {
            var floats = vector.AsSpan(0, dimensions);
            SqliteValues.FromBlob(blob, floats);
            codes = new sbyte[dimensions];
            scale = QuantizedVectors.QuantizeInt8(floats, codes);
            signs = new ulong[QuantizedVectors.SignWords(dimensions)];
            QuantizedVectors.Signs(floats, signs);
        }

        return new MemoryIndexEntry
        {
            Seq = seq,
            Id = reader.GetString(1),
            UserId = user,
            AgentId = ReadNullableString(reader, 3),
            AppId = ReadNullableString(reader, 4),
            RunId = ReadNullableString(reader, 5),
            Expiration = ReadNullableString(reader, 6),
            Superseded = !reader.IsDBNull(7),
            CreatedTicks = SqliteValues.ParseTimestamp(reader.GetString(8)).UtcTicks,
            Codes = codes,
            Scale = scale,
            Signs = signs,
            DocumentLength = terms.Count,
            TermIds = termIds,
            TermFrequencies = frequencies,
            EntityIds = [.. entities],
        };
    }
}
