using System.Buffers;
using System.Numerics.Tensors;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Engram.Sqlite;

/// <content>Retrieval: exact vector scan, FTS5 BM25 and entity links.</content>
public sealed partial class SqliteMemoryStore
{
    private long _vectorSearches;
    private long _vectorsScanned;
    private long _vectorBytesScanned;

    /// <summary>Gets the cumulative counters of this store's vector searches.</summary>
    /// <returns>A snapshot of the counters.</returns>
    public SqliteVectorSearchStatistics GetVectorSearchStatistics()
    {
        var (vectors, bytes) = _index?.Measure() ?? (0, 0);
        return new()
        {
            Searches = Interlocked.Read(ref _vectorSearches),
            VectorsScanned = Interlocked.Read(ref _vectorsScanned),
            BytesScanned = Interlocked.Read(ref _vectorBytesScanned),
            VectorsRescored = Interlocked.Read(ref _vectorsRescored),
            IndexedVectors = vectors,
            IndexBytes = bytes,
        };
    }
    /// <inheritdoc/>
    /// <remarks>
    /// Scans the vectors of every memory matching <paramref name="query"/> (an exact search: the dot product of
    /// L2-normalised vectors is their cosine) and keeps the best <paramref name="limit"/>; ties are broken by id.
    /// Returns an empty list while no vector has been stored.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="query"/> or <paramref name="model"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="vector"/>'s length differs from <paramref name="model"/>'s dimension.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is not positive.</exception>
    /// <exception cref="MemoryValidationException">The filter uses an operator a field does not support, or a malformed date.</exception>
    /// <exception cref="MemoryStoreException">The database cannot be read.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public async Task<IReadOnlyList<ScoredMemoryId>> SearchVectorsAsync(
        MemoryQuery query, ReadOnlyMemory<float> vector, EmbeddingModel model, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        if (vector.Length != model.Dimensions)
        {
            throw new ArgumentException($"The query vector has {vector.Length} dimensions, but the model '{model.Id}' declares {model.Dimensions}.", nameof(vector));
        }

        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        if (_index is not null && MemoryIndexFilter.TryCreate(query) is { } filter)
        {
            ArgumentException.ThrowIfNullOrEmpty(query.ProjectId, nameof(query));
            try
            {
                if (await SearchVectorsIndexedAsync(query, filter, vector, model, limit, cancellationToken).ConfigureAwait(false) is { } hits)
                {
                    return hits;
                }
            }
            catch (SqliteException ex)
            {
                throw Map(ex, "search");
            }
        }

