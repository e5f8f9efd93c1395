using System.Data;
using System.Globalization;
using System.Text;
using Npgsql;

namespace Engram.Postgres;

public sealed partial class PostgresMemoryStore
{
    private const string MemoryColumns = """
        m.id, m.user_id, m.agent_id, m.app_id, m.run_id, m.memory, m.hash, m.metadata::text, m.categories::text, m.role, m.actor_id,
        m.attributed_to, m.created_at, m.updated_at, m.observed_at, m.expiration_date, m.superseded_by, m.valid_to, m.source_message_ids::text,
        m.immutable
        """;

    private const string MessageColumns = "id, user_id, agent_id, app_id, run_id, role, name, content, external_id, observed_at, created_at";

    /// <inheritdoc/>
    public async Task<MemoryItem?> GetAsync(string projectId, string memoryId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        ArgumentException.ThrowIfNullOrEmpty(memoryId);
        var items = await RunAsync("get", write: false, async connection =>
        {
            using var command = new NpgsqlCommand($"SELECT {MemoryColumns} FROM memories m WHERE m.project_id = @project AND m.id = @id;", connection);
            command.Parameters.Add(PostgresValues.Text("project", projectId));
            command.Parameters.Add(PostgresValues.Text("id", memoryId));
            return await ReadMemoriesAsync(command, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        return items.Count == 0 ? null : items[0];
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<MemoryItem>> GetManyAsync(string projectId, IReadOnlyCollection<string> memoryIds, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        ArgumentNullException.ThrowIfNull(memoryIds);
        if (memoryIds.Count == 0)
        {
            return [];
        }

        return await RunAsync("get", write: false, async connection =>
        {
            using var command = new NpgsqlCommand($"SELECT {MemoryColumns} FROM memories m WHERE m.project_id = @project AND m.id = ANY(@ids);", connection);
            command.Parameters.Add(PostgresValues.Text("project", projectId));
            command.Parameters.Add(PostgresValues.TextArray("ids", memoryIds));
            return await ReadMemoriesAsync(command, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <remarks>The count and the page are read in one REPEATABLE READ transaction, so they see the same snapshot.</remarks>
    public Task<MemoryPage> ListAsync(MemoryQuery query, int offset, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var where = new StringBuilder();
        var parameters = PostgresFilterTranslator.AppendQuery(query, where);
        return RunAsync("list", write: false, async connection =>
        {
            var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                using var count = new NpgsqlCommand($"SELECT count(*) FROM memories m WHERE {where};", connection);
                count.Parameters.AddRange(parameters.Select(p => p.Clone()).ToArray());
                var total = Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
                if (total <= offset)
                {
                    return new MemoryPage([], total);
                }

                using var page = new NpgsqlCommand(
                    $"SELECT {MemoryColumns} FROM memories m WHERE {where} ORDER BY m.created_at DESC, m.id DESC LIMIT @limit OFFSET @offset;", connection);
                page.Parameters.AddRange(parameters.Select(p => p.Clone()).ToArray());
                page.Parameters.Add(PostgresValues.Integer("limit", limit));
                page.Parameters.Add(PostgresValues.Integer("offset", offset));
                var items = await ReadMemoriesAsync(page, cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return new MemoryPage(items, total);
            }
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<MemoryHistoryEntry>> GetHistoryAsync(string projectId, string memoryId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        ArgumentException.ThrowIfNullOrEmpty(memoryId);
        return RunAsync<IReadOnlyList<MemoryHistoryEntry>>("history", write: false, async connection =>
        {
            using var command = new NpgsqlCommand("""
                SELECT id, memory_id, event, old_memory, new_memory, created_at, is_deleted, actor_id, role, related_memory_id
                FROM history WHERE project_id = @project AND memory_id = @memory_id ORDER BY created_at, seq;
                """, connection);
            command.Parameters.Add(PostgresValues.Text("project", projectId));
            command.Parameters.Add(PostgresValues.Text("memory_id", memoryId));
            var result = new List<MemoryHistoryEntry>();
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    result.Add(new MemoryHistoryEntry
                    {
                        Id = reader.GetString(0),
                        MemoryId = reader.GetString(1),
                        Event = MemoryEventTypeNames.Parse(reader.GetString(2)),
                        OldMemory = PostgresValues.NullableString(reader, 3),
                        NewMemory = PostgresValues.NullableString(reader, 4),
                        CreatedAt = PostgresValues.ParseTimestamp(reader.GetString(5)),
                        IsDeleted = reader.GetBoolean(6),
                        ActorId = PostgresValues.NullableString(reader, 7),
                        Role = PostgresValues.NullableString(reader, 8),
                        RelatedMemoryId = PostgresValues.NullableString(reader, 9),
                    });
                }
            }

            return result;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<StoredMessage>> GetMessagesAsync(string projectId, IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        ArgumentNullException.ThrowIfNull(messageIds);
        if (messageIds.Count == 0)
        {
            return [];
        }

        return await QueryMessagesAsync(
            $"SELECT {MessageColumns} FROM messages WHERE project_id = @project AND id = ANY(@ids) ORDER BY seq;",
            [PostgresValues.Text("project", projectId), PostgresValues.TextArray("ids", messageIds)],
            reverse: false,
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<StoredMessage>> GetRecentMessagesAsync(string projectId, MemoryScope scope, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return QueryMessagesAsync(
            $"""
            SELECT {MessageColumns} FROM messages
            WHERE project_id = @project AND user_id IS NOT DISTINCT FROM @user_id AND agent_id IS NOT DISTINCT FROM @agent_id
                AND app_id IS NOT DISTINCT FROM @app_id AND run_id IS NOT DISTINCT FROM @run_id
            ORDER BY seq DESC LIMIT @limit;
            """,
            [
                PostgresValues.Text("project", projectId),
                PostgresValues.Text("user_id", scope.UserId),
                PostgresValues.Text("agent_id", scope.AgentId),
                PostgresValues.Text("app_id", scope.AppId),
                PostgresValues.Text("run_id", scope.RunId),
                PostgresValues.Integer("limit", limit),
            ],
            reverse: true,
            cancellationToken);
    }

    private static async Task<List<MemoryItem>> ReadMemoriesAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var result = new List<MemoryItem>();
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                result.Add(ReadMemory(reader));
            }
        }

        return result;
    }

    private Task<IReadOnlyList<StoredMessage>> QueryMessagesAsync(string sql, NpgsqlParameter[] parameters, bool reverse, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<StoredMessage>>("messages", write: false, async connection =>
        {
            using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.AddRange(parameters);
            var result = new List<StoredMessage>();
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    result.Add(ReadMessage(reader));
                }
            }

            if (reverse)
            {
                result.Reverse();
            }

            return result;
        }, cancellationToken);

    /// <summary>Reads a memory row selected as <see cref="MemoryColumns"/> (ordinals 0–19).</summary>
    private static MemoryItem ReadMemory(NpgsqlDataReader reader)
    {
        var metadata = reader.GetString(7);
        return new MemoryItem
        {
            Id = reader.GetString(0),
            Scope = new MemoryScope
            {
                UserId = PostgresValues.NullableString(reader, 1),
                AgentId = PostgresValues.NullableString(reader, 2),
                AppId = PostgresValues.NullableString(reader, 3),
                RunId = PostgresValues.NullableString(reader, 4),
            },
            Memory = reader.GetString(5),
            Hash = reader.GetString(6),
            Metadata = metadata == "{}" ? MemoryMetadata.Empty : MemoryMetadata.Parse(metadata),
            Categories = PostgresValues.FromJsonArray(reader.GetString(8)),
            Role = PostgresValues.NullableString(reader, 9),
            ActorId = PostgresValues.NullableString(reader, 10),
            AttributedTo = PostgresValues.NullableString(reader, 11),
            CreatedAt = PostgresValues.ParseTimestamp(reader.GetString(12)),
            UpdatedAt = PostgresValues.ParseTimestamp(reader.GetString(13)),
            ObservedAt = PostgresValues.ParseTimestamp(reader.GetString(14)),
            ExpirationDate = PostgresValues.NullableDate(reader, 15),
            SupersededBy = PostgresValues.NullableString(reader, 16),
            ValidTo = PostgresValues.NullableTimestamp(reader, 17),
            SourceMessageIds = PostgresValues.FromJsonArray(reader.GetString(18)),
            Immutable = reader.GetBoolean(19),
        };
    }

    /// <summary>Reads a message row selected as <see cref="MessageColumns"/> (ordinals 0–10).</summary>
    private static StoredMessage ReadMessage(NpgsqlDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Scope = new MemoryScope
        {
            UserId = PostgresValues.NullableString(reader, 1),
            AgentId = PostgresValues.NullableString(reader, 2),
            AppId = PostgresValues.NullableString(reader, 3),
            RunId = PostgresValues.NullableString(reader, 4),
        },
        Role = reader.GetString(5),
        Name = PostgresValues.NullableString(reader, 6),
        Content = reader.GetString(7),
        ExternalId = PostgresValues.NullableString(reader, 8),
        ObservedAt = PostgresValues.ParseTimestamp(reader.GetString(9)),
        CreatedAt = PostgresValues.ParseTimestamp(reader.GetString(10)),
    };
}
