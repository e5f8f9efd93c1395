using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Engram.Sqlite;

/// <content>The memory graph (<see cref="IGraphStore"/>): relations written with their memories, invalidated, never deleted (except by reset).</content>
public sealed partial class SqliteMemoryStore : IGraphStore
{
    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="projectId"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is less than 1.</exception>
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

        return ExecuteAsync("graph_relations", write: false, async connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"""
                SELECT {StoreRows.RelationColumns} FROM relations
                WHERE project_id = @project
                  AND (@user_id IS NULL OR user_id = @user_id) AND (@agent_id IS NULL OR agent_id = @agent_id)
                  AND (@app_id IS NULL OR app_id = @app_id) AND (@run_id IS NULL OR run_id = @run_id)
                  AND (@all_entities OR source IN (SELECT value FROM json_each(@entities)) OR destination IN (SELECT value FROM json_each(@entities)))
                  AND (@include_invalidated OR invalidated_at IS NULL)
                ORDER BY id DESC LIMIT {limit.ToString(CultureInfo.InvariantCulture)};
                """;
            command.Parameters.AddWithValue("@project", projectId);
            command.Parameters.AddWithValue("@user_id", (object?)scope?.UserId ?? DBNull.Value);
            command.Parameters.AddWithValue("@agent_id", (object?)scope?.AgentId ?? DBNull.Value);
            command.Parameters.AddWithValue("@app_id", (object?)scope?.AppId ?? DBNull.Value);
            command.Parameters.AddWithValue("@run_id", (object?)scope?.RunId ?? DBNull.Value);
            command.Parameters.AddWithValue("@all_entities", entities is null);
            command.Parameters.AddWithValue("@entities", SqliteValues.ToJsonArray(entities ?? []));
            command.Parameters.AddWithValue("@include_invalidated", includeInvalidated);
            return await StoreRows.ReadAllAsync(command, StoreRows.ReadRelation, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <inheritdoc/>
    /// <remarks>Uses the memory index for extracted relations; invalidating memories are matched by a scan of the project's invalidated relations.</remarks>
    /// <exception cref="ArgumentException"><paramref name="projectId"/> is empty.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public Task<IReadOnlyList<GraphRelation>> GetMemoryRelationsAsync(string projectId, IReadOnlyCollection<string> memoryIds, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        ArgumentNullException.ThrowIfNull(memoryIds);
        if (memoryIds.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<GraphRelation>>([]);
        }

        return ExecuteAsync("graph_memory_relations", write: false, async connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"""
                SELECT {StoreRows.RelationColumns} FROM relations
                WHERE project_id = @project AND memory_id IN (SELECT value FROM json_each(@ids))
                UNION
                SELECT {StoreRows.RelationColumns} FROM relations
                WHERE project_id = @project AND invalidated_at IS NOT NULL AND invalidated_by IN (SELECT value FROM json_each(@ids))
                ORDER BY id DESC;
                """;
            command.Parameters.AddWithValue("@project", projectId);
            command.Parameters.AddWithValue("@ids", SqliteValues.ToJsonArray(memoryIds));
            return await StoreRows.ReadAllAsync(command, StoreRows.ReadRelation, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <summary>
    /// Writes the batch's relations and invalidations inside the caller's transaction, and removes the relations of
    /// deleted memories (a deletion erases what was learnt from the memory; a contradiction only invalidates).
    /// </summary>
    private static async Task WriteRelationsAsync(SqliteConnection connection, MemoryWriteBatch batch, CancellationToken cancellationToken)
    {
        if (batch.Deletes.Count > 0)
        {
            using var erase = connection.CreateCommand();
            erase.CommandText = "DELETE FROM relations WHERE project_id = @project AND memory_id IN (SELECT value FROM json_each(@ids));";
            erase.Parameters.AddWithValue("@project", batch.ProjectId);
            erase.Parameters.AddWithValue("@ids", SqliteValues.ToJsonArray(batch.Deletes));
            await erase.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        if (batch.RelationInvalidations.Count > 0)
        {
            using var invalidate = connection.CreateCommand();
            invalidate.CommandText = """
                UPDATE relations SET invalidated_at = @at, invalidated_by = @memory_id
                WHERE project_id = @project AND id = @id AND invalidated_at IS NULL;
                """;
            invalidate.Parameters.AddWithValue("@project", batch.ProjectId);
            var id = invalidate.Parameters.Add("@id", SqliteType.Integer);
            var at = invalidate.Parameters.Add("@at", SqliteType.Text);
            var memoryId = invalidate.Parameters.Add("@memory_id", SqliteType.Text);
            foreach (var invalidation in batch.RelationInvalidations)
            {
                cancellationToken.ThrowIfCancellationRequested();
                id.Value = invalidation.RelationId;
                at.Value = SqliteValues.FormatTimestamp(invalidation.At);
                memoryId.Value = invalidation.MemoryId;
                await invalidate.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        if (batch.Relations.Count == 0)
        {
            return;
        }

        using var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO relations (project_id, user_id, agent_id, app_id, run_id, source, relationship, destination, memory_id, created_at, invalidated_at, invalidated_by)
            VALUES (@project, @user_id, @agent_id, @app_id, @run_id, @source, @relationship, @destination, @memory_id, @created_at, @invalidated_at, @invalidated_by);
            """;
        insert.Parameters.AddWithValue("@project", batch.ProjectId);
        foreach (var relation in batch.Relations)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ArgumentNullException.ThrowIfNull(relation, nameof(batch));
            SetParameter(insert, "@user_id", relation.Scope.UserId);
            SetParameter(insert, "@agent_id", relation.Scope.AgentId);
            SetParameter(insert, "@app_id", relation.Scope.AppId);
            SetParameter(insert, "@run_id", relation.Scope.RunId);
            SetParameter(insert, "@source", relation.Source);
            SetParameter(insert, "@relationship", relation.Relationship);
            SetParameter(insert, "@destination", relation.Destination);
            SetParameter(insert, "@memory_id", relation.MemoryId);
            SetParameter(insert, "@created_at", SqliteValues.FormatTimestamp(relation.CreatedAt));
            SetParameter(insert, "@invalidated_at", relation.InvalidatedAt is { } at ? SqliteValues.FormatTimestamp(at) : null);
            SetParameter(insert, "@invalidated_by", relation.InvalidatedByMemoryId);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static void SetParameter(SqliteCommand command, string name, object? value)
    {
        var index = command.Parameters.IndexOf(name);
        if (index >= 0)
        {
            command.Parameters[index].Value = value ?? DBNull.Value;
        }
        else
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
    }
}