        try
        {
            var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                using var transaction = connection.BeginTransaction(deferred: true);
                if (!await CheckEmbedderAsync(connection, model, record: false, cancellationToken).ConfigureAwait(false))
                {
                    return [];
                }

                using var command = connection.CreateCommand();
                var sql = new StringBuilder("SELECT m.id, m.embedding FROM memories m WHERE ");
                var translator = SqliteFilterTranslator.AppendQuery(query, command, sql);
                sql.Append(" AND m.embedding IS NOT NULL AND m.dims = @dims;");
                command.CommandText = sql.ToString();
                command.Parameters.AddWithValue("@dims", model.Dimensions);
                if (translator.UsesFunctions)
                {
                    SqliteFilterTranslator.RegisterFunctions(connection);
                }

                var (hits, rows) = await ScanAsync(command, vector, limit, cancellationToken).ConfigureAwait(false);
                Interlocked.Increment(ref _vectorSearches);
                Interlocked.Add(ref _vectorsScanned, rows);
                Interlocked.Add(ref _vectorBytesScanned, rows * model.Dimensions * sizeof(float));
                return hits;
            }
        }
        catch (SqliteException ex)
        {
            throw Map(ex, "search");
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Uses SQLite FTS5 (<c>unicode61</c> tokenizer) with each term as a quoted phrase, ORed; the score is
    /// <c>-bm25()</c>, FTS5's Okapi BM25 with k1 = 1.2 and b = 0.75 (IDF floored just above 0), so it is ≥ 0. Document
    /// statistics are those of the whole file. Blank terms are ignored; no term left gives an empty result.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="query"/> or <paramref name="terms"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is not positive.</exception>
    /// <exception cref="MemoryValidationException">The filter uses an operator a field does not support, or a malformed date.</exception>
    /// <exception cref="MemoryStoreException">The database cannot be read.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public async Task<IReadOnlyList<ScoredMemoryId>> SearchKeywordsAsync(
        MemoryQuery query, IReadOnlyList<string> terms, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var phrases = terms.Where(t => !string.IsNullOrWhiteSpace(t) && t.Any(char.IsLetterOrDigit))
            .Select(t => t.Trim())
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var match = string.Join(" OR ", phrases.Select(t => "\"" + t.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""));
        if (match.Length == 0)
        {
            return [];
        }

        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        if (_index is not null && MemoryIndexFilter.TryCreate(query) is { } filter)
        {
            ArgumentException.ThrowIfNullOrEmpty(query.ProjectId, nameof(query));
            try
            {
                if (await SearchKeywordsIndexedAsync(query, filter, phrases, limit, cancellationToken).ConfigureAwait(false) is { } hits)
                {
                    return hits;
                }
            }
            catch (SqliteException ex)
            {
                throw Map(ex, "search");
            }
        }

        try
        {
            var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                using var command = connection.CreateCommand();
                var sql = new StringBuilder("""
                    SELECT m.id, -bm25(memories_fts) AS score
                    FROM memories_fts JOIN memories m ON m.seq = memories_fts.rowid
                    WHERE memories_fts MATCH @match AND 
                    """);
                var translator = SqliteFilterTranslator.AppendQuery(query, command, sql);
                sql.Append(" ORDER BY score DESC, m.id LIMIT @limit;");
                command.CommandText = sql.ToString();
                command.Parameters.AddWithValue("@match", match);
                command.Parameters.AddWithValue("@limit", limit);
                if (translator.UsesFunctions)
                {
                    SqliteFilterTranslator.RegisterFunctions(connection);
                }

                var result = new List<ScoredMemoryId>();
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        result.Add(new ScoredMemoryId(reader.GetString(0), Math.Max(0, reader.GetDouble(1))));
                    }
                }

                return result;
            }
        }
        catch (SqliteException ex)
        {
            throw Map(ex, "search");
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Only memories matching <paramref name="query"/> count, both as results and in <see cref="EntityLink.LinkCount"/>.
    /// When more links than <paramref name="limit"/> exist, the links of the rarest entities (lowest link count, the
    /// most specific) come first, then the newest memories.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="query"/> or <paramref name="entityKeys"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is not positive.</exception>
    /// <exception cref="MemoryValidationException">The filter uses an operator a field does not support, or a malformed date.</exception>
    /// <exception cref="MemoryStoreException">The database cannot be read.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public async Task<IReadOnlyList<EntityLink>> FindEntityLinksAsync(
        MemoryQuery query, IReadOnlyList<string> entityKeys, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(entityKeys);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var keys = entityKeys.Where(k => !string.IsNullOrWhiteSpace(k)).Distinct(StringComparer.Ordinal).ToList();
        if (keys.Count == 0)
        {
            return [];
        }

        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        if (_index is not null && MemoryIndexFilter.TryCreate(query) is { } filter)
        {
            ArgumentException.ThrowIfNullOrEmpty(query.ProjectId, nameof(query));
            try
            {
                if (await FindEntityLinksIndexedAsync(query, filter, keys, limit, cancellationToken).ConfigureAwait(false) is { } links)
                {
                    return links;
                }
            }
            catch (SqliteException ex)
            {
                throw Map(ex, "entities");
            }
        }

        try
        {
            var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                using var command = connection.CreateCommand();
                var sql = new StringBuilder("""
                    SELECT memory_id, entity_key, link_count FROM (
                        SELECT m.id AS memory_id, e.entity_key AS entity_key, m.created_at AS created_at,
                            count(*) OVER (PARTITION BY e.id) AS link_count
                        FROM entities e
                        JOIN memory_entities me ON me.entity_id = e.id
                        JOIN memories m ON m.seq = me.memory_seq
                        WHERE e.project_id = @project AND me.project_id = @project
                            AND e.entity_key IN (SELECT value FROM json_each(@keys)) AND 
                    """);
                var translator = SqliteFilterTranslator.AppendQuery(query, command, sql);
                sql.Append(") ORDER BY link_count, entity_key, created_at DESC, memory_id LIMIT @limit;");
                command.CommandText = sql.ToString();
                command.Parameters.AddWithValue("@project", query.ProjectId);
                command.Parameters.AddWithValue("@keys", SqliteValues.ToJsonArray(keys));
                command.Parameters.AddWithValue("@limit", limit);
                if (translator.UsesFunctions)
                {
                    SqliteFilterTranslator.RegisterFunctions(connection);
                }

                var result = new List<EntityLink>();
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        result.Add(new EntityLink(reader.GetString(0), reader.GetString(1), reader.GetInt32(2)));
                    }
                }

                return result;
            }
        }
        catch (SqliteException ex)
        {
            throw Map(ex, "entities");
        }
    }

    private static async Task<(IReadOnlyList<ScoredMemoryId> Hits, long Rows)> ScanAsync(
        SqliteCommand command, ReadOnlyMemory<float> vector, int limit, CancellationToken cancellationToken)
    {
        var dimensions = vector.Length;
        var bytes = ArrayPool<byte>.Shared.Rent(dimensions * sizeof(float));
        var floats = ArrayPool<float>.Shared.Rent(dimensions);
        try
        {
            // Min-heap of the best hits so far: the root is the worst kept hit.
            var heap = new PriorityQueue<ScoredMemoryId, ScoredMemoryId>(limit + 1, HitComparer.WorstFirst);
            var rows = 0L;
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    if ((++rows & 1023) == 0)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                    }

                    var length = reader.GetBytes(1, 0, null, 0, 0);
                    if (length != dimensions * sizeof(float))
                    {
                        continue;
                    }

                    reader.GetBytes(1, 0, bytes, 0, (int)length);
                    SqliteValues.FromBlob(bytes.AsSpan(0, (int)length), floats.AsSpan(0, dimensions));
                    var score = (double)TensorPrimitives.Dot(vector.Span, floats.AsSpan(0, dimensions));
                    var hit = new ScoredMemoryId(reader.GetString(0), score);
                    if (heap.Count < limit)
                    {
                        heap.Enqueue(hit, hit);
                    }
                    else if (HitComparer.WorstFirst.Compare(hit, heap.Peek()) > 0)
                    {
                        heap.DequeueEnqueue(hit, hit);
                    }
                }
            }

            var result = new List<ScoredMemoryId>(heap.Count);
            while (heap.Count > 0)
            {
                result.Add(heap.Dequeue());
            }

            result.Reverse();
            return (result, rows);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
            ArrayPool<float>.Shared.Return(floats);
        }
    }

    /// <summary>Orders hits worst first: lower score, then (for equal scores) the greater id.</summary>
    private sealed class HitComparer : IComparer<ScoredMemoryId>
    {
        public static readonly HitComparer WorstFirst = new();

        public int Compare(ScoredMemoryId? x, ScoredMemoryId? y)
        {
            ArgumentNullException.ThrowIfNull(x);
            ArgumentNullException.ThrowIfNull(y);
            var byScore = x.Score.CompareTo(y.Score);
            return byScore != 0 ? byScore : string.CompareOrdinal(y.MemoryId, x.MemoryId);
        }
    }
}
