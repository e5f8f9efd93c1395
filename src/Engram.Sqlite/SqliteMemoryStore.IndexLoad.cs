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
        if (allUsers)
        {
            // "+m.project_id" keeps SQLite from using an index: one pass over the table in row id order.
            rows.CommandText = $"SELECT {Columns} FROM memories m WHERE +m.project_id = @project ORDER BY m.seq;";
            links.CommandText = """
                SELECT me.memory_seq, e.entity_key FROM memory_entities me JOIN entities e ON e.id = me.entity_id
                WHERE me.project_id = @project AND e.project_id = @project ORDER BY me.memory_seq;
                """;
        }
        else
        {
            rows.CommandText = $"SELECT {Columns} FROM memories m WHERE m.project_id = @project AND m.user_id IS @user ORDER BY m.seq;";
            links.CommandText = """
                SELECT me.memory_seq, e.entity_key FROM memories m
                JOIN memory_entities me ON me.memory_seq = m.seq JOIN entities e ON e.id = me.entity_id
                WHERE m.project_id = @project AND m.user_id IS @user AND me.project_id = @project AND e.project_id = @project
                ORDER BY m.seq;
                """;
            rows.Parameters.AddWithValue("@user", (object?)userId ?? DBNull.Value);
            links.Parameters.AddWithValue("@user", (object?)userId ?? DBNull.Value);
        }

        var partitions = new Dictionary<string, MemoryIndexPartition>(StringComparer.Ordinal);
        if (!allUsers)
        {
            partitions[MemoryIndex.Key(userId)] = new MemoryIndexPartition(userId, dimensions);
        }

        var vector = ArrayPool<float>.Shared.Rent(Math.Max(1, dimensions));
        var codes = new sbyte[Math.Max(1, dimensions)];
        var signs = new ulong[dimensions > 0 ? QuantizedVectors.SignWords(dimensions) : 0];
        var terms = new List<int>();
        var entities = new List<int>();
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
                        entities.Clear();
                        while (hasLink && linkReader.GetInt64(0) <= seq)
                        {
                            if (linkReader.GetInt64(0) == seq)
                            {
                                entities.Add(index.EntityId(linkReader.GetString(1)));
                            }

                            hasLink = await linkReader.ReadAsync(cancellationToken).ConfigureAwait(false);
                        }

                        AppendRow(reader, seq, partitions, index, dimensions, vector, codes, signs, terms, entities);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(vector);
        }

        return [.. partitions.Values];
    }

    private static void AppendRow(
        SqliteDataReader reader,
        long seq,
        Dictionary<string, MemoryIndexPartition> partitions,
        MemoryIndex index,
        int dimensions,
        float[] vector,
        sbyte[] codes,
        ulong[] signs,
        List<int> terms,
        List<int> entities)
    {
        var user = reader.IsDBNull(2) ? null : reader.GetString(2);
        var key = MemoryIndex.Key(user);
        if (!partitions.TryGetValue(key, out var partition))
        {
            partition = new MemoryIndexPartition(user, dimensions);
            partitions[key] = partition;
        }

        terms.Clear();
        var lexical = reader.GetString(9);
        if (!TryTokenize(lexical, index, terms))
        {
            partition.HasInexactText = true;
        }

        var (termIds, frequencies) = CountTerms(terms);
        var hasVector = false;
        var scale = 0f;
        // GetFieldValue<byte[]> copies the value; GetBytes would open an incremental blob handle per call, which is far slower.
        if (dimensions > 0 && !reader.IsDBNull(10) && !reader.IsDBNull(11) && reader.GetInt32(11) == dimensions
            && reader.GetFieldValue<byte[]>(10) is { } blob && blob.Length == dimensions * sizeof(float))
        {
            var floats = vector.AsSpan(0, dimensions);
            SqliteValues.FromBlob(blob, floats);
            scale = QuantizedVectors.QuantizeInt8(floats, codes);
            QuantizedVectors.Signs(floats, signs);
            hasVector = true;
        }

        partition.Append(new MemoryIndexEntry
        {
            Seq = seq,
            Id = reader.GetString(1),
            UserId = user,
            AgentId = reader.IsDBNull(3) ? null : reader.GetString(3),
            AppId = reader.IsDBNull(4) ? null : reader.GetString(4),
            RunId = reader.IsDBNull(5) ? null : reader.GetString(5),
            Expiration = reader.IsDBNull(6) ? null : reader.GetString(6),
            Superseded = !reader.IsDBNull(7),
            CreatedTicks = SqliteValues.ParseTimestamp(reader.GetString(8)).UtcTicks,
            Codes = hasVector ? codes : null,
            Scale = scale,
            Signs = hasVector ? signs : null,
            DocumentLength = terms.Count,
            TermIds = termIds,
            TermFrequencies = frequencies,
            EntityIds = [.. entities],
        });
    }
}
