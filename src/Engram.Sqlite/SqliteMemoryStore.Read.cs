using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Engram.Sqlite;

/// <content>Reads: memories, listings, history and raw messages.</content>
public sealed partial class SqliteMemoryStore
{
    private const string MemoryColumns = """
        m.id, m.user_id, m.agent_id, m.app_id, m.run_id, m.memory, m.hash, m.metadata, m.categories, m.role, m.actor_id,
        m.attributed_to, m.created_at, m.updated_at, m.observed_at, m.expiration_date, m.superseded_by, m.valid_to, m.source_message_ids,
        m.immutable
        """;

    private const string MessageColumns = """
        id, user_id, agent_id, app_id, run_id, role, name, content, external_id, observed_at, created_at
        """;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="projectId"/> or <paramref name="memoryId"/> is empty.</exception>
    /// <exception cref="MemoryStoreException">The database cannot be read.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public async Task<MemoryItem?> GetAsync(string projectId, string memoryId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        ArgumentException.ThrowIfNullOrEmpty(memoryId);
        var items = await QueryMemoriesAsync(
            $"SELECT {MemoryColumns} FROM memories m WHERE m.project_id = @project AND m.id = @id;",
            command =>
            {
                command.Parameters.AddWithValue("@project", projectId);
                command.Parameters.AddWithValue("@id", memoryId);
            },
            "get",
            cancellationToken).ConfigureAwait(false);
        return items.Count == 0 ? null : items[0];
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="projectId"/> is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="memoryIds"/> is <see langword="null"/>.</exception>
    /// <exception cref="MemoryStoreException">The database cannot be read.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public async Task<IReadOnlyList<MemoryItem>> GetManyAsync(string projectId, IReadOnlyCollection<string> memoryIds, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        ArgumentNullException.ThrowIfNull(memoryIds);
        if (memoryIds.Count == 0)
        {
            return [];
        }

        if (_index is not null)
        {
            // Searches call this for every candidate set: a kept connection with the statement prepared once.
            return await GetManyWithSessionAsync(projectId, memoryIds, cancellationToken).ConfigureAwait(false);
        }

