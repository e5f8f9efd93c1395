namespace Engram.Sqlite;

/// <content>The scope identifiers a project's memories use (<see cref="IScopeCatalog"/>, Mem0's entities).</content>
public sealed partial class SqliteMemoryStore : IScopeCatalog
{
    /// <inheritdoc/>
    /// <remarks>One grouped scan per kind over the <c>(project_id, kind)</c> indexes.</remarks>
    /// <exception cref="ArgumentException"><paramref name="projectId"/> is empty.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public Task<IReadOnlyList<ScopeSummary>> ListScopesAsync(string projectId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        return ExecuteAsync("list_scopes", write: false, async connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT 0, user_id, count(*), min(created_at), max(updated_at) FROM memories WHERE project_id = @project AND user_id IS NOT NULL GROUP BY user_id
                UNION ALL
                SELECT 1, agent_id, count(*), min(created_at), max(updated_at) FROM memories WHERE project_id = @project AND agent_id IS NOT NULL GROUP BY agent_id
                UNION ALL
                SELECT 2, app_id, count(*), min(created_at), max(updated_at) FROM memories WHERE project_id = @project AND app_id IS NOT NULL GROUP BY app_id
                UNION ALL
                SELECT 3, run_id, count(*), min(created_at), max(updated_at) FROM memories WHERE project_id = @project AND run_id IS NOT NULL GROUP BY run_id
                ORDER BY 1, 5 DESC, 2;
                """;
            command.Parameters.AddWithValue("@project", projectId);
            var result = new List<ScopeSummary>();
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    result.Add(new ScopeSummary(
                        (ScopeKind)reader.GetInt32(0),
                        reader.GetString(1),
                        reader.GetInt64(2),
                        SqliteValues.ParseTimestamp(reader.GetString(3)),
                        SqliteValues.ParseTimestamp(reader.GetString(4))));
                }
            }

            return (IReadOnlyList<ScopeSummary>)result;
        }, cancellationToken);
    }
}
