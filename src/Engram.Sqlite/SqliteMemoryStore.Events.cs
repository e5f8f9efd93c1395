using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Engram.Sqlite;

/// <content>The durable event queue of asynchronous work (<see cref="IEventStore"/>).</content>
public sealed partial class SqliteMemoryStore : IEventStore
{
    private const string StatusPending = "PENDING";
    private const string StatusRunning = "RUNNING";
    private const string StatusSucceeded = "SUCCEEDED";
    private const string StatusFailed = "FAILED";

    private const string EventColumns = """
        id, project_id, event_type, status, payload, results, error, attempts, created_at, updated_at, started_at, completed_at, latency_ms,
        input_tokens, output_tokens, model_calls
        """;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The event's id or project id is empty.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public Task CreateEventAsync(StoredEvent storedEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(storedEvent);
        ArgumentException.ThrowIfNullOrEmpty(storedEvent.Id, nameof(storedEvent));
        ArgumentException.ThrowIfNullOrEmpty(storedEvent.ProjectId, nameof(storedEvent));
        return ExecuteAsync("create_event", write: true, async connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"""
                INSERT INTO events ({EventColumns})
                VALUES (@id, @project, @event_type, @status, @payload, @results, @error, @attempts, @created_at, @updated_at, @started_at, @completed_at, @latency_ms,
                        @input_tokens, @output_tokens, @model_calls);
                """;
            command.Parameters.AddWithValue("@id", storedEvent.Id);
            command.Parameters.AddWithValue("@project", storedEvent.ProjectId);
            command.Parameters.AddWithValue("@event_type", storedEvent.EventType);
            command.Parameters.AddWithValue("@status", StatusName(storedEvent.Status));
            command.Parameters.AddWithValue("@payload", storedEvent.Payload);
            command.Parameters.AddWithValue("@results", ResultsToJson(storedEvent.Results));
            command.Parameters.AddWithValue("@error", (object?)storedEvent.Error ?? DBNull.Value);
            command.Parameters.AddWithValue("@attempts", storedEvent.Attempts);
            command.Parameters.AddWithValue("@created_at", SqliteValues.FormatTimestamp(storedEvent.CreatedAt));
            command.Parameters.AddWithValue("@updated_at", SqliteValues.FormatTimestamp(storedEvent.UpdatedAt));
            command.Parameters.AddWithValue("@started_at", storedEvent.StartedAt is { } started ? SqliteValues.FormatTimestamp(started) : DBNull.Value);
            command.Parameters.AddWithValue("@completed_at", storedEvent.CompletedAt is { } completed ? SqliteValues.FormatTimestamp(completed) : DBNull.Value);
            command.Parameters.AddWithValue("@latency_ms", (object?)storedEvent.LatencyMilliseconds ?? DBNull.Value);
            command.Parameters.AddWithValue("@input_tokens", (object?)storedEvent.Usage?.InputTokens ?? DBNull.Value);
            command.Parameters.AddWithValue("@output_tokens", (object?)storedEvent.Usage?.OutputTokens ?? DBNull.Value);
            command.Parameters.AddWithValue("@model_calls", (object?)storedEvent.Usage?.Calls ?? DBNull.Value);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="projectId"/> or <paramref name="eventId"/> is empty.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public Task<StoredEvent?> GetEventAsync(string projectId, string eventId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        ArgumentException.ThrowIfNullOrEmpty(eventId);
        return ExecuteAsync("get_event", write: false, connection => ReadEventAsync(connection, projectId, eventId, cancellationToken), cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="projectId"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="offset"/> is negative or <paramref name="limit"/> is not positive.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public Task<StoredEventPage> ListEventsAsync(string projectId, int offset, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return ExecuteAsync("list_events", write: false, async connection =>
        {
            using var transaction = connection.BeginTransaction(deferred: true);
            using var count = connection.CreateCommand();
            count.CommandText = "SELECT count(*) FROM events WHERE project_id = @project;";
            count.Parameters.AddWithValue("@project", projectId);
            var total = Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            using var page = connection.CreateCommand();
            page.CommandText = $"SELECT {EventColumns} FROM events WHERE project_id = @project ORDER BY seq DESC LIMIT @limit OFFSET @offset;";
            page.Parameters.AddWithValue("@project", projectId);
            page.Parameters.AddWithValue("@limit", limit);
            page.Parameters.AddWithValue("@offset", offset);
            return new StoredEventPage(await ReadEventsAsync(page, cancellationToken).ConfigureAwait(false), total);
        }, cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is not positive.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public Task<IReadOnlyList<StoredEvent>> ListUnfinishedEventsAsync(int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return ExecuteAsync("list_unfinished_events", write: false, async connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {EventColumns} FROM events WHERE status IN ('{StatusPending}', '{StatusRunning}') ORDER BY seq LIMIT @limit;";
            command.Parameters.AddWithValue("@limit", limit);
            return await ReadEventsAsync(command, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="projectId"/> or <paramref name="eventId"/> is empty.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public Task<StoredEvent?> StartEventAsync(string projectId, string eventId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        ArgumentException.ThrowIfNullOrEmpty(eventId);
        return ExecuteAsync("start_event", write: true, async connection =>
        {
            var now = SqliteValues.FormatTimestamp(_timeProvider.GetUtcNow());
            using var command = connection.CreateCommand();
            command.CommandText = $"""
                UPDATE events SET status = '{StatusRunning}', attempts = attempts + 1, started_at = @now, updated_at = @now
                WHERE project_id = @project AND id = @id AND status IN ('{StatusPending}', '{StatusRunning}');
                """;
            command.Parameters.AddWithValue("@project", projectId);
            command.Parameters.AddWithValue("@id", eventId);
            command.Parameters.AddWithValue("@now", now);
            if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                return null;
            }

            return await ReadEventAsync(connection, projectId, eventId, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="projectId"/> or <paramref name="eventId"/> is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="results"/> is <see langword="null"/>.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public Task<bool> CompleteEventAsync(string projectId, string eventId, IReadOnlyList<MemoryEvent> results, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        ArgumentException.ThrowIfNullOrEmpty(eventId);
        ArgumentNullException.ThrowIfNull(results);
        return ExecuteAsync(
            "complete_event",
            write: true,
            connection => FinishEventAsync(connection, projectId, eventId, StatusSucceeded, ResultsToJson(results), null, cancellationToken),
            cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="projectId"/>, <paramref name="eventId"/> or <paramref name="errorMessage"/> is empty.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public Task<bool> FailEventAsync(string projectId, string eventId, string errorMessage, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        ArgumentException.ThrowIfNullOrEmpty(eventId);
        ArgumentException.ThrowIfNullOrEmpty(errorMessage);
        return ExecuteAsync(
            "fail_event",
            write: true,
            connection => FinishEventAsync(connection, projectId, eventId, StatusFailed, "[]", errorMessage, cancellationToken),
            cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="projectId"/> or <paramref name="eventId"/> is empty.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public Task<bool> ReleaseEventAsync(string projectId, string eventId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        ArgumentException.ThrowIfNullOrEmpty(eventId);
        return ExecuteAsync("release_event", write: true, async connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"""
                UPDATE events SET status = '{StatusPending}', updated_at = @now
                WHERE project_id = @project AND id = @id AND status = '{StatusRunning}';
                """;
            command.Parameters.AddWithValue("@project", projectId);
            command.Parameters.AddWithValue("@id", eventId);
            command.Parameters.AddWithValue("@now", SqliteValues.FormatTimestamp(_timeProvider.GetUtcNow()));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="projectId"/> is empty.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public Task<IReadOnlyList<string>> RetryEventsAsync(string projectId, string? eventId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        return ExecuteAsync("retry_events", write: true, async connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"""
                UPDATE events SET status = '{StatusPending}', error = NULL, updated_at = @now, completed_at = NULL, latency_ms = NULL
                WHERE project_id = @project AND status = '{StatusFailed}' AND (@id IS NULL OR id = @id)
                RETURNING id;
                """;
            command.Parameters.AddWithValue("@project", projectId);
            command.Parameters.AddWithValue("@id", (object?)eventId ?? DBNull.Value);
            command.Parameters.AddWithValue("@now", SqliteValues.FormatTimestamp(_timeProvider.GetUtcNow()));
            var ids = new List<string>();
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    ids.Add(reader.GetString(0));
                }
            }

            return (IReadOnlyList<string>)ids;
        }, cancellationToken);
    }

    /// <summary>
    /// Inside <see cref="WriteAsync"/>'s transaction: marks the batch's event succeeded with the inserted memories as
    /// results, or throws <see cref="EventConflictException"/> (rolling the whole batch back) when it already finished.
    /// </summary>
    private async Task CompleteBatchEventAsync(SqliteConnection connection, MemoryWriteBatch batch, CancellationToken cancellationToken)
    {
        if (batch.CompletesEventId is not { } eventId)
        {
            return;
        }

        var results = batch.Inserts.Select(r => new MemoryEvent
        {
            Id = r.Item.Id,
            Memory = r.Item.Memory,
            Event = MemoryEventType.Add,
            ActorId = r.Item.ActorId,
            Role = r.Item.Role,
        }).ToList();
        if (!await FinishEventAsync(connection, batch.ProjectId, eventId, StatusSucceeded, ResultsToJson(results), null, cancellationToken).ConfigureAwait(false))
        {
            throw new EventConflictException(eventId);
        }

        if (batch.CompletesEventUsage is { } usage)
        {
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE events SET input_tokens = @input, output_tokens = @output, model_calls = @calls WHERE project_id = @project AND id = @id;";
            command.Parameters.AddWithValue("@project", batch.ProjectId);
            command.Parameters.AddWithValue("@id", eventId);
            command.Parameters.AddWithValue("@input", usage.InputTokens);
            command.Parameters.AddWithValue("@output", usage.OutputTokens);
            command.Parameters.AddWithValue("@calls", usage.Calls);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Moves an unfinished event to a final status; the latency is measured from its last start.</summary>
    private async Task<bool> FinishEventAsync(
        SqliteConnection connection, string projectId, string eventId, string status, string results, string? error, CancellationToken cancellationToken)
    {
        DateTimeOffset? startedAt;
        using (var select = connection.CreateCommand())
        {
            select.CommandText = $"SELECT started_at FROM events WHERE project_id = @project AND id = @id AND status IN ('{StatusPending}', '{StatusRunning}');";
            select.Parameters.AddWithValue("@project", projectId);
            select.Parameters.AddWithValue("@id", eventId);
            var value = await select.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            if (value is null)
            {
                return false;
            }

            startedAt = value is string text ? SqliteValues.ParseTimestamp(text) : null;
        }

        var now = _timeProvider.GetUtcNow();
        using var update = connection.CreateCommand();
        update.CommandText = """
            UPDATE events SET status = @status, results = @results, error = @error, updated_at = @now, completed_at = @now, latency_ms = @latency
            WHERE project_id = @project AND id = @id;
            """;
        update.Parameters.AddWithValue("@project", projectId);
        update.Parameters.AddWithValue("@id", eventId);
        update.Parameters.AddWithValue("@status", status);
        update.Parameters.AddWithValue("@results", results);
        update.Parameters.AddWithValue("@error", (object?)error ?? DBNull.Value);
        update.Parameters.AddWithValue("@now", SqliteValues.FormatTimestamp(now));
        update.Parameters.AddWithValue("@latency", Math.Max(0, (now - (startedAt ?? now)).TotalMilliseconds));
        await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static async Task<StoredEvent?> ReadEventAsync(SqliteConnection connection, string projectId, string eventId, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {EventColumns} FROM events WHERE project_id = @project AND id = @id;";
        command.Parameters.AddWithValue("@project", projectId);
        command.Parameters.AddWithValue("@id", eventId);
        var events = await ReadEventsAsync(command, cancellationToken).ConfigureAwait(false);
        return events.Count == 0 ? null : events[0];
    }

    private static async Task<IReadOnlyList<StoredEvent>> ReadEventsAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var result = new List<StoredEvent>();
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                result.Add(new StoredEvent
                {
                    Id = reader.GetString(0),
                    ProjectId = reader.GetString(1),
                    EventType = reader.GetString(2),
                    Status = ParseStatus(reader.GetString(3)),
                    Payload = reader.GetString(4),
                    Results = ResultsFromJson(reader.GetString(5)),
                    Error = NullableString(reader, 6),
                    Attempts = reader.GetInt32(7),
                    CreatedAt = SqliteValues.ParseTimestamp(reader.GetString(8)),
                    UpdatedAt = SqliteValues.ParseTimestamp(reader.GetString(9)),
                    StartedAt = NullableTimestamp(reader, 10),
                    CompletedAt = NullableTimestamp(reader, 11),
                    LatencyMilliseconds = NullableDouble(reader, 12),
                    Usage = ReadUsage(reader),
                });
            }
        }

        return result;
    }

    private static DateTimeOffset? NullableTimestamp(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : SqliteValues.ParseTimestamp(reader.GetString(ordinal));

    private static ModelUsage? ReadUsage(SqliteDataReader reader) =>
        reader.IsDBNull(15) ? null : new ModelUsage(reader.GetInt64(13), reader.GetInt64(14), reader.GetInt32(15));

    private static double? NullableDouble(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetDouble(ordinal);

    private static string StatusName(StoredEventStatus status) => status switch
    {
        StoredEventStatus.Pending => StatusPending,
        StoredEventStatus.Running => StatusRunning,
        StoredEventStatus.Succeeded => StatusSucceeded,
        StoredEventStatus.Failed => StatusFailed,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown event status."),
    };

    private static StoredEventStatus ParseStatus(string name) => name switch
    {
        StatusPending => StoredEventStatus.Pending,
        StatusRunning => StoredEventStatus.Running,
        StatusSucceeded => StoredEventStatus.Succeeded,
        _ => StoredEventStatus.Failed,
    };

    private static string ResultsToJson(IReadOnlyList<MemoryEvent> results)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartArray();
            foreach (var result in results)
            {
                ArgumentNullException.ThrowIfNull(result, nameof(results));
                writer.WriteStartObject();
                writer.WriteString("id", result.Id);
                writer.WriteString("memory", result.Memory);
                writer.WriteString("event", MemoryEventTypeNames.ToName(result.Event));
                if (result.PreviousMemory is not null)
                {
                    writer.WriteString("previous_memory", result.PreviousMemory);
                }

                if (result.ActorId is not null)
                {
                    writer.WriteString("actor_id", result.ActorId);
                }

                if (result.Role is not null)
                {
                    writer.WriteString("role", result.Role);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    private static IReadOnlyList<MemoryEvent> ResultsFromJson(string json)
    {
        if (json.Length == 0 || json == "[]")
        {
            return [];
        }

        using var document = JsonDocument.Parse(json);
        var result = new List<MemoryEvent>(document.RootElement.GetArrayLength());
        foreach (var item in document.RootElement.EnumerateArray())
        {
            result.Add(new MemoryEvent
            {
                Id = item.GetProperty("id").GetString()!,
                Memory = item.GetProperty("memory").GetString()!,
                Event = MemoryEventTypeNames.Parse(item.GetProperty("event").GetString()!),
                PreviousMemory = item.TryGetProperty("previous_memory", out var previous) ? previous.GetString() : null,
                ActorId = item.TryGetProperty("actor_id", out var actor) ? actor.GetString() : null,
                Role = item.TryGetProperty("role", out var role) ? role.GetString() : null,
            });
        }

        return result;
    }

    /// <summary>Runs one operation on its own pooled connection (in one <c>BEGIN IMMEDIATE</c> transaction when it writes).</summary>
    private async Task<T> ExecuteAsync<T>(string operation, bool write, Func<SqliteConnection, Task<T>> body, CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                if (!write)
                {
                    return await body(connection).ConfigureAwait(false);
                }

                // In-process writers queue on the write gate (first come, first served) rather than on SQLite's busy
                // handler, which polls and can starve a writer past its busy timeout ("database is locked") under load.
                using var writeGate = await EnterWriteGateAsync(cancellationToken).ConfigureAwait(false);
                using var transaction = connection.BeginTransaction(deferred: false);
                var result = await body(connection).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return result;
            }
        }
        catch (SqliteException ex)
        {
            throw Map(ex, operation);
        }
    }
}
