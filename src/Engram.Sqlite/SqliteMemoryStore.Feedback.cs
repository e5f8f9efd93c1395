using Microsoft.Data.Sqlite;

namespace Engram.Sqlite;

/// <content>Feedback on memories (<see cref="IFeedbackStore"/>) and schema-shaped exports (<see cref="IExportStore"/>).</content>
public sealed partial class SqliteMemoryStore : IFeedbackStore, IExportStore
{
    private const string ExportColumns = "id, project_id, schema, filters, instructions, data, memory_count, created_at, memory_ids";

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The feedback's id, project id or memory id is empty.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public Task AddFeedbackAsync(MemoryFeedback feedback, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(feedback);
        ArgumentException.ThrowIfNullOrEmpty(feedback.Id, nameof(feedback));
        ArgumentException.ThrowIfNullOrEmpty(feedback.ProjectId, nameof(feedback));
        ArgumentException.ThrowIfNullOrEmpty(feedback.MemoryId, nameof(feedback));
        return ExecuteAsync("add_feedback", write: true, async connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO feedback (id, project_id, memory_id, feedback, reason, created_at)
                VALUES (@id, @project, @memory_id, @feedback, @reason, @created_at);
                """;
            command.Parameters.AddWithValue("@id", feedback.Id);
            command.Parameters.AddWithValue("@project", feedback.ProjectId);
            command.Parameters.AddWithValue("@memory_id", feedback.MemoryId);
            command.Parameters.AddWithValue("@feedback", (object?)feedback.Feedback ?? DBNull.Value);
            command.Parameters.AddWithValue("@reason", (object?)feedback.Reason ?? DBNull.Value);
            command.Parameters.AddWithValue("@created_at", SqliteValues.FormatTimestamp(feedback.CreatedAt));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="projectId"/> or <paramref name="memoryId"/> is empty.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public Task<IReadOnlyList<MemoryFeedback>> ListFeedbackAsync(string projectId, string memoryId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        ArgumentException.ThrowIfNullOrEmpty(memoryId);
        return ExecuteAsync("list_feedback", write: false, async connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT id, project_id, memory_id, feedback, reason, created_at FROM feedback
                WHERE project_id = @project AND memory_id = @memory_id ORDER BY seq;
                """;
            command.Parameters.AddWithValue("@project", projectId);
            command.Parameters.AddWithValue("@memory_id", memoryId);
            var result = new List<MemoryFeedback>();
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    result.Add(new MemoryFeedback
                    {
                        Id = reader.GetString(0),
                        ProjectId = reader.GetString(1),
                        MemoryId = reader.GetString(2),
                        Feedback = NullableString(reader, 3),
                        Reason = NullableString(reader, 4),
                        CreatedAt = SqliteValues.ParseTimestamp(reader.GetString(5)),
                    });
                }
            }

            return (IReadOnlyList<MemoryFeedback>)result;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The export's id or project id is empty.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public Task CreateExportAsync(MemoryExport memoryExport, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(memoryExport);
        ArgumentException.ThrowIfNullOrEmpty(memoryExport.Id, nameof(memoryExport));
        ArgumentException.ThrowIfNullOrEmpty(memoryExport.ProjectId, nameof(memoryExport));
        var export = memoryExport;
        return ExecuteAsync("create_export", write: true, async connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"""
                INSERT INTO exports ({ExportColumns})
                VALUES (@id, @project, @schema, @filters, @instructions, @data, @memory_count, @created_at, @memory_ids);
                """;
            command.Parameters.AddWithValue("@id", export.Id);
            command.Parameters.AddWithValue("@project", export.ProjectId);
            command.Parameters.AddWithValue("@schema", export.Schema);
            command.Parameters.AddWithValue("@filters", export.Filters);
            command.Parameters.AddWithValue("@instructions", (object?)export.Instructions ?? DBNull.Value);
            command.Parameters.AddWithValue("@data", export.Data);
            command.Parameters.AddWithValue("@memory_count", export.MemoryCount);
            command.Parameters.AddWithValue("@created_at", SqliteValues.FormatTimestamp(export.CreatedAt));
            command.Parameters.AddWithValue("@memory_ids", SqliteValues.ToJsonArray(export.MemoryIds ?? []));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="projectId"/> or <paramref name="exportId"/> is empty.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public Task<MemoryExport?> GetExportAsync(string projectId, string exportId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        ArgumentException.ThrowIfNullOrEmpty(exportId);
        return ExecuteAsync("get_export", write: false, connection => ReadExportAsync(
            connection,
            $"SELECT {ExportColumns} FROM exports WHERE project_id = @project AND id = @id;",
            command =>
            {
                command.Parameters.AddWithValue("@project", projectId);
                command.Parameters.AddWithValue("@id", exportId);
            },
            cancellationToken), cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="projectId"/> is empty.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public Task<MemoryExport?> FindLatestExportAsync(string projectId, string? filters, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        return ExecuteAsync("find_export", write: false, connection => ReadExportAsync(
            connection,
            $"SELECT {ExportColumns} FROM exports WHERE project_id = @project AND (@filters IS NULL OR filters = @filters) ORDER BY seq DESC LIMIT 1;",
            command =>
            {
                command.Parameters.AddWithValue("@project", projectId);
                command.Parameters.AddWithValue("@filters", (object?)filters ?? DBNull.Value);
            },
            cancellationToken), cancellationToken);
    }

    private static async Task<MemoryExport?> ReadExportAsync(SqliteConnection connection, string sql, Action<SqliteCommand> bind, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            return new MemoryExport
            {
                Id = reader.GetString(0),
                ProjectId = reader.GetString(1),
                Schema = reader.GetString(2),
                Filters = reader.GetString(3),
                Instructions = NullableString(reader, 4),
                Data = reader.GetString(5),
                MemoryCount = reader.GetInt32(6),
                CreatedAt = SqliteValues.ParseTimestamp(reader.GetString(7)),
                MemoryIds = SqliteValues.FromJsonArray(reader.GetString(8)),
            };
        }
    }
}
