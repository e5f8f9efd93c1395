using Npgsql;

namespace Engram.Postgres;

/// <content>The memory graph (<see cref="IGraphStore"/>): relations written with their memories, invalidated, never deleted (except with their memory, or by reset).</content>
public sealed partial class PostgresMemoryStore : IGraphStore
{
    /// <inheritdoc/>
    /// <remarks>Served by the <c>(project_id, source)</c> and <c>(project_id, destination)</c> indexes.</remarks>
    /// <exception cref="ArgumentException"><paramref name="projectId"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is less than 1.</exception>
    /// <exception cref="MemoryStoreException">PostgreSQL failed.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public Task<IReadOnlyList<GraphRelation>> GetRelationsAsync(
        string projectId, MemoryScope? scope, IReadOnlyCollection<string>? entities, bool includeInvalidated, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        if (entities is { Count: 0 })
        {
            return Task.FromResult<IReadOnlyList<GraphRelation>>([]);
        }

        return RunAsync<IReadOnlyList<GraphRelation>>("graph_relations", write: false, async connection =>
        {
            using var command = new NpgsqlCommand($"""
                SELECT {StoreRows.RelationColumns} FROM relations
                WHERE project_id = @project
                  AND (@user_id::text IS NULL OR user_id = @user_id) AND (@agent_id::text IS NULL OR agent_id = @agent_id)
                  AND (@app_id::text IS NULL OR app_id = @app_id) AND (@run_id::text IS NULL OR run_id = @run_id)
                  AND (@entities::text[] IS NULL OR source = ANY(@entities) OR destination = ANY(@entities))
                  AND (@include_invalidated OR invalidated_at IS NULL)
                ORDER BY id DESC LIMIT @limit;
                """, connection);
            command.Parameters.Add(PostgresValues.Text("project", projectId));
            command.Parameters.Add(PostgresValues.Text("user_id", scope?.UserId));
            command.Parameters.Add(PostgresValues.Text("agent_id", scope?.AgentId));
            command.Parameters.Add(PostgresValues.Text("app_id", scope?.AppId));
            command.Parameters.Add(PostgresValues.Text("run_id", scope?.RunId));
            command.Parameters.Add(entities is null
                ? new NpgsqlParameter("entities", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text) { Value = DBNull.Value }
                : PostgresValues.TextArray("entities", entities));
            command.Parameters.Add(new NpgsqlParameter("include_invalidated", NpgsqlTypes.NpgsqlDbType.Boolean) { Value = includeInvalidated });
            command.Parameters.Add(PostgresValues.Integer("limit", limit));
            return await StoreRows.ReadAllAsync(command, StoreRows.ReadRelation, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <inheritdoc/>
    /// <remarks>Served by the <c>(project_id, memory_id)</c> and <c>(project_id, invalidated_by)</c> indexes.</remarks>
    /// <exception cref="ArgumentException"><paramref name="projectId"/> is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="memoryIds"/> is <see langword="null"/>.</exception>
    /// <exception cref="MemoryStoreException">PostgreSQL failed.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public Task<IReadOnlyList<GraphRelation>> GetMemoryRelationsAsync(string projectId, IReadOnlyCollection<string> memoryIds, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        ArgumentNullException.ThrowIfNull(memoryIds);
        if (memoryIds.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<GraphRelation>>([]);
        }

        return RunAsync<IReadOnlyList<GraphRelation>>("graph_memory_relations", write: false, async connection =>
        {
            using var command = new NpgsqlCommand($"""
                SELECT {StoreRows.RelationColumns} FROM relations WHERE project_id = @project AND memory_id = ANY(@ids)
                UNION
                SELECT {StoreRows.RelationColumns} FROM relations WHERE project_id = @project AND invalidated_by = ANY(@ids)
                ORDER BY id DESC;
                """, connection);
            command.Parameters.Add(PostgresValues.Text("project", projectId));
            command.Parameters.Add(PostgresValues.TextArray("ids", memoryIds));
            return await StoreRows.ReadAllAsync(command, StoreRows.ReadRelation, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <summary>
    /// Writes the batch's relations and invalidations inside the caller's transaction, and removes the relations of
    /// deleted memories (a deletion erases what was learnt from the memory; a contradiction only invalidates).
    /// </summary>
    private static async Task WriteRelationsAsync(NpgsqlConnection connection, MemoryWriteBatch batch, CancellationToken cancellationToken)
    {
        if (batch.Deletes.Count > 0)
        {
            using var erase = new NpgsqlCommand("DELETE FROM relations WHERE project_id = @project AND memory_id = ANY(@ids);", connection);
            erase.Parameters.Add(PostgresValues.Text("project", batch.ProjectId));
            erase.Parameters.Add(PostgresValues.TextArray("ids", batch.Deletes));
            await erase.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var invalidation in batch.RelationInvalidations)
        {
            ArgumentNullException.ThrowIfNull(invalidation, nameof(batch));
            using var invalidate = new NpgsqlCommand("""
                UPDATE relations SET invalidated_at = @at, invalidated_by = @memory_id
                WHERE project_id = @project AND id = @id AND invalidated_at IS NULL;
                """, connection);
            invalidate.Parameters.Add(PostgresValues.Text("project", batch.ProjectId));
            invalidate.Parameters.Add(PostgresValues.Integer("id", invalidation.RelationId));
            invalidate.Parameters.Add(PostgresValues.Text("at", PostgresValues.FormatTimestamp(invalidation.At)));
            invalidate.Parameters.Add(PostgresValues.Text("memory_id", invalidation.MemoryId));
            await invalidate.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var relation in batch.Relations)
        {
            ArgumentNullException.ThrowIfNull(relation, nameof(batch));
            using var insert = new NpgsqlCommand("""
                INSERT INTO relations (project_id, user_id, agent_id, app_id, run_id, source, relationship, destination, memory_id, created_at, invalidated_at, invalidated_by)
                VALUES (@project, @user_id, @agent_id, @app_id, @run_id, @source, @relationship, @destination, @memory_id, @created_at, @invalidated_at, @invalidated_by);
                """, connection);
            var p = insert.Parameters;
            p.Add(PostgresValues.Text("project", batch.ProjectId));
            p.Add(PostgresValues.Text("user_id", relation.Scope.UserId));
            p.Add(PostgresValues.Text("agent_id", relation.Scope.AgentId));
            p.Add(PostgresValues.Text("app_id", relation.Scope.AppId));
            p.Add(PostgresValues.Text("run_id", relation.Scope.RunId));
            p.Add(PostgresValues.Text("source", relation.Source));
            p.Add(PostgresValues.Text("relationship", relation.Relationship));
            p.Add(PostgresValues.Text("destination", relation.Destination));
            p.Add(PostgresValues.Text("memory_id", relation.MemoryId));
            p.Add(PostgresValues.Text("created_at", PostgresValues.FormatTimestamp(relation.CreatedAt)));
            p.Add(PostgresValues.Text("invalidated_at", relation.InvalidatedAt is { } at ? PostgresValues.FormatTimestamp(at) : null));
            p.Add(PostgresValues.Text("invalidated_by", relation.InvalidatedByMemoryId));
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
