using System.Globalization;
using Npgsql;
using NpgsqlTypes;

namespace Engram.Postgres;

/// <content>
/// Re-embedding (<see cref="IVectorReindexStore"/>): stale rows are those whose <c>embedder</c> or <c>dims</c> differ
/// from the target, listed by <c>seq</c> (the primary key). A batch of new vectors is one set-based <c>UPDATE</c> in one
/// transaction under the advisory locks of its projects (taken in order, as writers take one). The <c>embedding</c>
/// column has no fixed dimension in either mode (<c>vector</c> or <c>bytea</c>), so a new dimension needs no column
/// change; with pgvector, the switch of the recorded embedder creates the HNSW index of the new dimension and drops the
/// old dimension's, which no row uses any more.
/// </content>
public sealed partial class PostgresMemoryStore : IVectorReindexStore
{
    private const string StalePredicate = "(embedder IS DISTINCT FROM @embedder OR dims IS DISTINCT FROM @dims)";

    /// <inheritdoc/>
    public Task<VectorReindexStatus> GetReindexStatusAsync(EmbeddingModel target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        return RunAsync("reindex", write: false, async connection =>
        {
            var (id, dimensions) = await ReadEmbedderAsync(connection, cancellationToken).ConfigureAwait(false);
            using var command = new NpgsqlCommand($"SELECT count(*), count(*) FILTER (WHERE {StalePredicate}) FROM memories;", connection);
            AddTarget(command, target);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                return new VectorReindexStatus(id is null ? null : new EmbeddingModel(id, dimensions), reader.GetInt64(0), reader.GetInt64(1));
            }
        }, cancellationToken);
    }

    /// <inheritdoc/>
    /// <remarks>The position is the row's <c>seq</c>, so each page is a range scan of the primary key from where the last one stopped.</remarks>
    public Task<IReadOnlyList<StaleMemoryVector>> ListStaleVectorsAsync(EmbeddingModel target, long afterPosition, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentOutOfRangeException.ThrowIfNegative(afterPosition);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return RunAsync("reindex", write: false, async connection =>
        {
            using var command = new NpgsqlCommand(
                $"SELECT seq, project_id, id, memory, actor_id FROM memories WHERE seq > @after AND {StalePredicate} ORDER BY seq LIMIT @limit;", connection);
            AddTarget(command, target);
            command.Parameters.Add(PostgresValues.Integer("after", afterPosition));
            command.Parameters.Add(PostgresValues.Integer("limit", limit));
            var result = new List<StaleMemoryVector>();
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    result.Add(new StaleMemoryVector(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), await reader.IsDBNullAsync(4, cancellationToken).ConfigureAwait(false) ? null : reader.GetString(4)));
                }
            }

            return (IReadOnlyList<StaleMemoryVector>)result;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The vectors travel as one flat parameter (<c>real[]</c> cast to <c>vector</c> with pgvector, big-endian float4
    /// <c>bytea</c> otherwise) that the statement slices by row, so a batch is one statement and one round trip.
    /// </remarks>
    public Task<int> ReplaceVectorsAsync(EmbeddingModel target, IReadOnlyList<MemoryVectorReplacement> vectors, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(vectors);
        var flat = new float[vectors.Count * target.Dimensions];
        for (var i = 0; i < vectors.Count; i++)
        {
            var vector = vectors[i];
            ArgumentNullException.ThrowIfNull(vector, nameof(vectors));
            if (vector.Vector.Length != target.Dimensions)
            {
                throw new ArgumentException(
                    $"The vector of memory '{vector.MemoryId}' has {vector.Vector.Length} dimensions, but '{target.Id}' has {target.Dimensions}.", nameof(vectors));
            }

            vector.Vector.Span.CopyTo(flat.AsSpan(i * target.Dimensions));
        }

        if (vectors.Count == 0)
        {
            return Task.FromResult(0);
        }

        return RunAsync("reindex", write: true, async connection =>
        {
            foreach (var project in vectors.Select(v => v.ProjectId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            {
                await LockProjectAsync(connection, project, cancellationToken).ConfigureAwait(false);
            }

            var slice = _vectorMode == PostgresVectorMode.Pgvector
                ? "CAST((CAST(@vectors AS real[]))[(v.ord::integer - 1) * @width + 1 : v.ord::integer * @width] AS vector)"
                : "substring(@vectors FROM (v.ord::integer - 1) * @width + 1 FOR @width)";
            using var command = new NpgsqlCommand(
                $"""
                UPDATE memories AS m SET embedding = {slice}, embedder = @embedder, dims = @dims
                FROM unnest(@projects, @ids, @texts) WITH ORDINALITY AS v(project_id, id, memory, ord)
                WHERE m.project_id = v.project_id AND m.id = v.id AND m.memory = v.memory;
                """,
                connection);
            AddTarget(command, target);
            command.Parameters.Add(PostgresValues.TextArray("projects", vectors.Select(v => v.ProjectId)));
            command.Parameters.Add(PostgresValues.TextArray("ids", vectors.Select(v => v.MemoryId)));
            command.Parameters.Add(PostgresValues.TextArray("texts", vectors.Select(v => v.Text)));
            if (_vectorMode == PostgresVectorMode.Pgvector)
            {
                command.Parameters.Add(new NpgsqlParameter("vectors", NpgsqlDbType.Array | NpgsqlDbType.Real) { Value = flat });
                command.Parameters.Add(new NpgsqlParameter("width", NpgsqlDbType.Integer) { Value = target.Dimensions });
            }
            else
            {
                command.Parameters.Add(new NpgsqlParameter("vectors", NpgsqlDbType.Bytea) { Value = PostgresValues.EncodeFloat4(flat) });
                command.Parameters.Add(new NpgsqlParameter("width", NpgsqlDbType.Integer) { Value = target.Dimensions * sizeof(float) });
            }

            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Takes <c>meta</c> in <c>ACCESS EXCLUSIVE</c> mode first: every write checks the recorded embedder by reading
    /// <c>meta</c> in its transaction, so the lock waits for the writes in flight (their rows are then visible to the
    /// check) and holds back new ones until the switch commits (they then see the new embedder).
    /// </remarks>
    public Task<bool> TryRecordEmbedderAsync(EmbeddingModel target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        return RunAsync("reindex", write: true, async connection =>
        {
            await ExecuteAsync(connection, "LOCK TABLE meta IN ACCESS EXCLUSIVE MODE;", cancellationToken).ConfigureAwait(false);
            using (var stale = new NpgsqlCommand($"SELECT EXISTS (SELECT 1 FROM memories WHERE {StalePredicate});", connection))
            {
                AddTarget(stale, target);
                if (await stale.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true)
                {
                    return false;
                }
            }

            var (id, dimensions) = await ReadEmbedderAsync(connection, cancellationToken).ConfigureAwait(false);
            if (string.Equals(id, target.Id, StringComparison.Ordinal) && dimensions == target.Dimensions)
            {
                return true;
            }

            using (var record = new NpgsqlCommand(
                "INSERT INTO meta (key, value) VALUES (@id_key, @id), (@dims_key, @dims_value) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value;", connection))
            {
                record.Parameters.Add(PostgresValues.Text("id_key", MetaEmbedderId));
                record.Parameters.Add(PostgresValues.Text("id", target.Id));
                record.Parameters.Add(PostgresValues.Text("dims_key", MetaEmbedderDimensions));
                record.Parameters.Add(PostgresValues.Text("dims_value", target.Dimensions.ToString(CultureInfo.InvariantCulture)));
                await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            if (_vectorMode == PostgresVectorMode.Pgvector)
            {
                if (id is not null && dimensions != target.Dimensions)
                {
                    await ExecuteAsync(connection, string.Create(CultureInfo.InvariantCulture, $"DROP INDEX IF EXISTS ix_memories_hnsw_{dimensions};"), cancellationToken).ConfigureAwait(false);
                }

                await ExecuteAsync(connection, HnswIndexSql(target.Dimensions), cancellationToken).ConfigureAwait(false);
            }

            return true;
        }, cancellationToken);
    }

    private static void AddTarget(NpgsqlCommand command, EmbeddingModel target)
    {
        command.Parameters.Add(PostgresValues.Text("embedder", target.Id));
        command.Parameters.Add(new NpgsqlParameter("dims", NpgsqlDbType.Integer) { Value = target.Dimensions });
    }
}
