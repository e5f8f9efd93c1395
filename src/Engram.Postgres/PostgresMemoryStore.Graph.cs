using Npgsql;

namespace Engram.Postgres;

/// <content>The memory graph (<see cref="IGraphStore"/>): relations written with their memories, invalidated, never deleted (except with their memory, or by reset).</content>
public sealed partial class PostgresMemoryStore : IGraphStore
{
    /// <summary>The most relations one set-based statement writes.</summary>
    private const int RelationRowsPerStatement = 500;

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
    /// deleted memories (a deletion erases what was learnt from the memory; a contradiction only invalidates). Each
    /// kind is one set-based statement per <see cref="RelationRowsPerStatement"/> rows.
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

        // A relation invalidated twice keeps the first invalidation (the later ones find it invalidated).
        foreach (var chunk in batch.RelationInvalidations.DistinctBy(i => i?.RelationId).Chunk(RelationRowsPerStatement))
        {
            foreach (var invalidation in chunk)
            {
                ArgumentNullException.ThrowIfNull(invalidation, nameof(batch));
            }

            using var invalidate = new NpgsqlCommand("""
                UPDATE relations r SET invalidated_at = x.at, invalidated_by = x.memory_id
                FROM unnest(@ids, @ats, @memory_ids) AS x(id, at, memory_id)
                WHERE r.project_id = @project AND r.id = x.id AND r.invalidated_at IS NULL;
                """, connection);
            invalidate.Parameters.Add(PostgresValues.Text("project", batch.ProjectId));
            invalidate.Parameters.Add(new NpgsqlParameter("ids", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Bigint) { Value = chunk.Select(i => i.RelationId).ToArray() });
            invalidate.Parameters.Add(PostgresValues.TextArray("ats", chunk.Select(i => PostgresValues.FormatTimestamp(i.At))));
            invalidate.Parameters.Add(PostgresValues.TextArray("memory_ids", chunk.Select(i => i.MemoryId)));
            await invalidate.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var chunk in batch.Relations.Chunk(RelationRowsPerStatement))
        {
            foreach (var relation in chunk)
            {
                ArgumentNullException.ThrowIfNull(relation, nameof(batch));
            }

            // In list order, so ids (and the newest-first reads) follow it.
            using var insert = new NpgsqlCommand("""
                INSERT INTO relations (project_id, user_id, agent_id, app_id, run_id, source, relationship, destination, memory_id, created_at, invalidated_at, invalidated_by)
                SELECT @project, x.user_id, x.agent_id, x.app_id, x.run_id, x.source, x.relationship, x.destination, x.memory_id, x.created_at, x.invalidated_at, x.invalidated_by
                FROM unnest(@user_ids, @agent_ids, @app_ids, @run_ids, @sources, @relationships, @destinations, @memory_ids, @created_ats, @invalidated_ats, @invalidated_bys)
                    WITH ORDINALITY AS x(user_id, agent_id, app_id, run_id, source, relationship, destination, memory_id, created_at, invalidated_at, invalidated_by, ord)
                ORDER BY x.ord;
                """, connection);
            var p = insert.Parameters;
            p.Add(PostgresValues.Text("project", batch.ProjectId));
            p.Add(PostgresValues.TextArray("user_ids", chunk.Select(r => r.Scope.UserId)));
            p.Add(PostgresValues.TextArray("agent_ids", chunk.Select(r => r.Scope.AgentId)));
            p.Add(PostgresValues.TextArray("app_ids", chunk.Select(r => r.Scope.AppId)));
            p.Add(PostgresValues.TextArray("run_ids", chunk.Select(r => r.Scope.RunId)));
            p.Add(PostgresValues.TextArray("sources", chunk.Select(r => r.Source)));
            p.Add(PostgresValues.TextArray("relationships", chunk.Select(r => r.Relationship)));
            p.Add(PostgresValues.TextArray("destinations", chunk.Select(r => r.Destination)));
            p.Add(PostgresValues.TextArray("memory_ids", chunk.Select(r => r.MemoryId)));
            p.Add(PostgresValues.TextArray("created_ats", chunk.Select(r => PostgresValues.FormatTimestamp(r.CreatedAt))));
            p.Add(PostgresValues.TextArray("invalidated_ats", chunk.Select(r => r.InvalidatedAt is { } at ? PostgresValues.FormatTimestamp(at) : null)));
            p.Add(PostgresValues.TextArray("invalidated_bys", chunk.Select(r => r.InvalidatedByMemoryId)));
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
