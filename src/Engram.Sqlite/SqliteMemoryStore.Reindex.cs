using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Engram.Sqlite;

/// <content>
/// Re-embedding (<see cref="IVectorReindexStore"/>): stale rows are those whose <c>embedder</c> or <c>dims</c> differ
/// from the target, listed by <c>seq</c>; each batch of new vectors is one <c>BEGIN IMMEDIATE</c> transaction that also
/// bumps the memories generation, so every in-memory index over the file (this store's included) is dropped and
/// reloaded with the new vectors on its next search. The embedder recorded in <c>meta</c> changes in a transaction that
/// first checks that no stale row is left.
/// </content>
public sealed partial class SqliteMemoryStore : IVectorReindexStore
{
    private const string StalePredicate = "(embedder IS NOT @embedder OR dims IS NOT @dims)";

    /// <inheritdoc/>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public async Task<VectorReindexStatus> GetReindexStatusAsync(EmbeddingModel target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                using var transaction = connection.BeginTransaction(deferred: true);
                var recorded = ReadEmbedder(connection, transaction);
                using var command = connection.CreateCommand();
                command.CommandText = $"SELECT count(*), coalesce(sum({StalePredicate}), 0) FROM memories;";
                AddTarget(command, target);
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                    return new VectorReindexStatus(recorded, reader.GetInt64(0), reader.GetInt64(1));
                }
            }
        }
        catch (SqliteException ex)
        {
            throw Map(ex, "reindex");
        }
    }

    /// <inheritdoc/>
    /// <remarks>The position is the row's <c>seq</c> (its rowid), so each page is a range scan of the table from where the last one stopped.</remarks>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public async Task<IReadOnlyList<StaleMemoryVector>> ListStaleVectorsAsync(
        EmbeddingModel target, long afterPosition, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentOutOfRangeException.ThrowIfNegative(afterPosition);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                using var command = connection.CreateCommand();
                command.CommandText = $"SELECT seq, project_id, id, memory, actor_id FROM memories WHERE seq > @after AND {StalePredicate} ORDER BY seq LIMIT @limit;";
                AddTarget(command, target);
                command.Parameters.AddWithValue("@after", afterPosition);
                command.Parameters.AddWithValue("@limit", limit);
                var result = new List<StaleMemoryVector>();
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        result.Add(new StaleMemoryVector(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), await reader.IsDBNullAsync(4, cancellationToken).ConfigureAwait(false) ? null : reader.GetString(4)));
                    }
                }

                return result;
            }
        }
        catch (SqliteException ex)
        {
            throw Map(ex, "reindex");
        }
    }

    /// <inheritdoc/>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public async Task<int> ReplaceVectorsAsync(EmbeddingModel target, IReadOnlyList<MemoryVectorReplacement> vectors, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(vectors);
        foreach (var vector in vectors)
        {
            ArgumentNullException.ThrowIfNull(vector, nameof(vectors));
            if (vector.Vector.Length != target.Dimensions)
            {
                throw new ArgumentException(
                    $"The vector of memory '{vector.MemoryId}' has {vector.Vector.Length} dimensions, but '{target.Id}' has {target.Dimensions}.", nameof(vectors));
            }
        }

        if (vectors.Count == 0)
        {
            return 0;
        }

        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        using var writeGate = await EnterWriteGateAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                using var transaction = connection.BeginTransaction(deferred: false);
                using var command = connection.CreateCommand();
                command.CommandText = """
                    UPDATE memories SET embedding = @embedding, embedder = @embedder, dims = @dims
                    WHERE project_id = @project AND id = @id AND memory = @memory;
                    """;
                AddTarget(command, target);
                var embedding = command.Parameters.Add("@embedding", SqliteType.Blob);
                var project = command.Parameters.Add("@project", SqliteType.Text);
                var id = command.Parameters.Add("@id", SqliteType.Text);
                var memory = command.Parameters.Add("@memory", SqliteType.Text);
                var replaced = 0;
                foreach (var vector in vectors)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    embedding.Value = SqliteValues.ToBlob(vector.Vector.Span);
                    project.Value = vector.ProjectId;
                    id.Value = vector.MemoryId;
                    memory.Value = vector.Text;
                    replaced += await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await CommitDroppingIndexAsync(connection, transaction, changed: replaced > 0, cancellationToken).ConfigureAwait(false);
                return replaced;
            }
        }
        catch (SqliteException ex)
        {
            throw Map(ex, "reindex");
        }
    }

    /// <inheritdoc/>
    /// <remarks>The check and the change share one <c>BEGIN IMMEDIATE</c> transaction, which every writer also takes.</remarks>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public async Task<bool> TryRecordEmbedderAsync(EmbeddingModel target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        using var writeGate = await EnterWriteGateAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                using var transaction = connection.BeginTransaction(deferred: false);
                using (var stale = connection.CreateCommand())
                {
                    stale.CommandText = $"SELECT EXISTS (SELECT 1 FROM memories WHERE {StalePredicate});";
                    AddTarget(stale, target);
                    if (Convert.ToInt64(await stale.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) != 0)
                    {
                        return false;
                    }
                }

                if (ReadEmbedder(connection, transaction) == target)
                {
                    return true;
                }

                await RecordEmbedderAsync(connection, target, cancellationToken).ConfigureAwait(false);

                // The loaded partitions hold codes of the old dimension: drop them with the switch.
                await CommitDroppingIndexAsync(connection, transaction, changed: true, cancellationToken).ConfigureAwait(false);
                return true;
            }
        }
        catch (SqliteException ex)
        {
            throw Map(ex, "reindex");
        }
    }

    private static void AddTarget(SqliteCommand command, EmbeddingModel target)
    {
        command.Parameters.AddWithValue("@embedder", target.Id);
        command.Parameters.AddWithValue("@dims", target.Dimensions);
    }

    /// <summary>Commits; when <paramref name="changed"/>, bumps the generation first and drops this store's index after the commit.</summary>
    private async Task CommitDroppingIndexAsync(SqliteConnection connection, SqliteTransaction transaction, bool changed, CancellationToken cancellationToken)
    {
        var generation = changed ? await BeginIndexedResetAsync(connection, cancellationToken).ConfigureAwait(false) : -1;
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

        if (generation >= 0)
        {
            _index?.EndCommit(generation, _ => false);
        }
    }
}
