using System.Globalization;
using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Engram.Postgres;

public sealed partial class PostgresMemoryStore : IEventStore
{
    private const string StatusPending = "PENDING";
    private const string StatusRunning = "RUNNING";
    private const string StatusSucceeded = "SUCCEEDED";
    private const string StatusFailed = "FAILED";

    private const string EventColumns = """
        id, project_id, event_type, status, payload, results, error, attempts, created_at, updated_at, started_at, completed_at, latency_ms,
        input_tokens, output_tokens, model_calls
        """;

    // Claimable by this instance: pending, or running but claimed by this instance (a resume after a transient failure)
    // or by a server whose lease expired (it crashed or stalled).
    private const string Claimable = $"""
        (status = '{StatusPending}' OR (status = '{StatusRunning}' AND (claimed_by IS NULL OR claimed_by = @owner OR lease_until < @now)))
        """;

    /// <inheritdoc/>
    public Task CreateEventAsync(StoredEvent storedEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(storedEvent);
        ArgumentException.ThrowIfNullOrEmpty(storedEvent.Id, nameof(storedEvent));
        ArgumentException.ThrowIfNullOrEmpty(storedEvent.ProjectId, nameof(storedEvent));
        return RunAsync("create_event", write: true, async connection =>
        {
            using var command = new NpgsqlCommand($"""
                INSERT INTO events ({EventColumns})
                VALUES (@id, @project, @event_type, @status, @payload, @results, @error, @attempts, @created_at, @updated_at, @started_at, @completed_at, @latency_ms,
                        @input_tokens, @output_tokens, @model_calls);
                """, connection);
            var p = command.Parameters;
            p.Add(PostgresValues.Text("id", storedEvent.Id));
            p.Add(PostgresValues.Text("project", storedEvent.ProjectId));
            p.Add(PostgresValues.Text("event_type", storedEvent.EventType));
            p.Add(PostgresValues.Text("status", StatusName(storedEvent.Status)));
            p.Add(PostgresValues.Text("payload", storedEvent.Payload));
            p.Add(PostgresValues.Text("results", ResultsToJson(storedEvent.Results)));
            p.Add(PostgresValues.Text("error", storedEvent.Error));
            p.Add(new NpgsqlParameter("attempts", NpgsqlDbType.Integer) { Value = storedEvent.Attempts });
            p.Add(PostgresValues.Text("created_at", PostgresValues.FormatTimestamp(storedEvent.CreatedAt)));
            p.Add(PostgresValues.Text("updated_at", PostgresValues.FormatTimestamp(storedEvent.UpdatedAt)));
            p.Add(PostgresValues.Text("started_at", storedEvent.StartedAt is { } started ? PostgresValues.FormatTimestamp(started) : null));
            p.Add(PostgresValues.Text("completed_at", storedEvent.CompletedAt is { } completed ? PostgresValues.FormatTimestamp(completed) : null));
            p.Add(new NpgsqlParameter("latency_ms", NpgsqlDbType.Double) { Value = (object?)storedEvent.LatencyMilliseconds ?? DBNull.Value });
            p.Add(PostgresValues.Integer("input_tokens", storedEvent.Usage?.InputTokens));
            p.Add(PostgresValues.Integer("output_tokens", storedEvent.Usage?.OutputTokens));
            p.Add(new NpgsqlParameter("model_calls", NpgsqlDbType.Integer) { Value = (object?)storedEvent.Usage?.Calls ?? DBNull.Value });
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<StoredEvent?> GetEventAsync(string projectId, string eventId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        ArgumentException.ThrowIfNullOrEmpty(eventId);
        return RunAsync("get_event", write: false, async connection =>
        {
            using var command = new NpgsqlCommand($"SELECT {EventColumns} FROM events WHERE project_id = @project AND id = @id;", connection);
            command.Parameters.Add(PostgresValues.Text("project", projectId));
            command.Parameters.Add(PostgresValues.Text("id", eventId));
            var events = await ReadEventsAsync(command, cancellationToken).ConfigureAwait(false);
            return events.Count == 0 ? null : events[0];
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<StoredEventPage> ListEventsAsync(string projectId, int offset, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return RunAsync("list_events", write: false, async connection =>
        {
            using var command = new NpgsqlCommand(
                $"SELECT {EventColumns}, count(*) OVER () FROM events WHERE project_id = @project ORDER BY seq DESC LIMIT @limit OFFSET @offset;", connection);
            command.Parameters.Add(PostgresValues.Text("project", projectId));
            command.Parameters.Add(PostgresValues.Integer("limit", limit));
            command.Parameters.Add(PostgresValues.Integer("offset", offset));
            var total = 0L;
            var events = await ReadEventsAsync(command, cancellationToken, reader => total = reader.GetInt64(16)).ConfigureAwait(false);
            if (events.Count == 0 && offset > 0)
            {
                using var count = new NpgsqlCommand("SELECT count(*) FROM events WHERE project_id = @project;", connection);
                count.Parameters.Add(PostgresValues.Text("project", projectId));
                total = Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            }

            return new StoredEventPage(events, total);
        }, cancellationToken);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Lists only the events this instance may claim: pending ones, its own running ones, and running ones whose
    /// server's lease (<see cref="PostgresStoreOptions.EventLeaseSeconds"/>) expired. Rows another transaction is
    /// claiming right now are skipped (<c>FOR UPDATE SKIP LOCKED</c>).
    /// </remarks>
    public Task<IReadOnlyList<StoredEvent>> ListUnfinishedEventsAsync(int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return RunAsync("list_unfinished_events", write: true, async connection =>
        {
            using var command = new NpgsqlCommand(
                $"SELECT {EventColumns} FROM events WHERE {Claimable} ORDER BY seq LIMIT @limit FOR UPDATE SKIP LOCKED;", connection);
            AddClaimParameters(command);
            command.Parameters.Add(PostgresValues.Integer("limit", limit));
            return await ReadEventsAsync(command, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Claims with <c>FOR UPDATE SKIP LOCKED</c> and a lease: several servers asking for the same event at once get it
    /// once; the others get <see langword="null"/>, as they do while the claimer's lease runs. The claimer itself may
    /// start it again (a retry after a transient failure).
    /// </remarks>
    public Task<StoredEvent?> StartEventAsync(string projectId, string eventId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        ArgumentException.ThrowIfNullOrEmpty(eventId);
        return RunAsync("start_event", write: true, async connection =>
        {
            using var command = new NpgsqlCommand($"""
                UPDATE events SET status = '{StatusRunning}', attempts = attempts + 1, started_at = @now, updated_at = @now,
                    claimed_by = @owner, lease_until = @lease
                WHERE seq = (SELECT seq FROM events WHERE project_id = @project AND id = @id AND {Claimable} FOR UPDATE SKIP LOCKED)
                RETURNING {EventColumns};
                """, connection);
            AddClaimParameters(command);
            command.Parameters.Add(PostgresValues.Text("project", projectId));
            command.Parameters.Add(PostgresValues.Text("id", eventId));
            command.Parameters.Add(PostgresValues.Text("lease", PostgresValues.FormatTimestamp(_timeProvider.GetUtcNow().AddSeconds(_options.EventLeaseSeconds))));
            var events = await ReadEventsAsync(command, cancellationToken).ConfigureAwait(false);
            return events.Count == 0 ? null : events[0];
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<bool> CompleteEventAsync(string projectId, string eventId, IReadOnlyList<MemoryEvent> results, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        ArgumentException.ThrowIfNullOrEmpty(eventId);
        ArgumentNullException.ThrowIfNull(results);
        return RunAsync(
            "complete_event",
            write: true,
            connection => FinishEventAsync(connection, projectId, eventId, StatusSucceeded, ResultsToJson(results), null, cancellationToken),
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task<bool> FailEventAsync(string projectId, string eventId, string errorMessage, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        ArgumentException.ThrowIfNullOrEmpty(eventId);
        ArgumentException.ThrowIfNullOrEmpty(errorMessage);
        return RunAsync(
            "fail_event",
            write: true,
            connection => FinishEventAsync(connection, projectId, eventId, StatusFailed, "[]", errorMessage, cancellationToken),
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task<bool> ReleaseEventAsync(string projectId, string eventId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        ArgumentException.ThrowIfNullOrEmpty(eventId);
        return RunAsync("release_event", write: true, async connection =>
        {
            using var command = new NpgsqlCommand($"""
                UPDATE events SET status = '{StatusPending}', updated_at = @now, claimed_by = NULL, lease_until = NULL
                WHERE project_id = @project AND id = @id AND status = '{StatusRunning}';
                """, connection);
            command.Parameters.Add(PostgresValues.Text("project", projectId));
            command.Parameters.Add(PostgresValues.Text("id", eventId));
            command.Parameters.Add(PostgresValues.Text("now", PostgresValues.FormatTimestamp(_timeProvider.GetUtcNow())));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<string>> RetryEventsAsync(string projectId, string? eventId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        return RunAsync<IReadOnlyList<string>>("retry_events", write: true, async connection =>
        {
            using var command = new NpgsqlCommand($"""
                UPDATE events SET status = '{StatusPending}', error = NULL, updated_at = @now, completed_at = NULL, latency_ms = NULL,
                    claimed_by = NULL, lease_until = NULL
                WHERE project_id = @project AND status = '{StatusFailed}' AND (@id::text IS NULL OR id = @id)
                RETURNING id;
                """, connection);
            command.Parameters.Add(PostgresValues.Text("project", projectId));
            command.Parameters.Add(PostgresValues.Text("id", eventId));
            command.Parameters.Add(PostgresValues.Text("now", PostgresValues.FormatTimestamp(_timeProvider.GetUtcNow())));
            var ids = new List<string>();
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    ids.Add(reader.GetString(0));
                }
            }

            return ids;
        }, cancellationToken);
    }

    private void AddClaimParameters(NpgsqlCommand command)
    {
        command.Parameters.Add(PostgresValues.Text("owner", _owner));
        command.Parameters.Add(PostgresValues.Text("now", PostgresValues.FormatTimestamp(_timeProvider.GetUtcNow())));
    }

    private async Task CompleteBatchEventAsync(NpgsqlConnection connection, MemoryWriteBatch batch, CancellationToken cancellationToken)
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
            using var command = new NpgsqlCommand(
                "UPDATE events SET input_tokens = @input, output_tokens = @output, model_calls = @calls WHERE project_id = @project AND id = @id;", connection);
            command.Parameters.Add(PostgresValues.Text("project", batch.ProjectId));
            command.Parameters.Add(PostgresValues.Text("id", eventId));
            command.Parameters.Add(PostgresValues.Integer("input", usage.InputTokens));
            command.Parameters.Add(PostgresValues.Integer("output", usage.OutputTokens));
            command.Parameters.Add(new NpgsqlParameter("calls", NpgsqlDbType.Integer) { Value = usage.Calls });
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<bool> FinishEventAsync(
        NpgsqlConnection connection, string projectId, string eventId, string status, string results, string? error, CancellationToken cancellationToken)
    {
        // The row lock taken by the UPDATE makes two finishers of one event serialise; the second sees it finished.
        var now = _timeProvider.GetUtcNow();
        using var update = new NpgsqlCommand($"""
            UPDATE events SET status = @status, results = @results, error = @error, updated_at = @now, completed_at = @now,
                latency_ms = 0, claimed_by = NULL, lease_until = NULL
            WHERE project_id = @project AND id = @id AND status IN ('{StatusPending}', '{StatusRunning}')
            RETURNING started_at;
            """, connection);
        update.Parameters.Add(PostgresValues.Text("project", projectId));
        update.Parameters.Add(PostgresValues.Text("id", eventId));
        update.Parameters.Add(PostgresValues.Text("status", status));
        update.Parameters.Add(PostgresValues.Text("results", results));
        update.Parameters.Add(PostgresValues.Text("error", error));
        update.Parameters.Add(PostgresValues.Text("now", PostgresValues.FormatTimestamp(now)));
        var started = await update.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        if (started is null)
        {
            return false;
        }

        if (started is string text)
        {
            using var latency = new NpgsqlCommand("UPDATE events SET latency_ms = @latency WHERE project_id = @project AND id = @id;", connection);
            latency.Parameters.Add(PostgresValues.Text("project", projectId));
            latency.Parameters.Add(PostgresValues.Text("id", eventId));
            latency.Parameters.Add(new NpgsqlParameter("latency", NpgsqlDbType.Double) { Value = Math.Max(0, (now - PostgresValues.ParseTimestamp(text)).TotalMilliseconds) });
            await latency.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    private static async Task<IReadOnlyList<StoredEvent>> ReadEventsAsync(NpgsqlCommand command, CancellationToken cancellationToken, Action<NpgsqlDataReader>? extra = null)
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
                    Error = PostgresValues.NullableString(reader, 6),
                    Attempts = reader.GetInt32(7),
                    CreatedAt = PostgresValues.ParseTimestamp(reader.GetString(8)),
                    UpdatedAt = PostgresValues.ParseTimestamp(reader.GetString(9)),
                    StartedAt = PostgresValues.NullableTimestamp(reader, 10),
                    CompletedAt = PostgresValues.NullableTimestamp(reader, 11),
                    LatencyMilliseconds = PostgresValues.NullableDouble(reader, 12),
                    Usage = ReadUsage(reader),
                });
                extra?.Invoke(reader);
            }
        }

        return result;
    }

    private static ModelUsage? ReadUsage(NpgsqlDataReader reader) =>
        reader.IsDBNull(15) ? null : new ModelUsage(reader.GetInt64(13), reader.GetInt64(14), reader.GetInt32(15));

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
}