        return await QueryMemoriesAsync(
            $"SELECT {MemoryColumns} FROM memories m WHERE m.project_id = @project AND m.id IN (SELECT value FROM json_each(@ids));",
            command =>
            {
                command.Parameters.AddWithValue("@project", projectId);
                command.Parameters.AddWithValue("@ids", SqliteValues.ToJsonArray(memoryIds));
            },
            "get",
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="query"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="offset"/> is negative or <paramref name="limit"/> is not positive.</exception>
    /// <exception cref="MemoryValidationException">The filter uses an operator a field does not support, or a malformed date.</exception>
    /// <exception cref="MemoryStoreException">The database cannot be read.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public async Task<MemoryPage> ListAsync(MemoryQuery query, int offset, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                // One read transaction, so the page and the count see the same snapshot.
                using var transaction = connection.BeginTransaction(deferred: true);
                using var count = connection.CreateCommand();
                var where = new StringBuilder();
                var translator = SqliteFilterTranslator.AppendQuery(query, count, where);
                if (translator.UsesFunctions)
                {
                    SqliteFilterTranslator.RegisterFunctions(connection);
                }

                count.CommandText = $"SELECT count(*) FROM memories m WHERE {where};";
                var total = Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
                if (total <= offset)
                {
                    return new MemoryPage([], total);
                }

                using var page = connection.CreateCommand();
                foreach (SqliteParameter parameter in count.Parameters)
                {
                    page.Parameters.AddWithValue(parameter.ParameterName, parameter.Value);
                }

                // Within one scope, "+m.created_at" keeps SQLite on the scope's index (then a small sort); otherwise it walks the
                // project's created_at index, reading every row of the project to find the scope's newest ones.
                var orderBy = MemoryIndexFilter.NarrowsByScope(query.Filter) ? "+m.created_at DESC, m.id DESC" : "m.created_at DESC, m.id DESC";
                page.CommandText = $"SELECT {MemoryColumns} FROM memories m WHERE {where} ORDER BY {orderBy} LIMIT @limit OFFSET @offset;";
                page.Parameters.AddWithValue("@limit", limit);
                page.Parameters.AddWithValue("@offset", offset);
                var items = await ReadMemoriesAsync(page, cancellationToken).ConfigureAwait(false);
                return new MemoryPage(items, total);
            }
        }
        catch (SqliteException ex)
        {
            throw Map(ex, "list");
        }
    }

    /// <inheritdoc/>
    /// <remarks>Ordered by <see cref="MemoryHistoryEntry.CreatedAt"/>, then by insertion order.</remarks>
    /// <exception cref="ArgumentException"><paramref name="projectId"/> or <paramref name="memoryId"/> is empty.</exception>
    /// <exception cref="MemoryStoreException">The database cannot be read.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public async Task<IReadOnlyList<MemoryHistoryEntry>> GetHistoryAsync(string projectId, string memoryId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        ArgumentException.ThrowIfNullOrEmpty(memoryId);
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                using var command = connection.CreateCommand();
                command.CommandText = """
                    SELECT id, memory_id, event, old_memory, new_memory, created_at, is_deleted, actor_id, role, related_memory_id
                    FROM history WHERE project_id = @project AND memory_id = @memory_id ORDER BY created_at, rowid;
                    """;
                command.Parameters.AddWithValue("@project", projectId);
                command.Parameters.AddWithValue("@memory_id", memoryId);
                var result = new List<MemoryHistoryEntry>();
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        result.Add(ReadHistoryEntry(reader));
                    }
                }

                return result;
            }
        }
        catch (SqliteException ex)
        {
            throw Map(ex, "history");
        }
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="projectId"/> is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="messageIds"/> is <see langword="null"/>.</exception>
    /// <exception cref="MemoryStoreException">The database cannot be read.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public async Task<IReadOnlyList<StoredMessage>> GetMessagesAsync(string projectId, IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        ArgumentNullException.ThrowIfNull(messageIds);
        if (messageIds.Count == 0)
        {
            return [];
        }

        return await QueryMessagesAsync(
            $"SELECT {MessageColumns} FROM messages WHERE project_id = @project AND id IN (SELECT value FROM json_each(@ids)) ORDER BY seq;",
            command =>
            {
                command.Parameters.AddWithValue("@project", projectId);
                command.Parameters.AddWithValue("@ids", SqliteValues.ToJsonArray(messageIds));
            },
            reverse: false,
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <remarks>"Most recent" is by storage order: the messages stored last, returned in the order they were stored.</remarks>
    /// <exception cref="ArgumentException"><paramref name="projectId"/> is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="scope"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is not positive.</exception>
    /// <exception cref="MemoryStoreException">The database cannot be read.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public async Task<IReadOnlyList<StoredMessage>> GetRecentMessagesAsync(string projectId, MemoryScope scope, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return await QueryMessagesAsync(
            $"""
            SELECT {MessageColumns} FROM messages
            WHERE project_id = @project AND user_id IS @user_id AND agent_id IS @agent_id AND app_id IS @app_id AND run_id IS @run_id
            ORDER BY seq DESC LIMIT @limit;
            """,
            command =>
            {
                command.Parameters.AddWithValue("@project", projectId);
                command.Parameters.AddWithValue("@user_id", (object?)scope.UserId ?? DBNull.Value);
                command.Parameters.AddWithValue("@agent_id", (object?)scope.AgentId ?? DBNull.Value);
                command.Parameters.AddWithValue("@app_id", (object?)scope.AppId ?? DBNull.Value);
                command.Parameters.AddWithValue("@run_id", (object?)scope.RunId ?? DBNull.Value);
                command.Parameters.AddWithValue("@limit", limit);
            },
            reverse: true,
            cancellationToken).ConfigureAwait(false);
    }

    private async Task<List<MemoryItem>> QueryMemoriesAsync(string sql, Action<SqliteCommand> bind, string operation, CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                using var command = connection.CreateCommand();
                command.CommandText = sql;
                bind(command);
                return await ReadMemoriesAsync(command, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (SqliteException ex)
        {
            throw Map(ex, operation);
        }
    }

    private static async Task<List<MemoryItem>> ReadMemoriesAsync(SqliteCommand command, CancellationToken cancellationToken)
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

    private static MemoryItem ReadMemory(SqliteDataReader reader)
    {
        var metadata = reader.GetString(7);
        return new MemoryItem
        {
            Id = reader.GetString(0),
            Scope = new MemoryScope
            {
                UserId = NullableString(reader, 1),
                AgentId = NullableString(reader, 2),
                AppId = NullableString(reader, 3),
                RunId = NullableString(reader, 4),
            },
            Memory = reader.GetString(5),
            Hash = reader.GetString(6),
            Metadata = metadata == "{}" ? MemoryMetadata.Empty : MemoryMetadata.Parse(metadata),
            Categories = SqliteValues.FromJsonArray(reader.GetString(8)),
            Role = NullableString(reader, 9),
            ActorId = NullableString(reader, 10),
            AttributedTo = NullableString(reader, 11),
            CreatedAt = SqliteValues.ParseTimestamp(reader.GetString(12)),
            UpdatedAt = SqliteValues.ParseTimestamp(reader.GetString(13)),
            ObservedAt = SqliteValues.ParseTimestamp(reader.GetString(14)),
            ExpirationDate = reader.IsDBNull(15) ? null : SqliteValues.ParseDate(reader.GetString(15)),
            SupersededBy = NullableString(reader, 16),
            ValidTo = reader.IsDBNull(17) ? null : SqliteValues.ParseTimestamp(reader.GetString(17)),
            SourceMessageIds = SqliteValues.FromJsonArray(reader.GetString(18)),
            Immutable = reader.GetInt64(19) != 0,
        };
    }

    private async Task<IReadOnlyList<StoredMessage>> QueryMessagesAsync(string sql, Action<SqliteCommand> bind, bool reverse, CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                using var command = connection.CreateCommand();
                command.CommandText = sql;
                bind(command);
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
            }
        }
        catch (SqliteException ex)
        {
            throw Map(ex, "messages");
        }
    }

    /// <summary>Reads a history row selected as <c>id, memory_id, event, old_memory, new_memory, created_at, is_deleted, actor_id, role, related_memory_id</c>.</summary>
    private static MemoryHistoryEntry ReadHistoryEntry(SqliteDataReader reader) => new()
    {
        Id = reader.GetString(0),
        MemoryId = reader.GetString(1),
        Event = MemoryEventTypeNames.Parse(reader.GetString(2)),
        OldMemory = NullableString(reader, 3),
        NewMemory = NullableString(reader, 4),
        CreatedAt = SqliteValues.ParseTimestamp(reader.GetString(5)),
        IsDeleted = reader.GetInt64(6) != 0,
        ActorId = NullableString(reader, 7),
        Role = NullableString(reader, 8),
        RelatedMemoryId = NullableString(reader, 9),
    };

    /// <summary>Reads a message row selected as <see cref="MessageColumns"/>.</summary>
    private static StoredMessage ReadMessage(SqliteDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Scope = new MemoryScope
        {
            UserId = NullableString(reader, 1),
            AgentId = NullableString(reader, 2),
            AppId = NullableString(reader, 3),
            RunId = NullableString(reader, 4),
        },
        Role = reader.GetString(5),
        Name = NullableString(reader, 6),
        Content = reader.GetString(7),
        ExternalId = NullableString(reader, 8),
        ObservedAt = SqliteValues.ParseTimestamp(reader.GetString(9)),
        CreatedAt = SqliteValues.ParseTimestamp(reader.GetString(10)),
    };

    private static string? NullableString(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
