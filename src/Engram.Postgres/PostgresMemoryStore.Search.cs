using System.Globalization;
using System.Numerics.Tensors;
using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace Engram.Postgres;

public sealed partial class PostgresMemoryStore
{
    /// <inheritdoc/>
    /// <remarks>
    /// pgvector: <c>ORDER BY embedding::vector(d) &lt;=&gt; q</c> over the HNSW index, score = 1 − cosine distance, with
    /// <c>hnsw.ef_search</c> = max(<see cref="PostgresStoreOptions.HnswEfSearch"/>, limit) and, on pgvector ≥ 0.8,
    /// <c>hnsw.iterative_scan = strict_order</c> so that filtered searches still return up to <paramref name="limit"/>
    /// hits. Fallback: every candidate's vector (<c>bytea</c>, big-endian float4) is read and scored exactly (dot product
    /// of unit vectors) in the process.
    /// </remarks>
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

        var where = new StringBuilder();
        var parameters = PostgresFilterTranslator.AppendQuery(query, where);
        return await RunAsync("search", write: true, async connection =>
        {
            if (!await CheckEmbedderAsync(connection, model, record: false, cancellationToken).ConfigureAwait(false))
            {
                return (IReadOnlyList<ScoredMemoryId>)[];
            }

            var dims = model.Dimensions.ToString(CultureInfo.InvariantCulture);
            if (_vectorMode == PostgresVectorMode.Pgvector)
            {
                var settings = string.Create(CultureInfo.InvariantCulture, $"SET LOCAL hnsw.ef_search = {Math.Min(1000, Math.Max(_options.HnswEfSearch, limit))};");
                if (_iterativeScan)
                {
                    settings += " SET LOCAL hnsw.iterative_scan = strict_order;";
                }

                await ExecuteAsync(connection, settings, cancellationToken).ConfigureAwait(false);
                using var command = new NpgsqlCommand(
                    $"""
                    SELECT m.id, 1 - (m.embedding::vector({dims}) <=> CAST(@q AS vector({dims}))) AS score
                    FROM memories m WHERE {where} AND m.embedding IS NOT NULL AND m.dims = {dims}
                    ORDER BY m.embedding::vector({dims}) <=> CAST(@q AS vector({dims})), m.id LIMIT @limit;
                    """,
                    connection);
                command.Parameters.AddRange(parameters.ToArray());
                command.Parameters.Add(new NpgsqlParameter("q", NpgsqlDbType.Array | NpgsqlDbType.Real) { Value = vector.ToArray() });
                command.Parameters.Add(PostgresValues.Integer("limit", limit));
                return await ReadScoresAsync(command, cancellationToken).ConfigureAwait(false);
            }

            using var scan = new NpgsqlCommand($"SELECT m.id, m.embedding FROM memories m WHERE {where} AND m.embedding IS NOT NULL AND m.dims = {dims};", connection);
            scan.Parameters.AddRange(parameters.ToArray());
            return await ScanAsync(scan, vector, limit, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Candidates: <c>lexical_tsv @@ (t1 | t2 | …)</c> through the GIN index (terms tokenised by the <c>simple</c>
    /// configuration). Score: Σ over matched terms of idf(t) · tf·(k1 + 1) / (tf + k1·(1 − b + b·dl/avgdl)) with
    /// k1 = 1.2, b = 0.75, idf(t) = max(ln((N − n(t) + 0.5)/(n(t) + 0.5)), 1e-6), tf the term's positions in the row,
    /// dl its token count; N, avgdl and n(t) over the project's memories (FTS5 takes them over the whole table, all
    /// projects together, so scores differ when several projects share a database; the ranking within a project does not).
    /// N, avgdl (<c>keyword_stats</c>) and n(t) (<c>keyword_terms</c>) are read by primary key: triggers on
    /// <c>memories</c> keep them current in every writing transaction (schema migration 4). The OR query is written
    /// inline, not read from a CTE, so that the planner estimates its selectivity from the column statistics: a scoped
    /// search whose terms are common then filters the scope's rows instead of intersecting the GIN index's whole
    /// bitmap with them (at 104k memories, 1,000 per user and 10 common terms: ~20 ms against ~35–90 ms).
    /// </remarks>
    public async Task<IReadOnlyList<ScoredMemoryId>> SearchKeywordsAsync(
        MemoryQuery query, IReadOnlyList<string> terms, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var text = string.Join(' ', terms.Where(t => !string.IsNullOrWhiteSpace(t) && t.Any(char.IsLetterOrDigit)).Select(t => t.Trim()).Distinct(StringComparer.Ordinal));
        if (text.Length == 0)
        {
            return [];
        }

        var where = new StringBuilder();
        var parameters = PostgresFilterTranslator.AppendQuery(query, where);
        return await RunAsync("search", write: false, async connection =>
        {
            using var command = new NpgsqlCommand(
                $"""
                WITH q AS MATERIALIZED (
                    SELECT tsvector_to_array(to_tsvector('simple'::regconfig, @text)) AS lexemes),
                stats AS MATERIALIZED (
                    SELECT coalesce(max(memory_count), 0)::float8 AS n, coalesce(max(token_total::float8 / nullif(memory_count, 0)), 0)::float8 AS avgdl
                    FROM keyword_stats WHERE project_id = @project),
                df AS MATERIALIZED (
                    SELECT l.lexeme, coalesce(k.df, 0)::float8 AS n
                    FROM unnest((SELECT lexemes FROM q)) AS l(lexeme)
                    LEFT JOIN keyword_terms k ON k.project_id = @project AND k.lexeme = l.lexeme),
                terms AS MATERIALIZED (
                    SELECT m.id, m.lexical_len, t.lexeme, cardinality(t.positions)::float8 AS tf
                    FROM memories m CROSS JOIN LATERAL unnest(m.lexical_tsv) t
                    WHERE {where} AND m.lexical_tsv @@ replace(plainto_tsquery('simple'::regconfig, @text)::text, '&', '|')::tsquery
                      AND t.lexeme = ANY ((SELECT lexemes FROM q)::text[]))
                SELECT t.id, sum(
                        greatest(ln((s.n - d.n + 0.5) / (d.n + 0.5)), 1e-6)
                        * (t.tf * 2.2) / (t.tf + 1.2 * (0.25 + 0.75 * t.lexical_len / greatest(s.avgdl, 1e-9)))) AS score
                FROM terms t JOIN df d ON d.lexeme = t.lexeme CROSS JOIN stats s
                GROUP BY t.id ORDER BY score DESC, t.id LIMIT @limit;
                """,
                connection);
            command.Parameters.AddRange(parameters.ToArray());
            command.Parameters.Add(PostgresValues.Text("text", text));
            command.Parameters.Add(PostgresValues.Text("project", query.ProjectId));
            command.Parameters.Add(PostgresValues.Integer("limit", limit));
            return await ReadScoresAsync(command, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
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

        var where = new StringBuilder();
        var parameters = PostgresFilterTranslator.AppendQuery(query, where);
        return await RunAsync<IReadOnlyList<EntityLink>>("entities", write: false, async connection =>
        {
            using var command = new NpgsqlCommand(
                $"""
                SELECT memory_id, entity_key, link_count FROM (
                    SELECT m.id AS memory_id, e.entity_key AS entity_key, m.created_at AS created_at,
                        count(*) OVER (PARTITION BY e.id) AS link_count
                    FROM entities e
                    JOIN memory_entities me ON me.entity_id = e.id
                    JOIN memories m ON m.seq = me.memory_seq
                    WHERE e.project_id = @project AND me.project_id = @project AND e.entity_key = ANY(@keys) AND {where}
                ) links ORDER BY link_count, entity_key, created_at DESC, memory_id LIMIT @limit;
                """,
                connection);
            command.Parameters.AddRange(parameters.ToArray());
            command.Parameters.Add(PostgresValues.Text("project", query.ProjectId));
            command.Parameters.Add(PostgresValues.TextArray("keys", keys));
            command.Parameters.Add(PostgresValues.Integer("limit", limit));
            var result = new List<EntityLink>();
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    result.Add(new EntityLink(reader.GetString(0), reader.GetString(1), (int)reader.GetInt64(2)));
                }
            }

            return result;
        }, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<IReadOnlyList<ScoredMemoryId>> ReadScoresAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var result = new List<ScoredMemoryId>();
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                result.Add(new ScoredMemoryId(reader.GetString(0), Math.Max(-1, reader.GetDouble(1))));
            }
        }

        return result;
    }

    private static async Task<IReadOnlyList<ScoredMemoryId>> ScanAsync(NpgsqlCommand command, ReadOnlyMemory<float> vector, int limit, CancellationToken cancellationToken)
    {
        // Min-heap of the best hits so far: the root is the worst kept hit (lower score, then higher id).
        var heap = new PriorityQueue<ScoredMemoryId, (double Score, string Id)>(limit + 1, WorstFirst.Instance);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            // One buffer for every row: the bytes as stored, then the decoded floats.
            var bytes = new byte[vector.Length * sizeof(float)];
            var stored = new float[vector.Length];
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (reader.GetBytes(1, 0, null, 0, 0) != bytes.Length)
                {
                    continue;
                }

                reader.GetBytes(1, 0, bytes, 0, bytes.Length);
                PostgresValues.DecodeFloat4(bytes, stored);
                var hit = new ScoredMemoryId(reader.GetString(0), TensorPrimitives.Dot(vector.Span, stored));
                var key = (hit.Score, hit.MemoryId);
                if (heap.Count < limit)
                {
                    heap.Enqueue(hit, key);
                }
                else if (heap.TryPeek(out _, out var worst) && WorstFirst.Instance.Compare(key, worst) > 0)
                {
                    heap.DequeueEnqueue(hit, key);
                }
            }
        }

        var result = new List<ScoredMemoryId>(heap.Count);
        while (heap.Count > 0)
        {
            result.Add(heap.Dequeue());
        }

        result.Reverse();
        return result;
    }

    /// <summary>Orders hits worst first: lower score, then (for equal scores) the larger id.</summary>
    private sealed class WorstFirst : IComparer<(double Score, string Id)>
    {
        public static readonly WorstFirst Instance = new();

        public int Compare((double Score, string Id) x, (double Score, string Id) y)
        {
            var byScore = x.Score.CompareTo(y.Score);
            return byScore != 0 ? byScore : string.CompareOrdinal(y.Id, x.Id);
        }
    }
}
