using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Engram.Sqlite;

/// <content>Webhooks and their durable outbox (<see cref="IWebhookStore"/>).</content>
public sealed partial class SqliteMemoryStore : IWebhookStore
{
    private const string WebhookColumns = "id, project_id, name, url, event_types, secret, is_active, created_at, updated_at";

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The project id, name, URL or secret is empty.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public Task<Webhook> CreateWebhookAsync(Webhook webhook, CancellationToken cancellationToken = default)
    {
        WebhookOutboxPayloads.Validate(webhook);
        return ExecuteAsync("create_webhook", write: true, async connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO webhooks (project_id, name, url, event_types, secret, is_active, created_at, updated_at)
                VALUES (@project, @name, @url, @event_types, @secret, @is_active, @created_at, @updated_at) RETURNING id;
                """;
            SetWebhook(command, webhook);
            command.Parameters.AddWithValue("@secret", webhook.Secret);
            command.Parameters.AddWithValue("@created_at", SqliteValues.FormatTimestamp(webhook.CreatedAt));
            var id = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            return webhook with { Id = id };
        }, cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="projectId"/> is empty.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public async Task<Webhook?> GetWebhookAsync(string projectId, long webhookId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        var found = await ReadWebhooksAsync(projectId, webhookId, cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="projectId"/> is empty.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public Task<IReadOnlyList<Webhook>> ListWebhooksAsync(string projectId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        return ReadWebhooksAsync(projectId, webhookId: null, cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The project id, name or URL is empty.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public Task<bool> UpdateWebhookAsync(Webhook webhook, CancellationToken cancellationToken = default)
    {
        WebhookOutboxPayloads.Validate(webhook);
        return ExecuteAsync("update_webhook", write: true, async connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                UPDATE webhooks SET name = @name, url = @url, event_types = @event_types, is_active = @is_active, updated_at = @updated_at
                WHERE project_id = @project AND id = @id;
                """;
            SetWebhook(command, webhook);
            command.Parameters.AddWithValue("@id", webhook.Id);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="projectId"/> is empty.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public Task<bool> DeleteWebhookAsync(string projectId, long webhookId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        return ExecuteAsync("delete_webhook", write: true, async connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM webhooks WHERE project_id = @project AND id = @id;";
            command.Parameters.AddWithValue("@project", projectId);
            command.Parameters.AddWithValue("@id", webhookId);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is less than 1.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public Task<IReadOnlyList<WebhookDelivery>> ClaimDueDeliveriesAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return ExecuteAsync("claim_webhook_deliveries", write: true, async connection =>
        {
            IReadOnlyList<WebhookDelivery> claimed;
            using (var select = connection.CreateCommand())
            {
                select.CommandText = """
                    SELECT o.id, o.project_id, o.webhook_id, w.url, w.secret, o.event_type, o.payload, o.attempts, o.status, o.last_error, o.created_at
                    FROM webhook_outbox o JOIN webhooks w ON w.id = o.webhook_id
                    WHERE o.status = 'PENDING' AND o.next_attempt_at <= @now ORDER BY o.next_attempt_at, o.id LIMIT @limit;
                    """;
                select.Parameters.AddWithValue("@now", SqliteValues.FormatTimestamp(now));
                select.Parameters.AddWithValue("@limit", limit);
                claimed = await StoreRows.ReadAllAsync(select, StoreRows.ReadDelivery, cancellationToken).ConfigureAwait(false);
            }

            using var lease = connection.CreateCommand();
            lease.CommandText = "UPDATE webhook_outbox SET next_attempt_at = @lease WHERE id = @id;";
            lease.Parameters.AddWithValue("@lease", SqliteValues.FormatTimestamp(leaseUntil));
            var id = lease.Parameters.Add("@id", SqliteType.Integer);
            foreach (var delivery in claimed)
            {
                id.Value = delivery.Id;
                await lease.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return claimed;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="status"/> is not defined or <paramref name="attempts"/> is negative.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public Task CompleteDeliveryAsync(long deliveryId, WebhookDeliveryStatus status, int attempts, DateTimeOffset nextAttemptAt, string? lastError, CancellationToken cancellationToken = default)
    {
        if (!Enum.IsDefined(status))
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown delivery status.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(attempts);
        return ExecuteAsync("complete_webhook_delivery", write: true, async connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                UPDATE webhook_outbox SET status = @status, attempts = @attempts, next_attempt_at = @next, last_error = @error,
                    completed_at = CASE WHEN @status = 'PENDING' THEN NULL ELSE @now END
                WHERE id = @id;
                """;
            command.Parameters.AddWithValue("@status", StoreRows.DeliveryStatusName(status));
            command.Parameters.AddWithValue("@attempts", attempts);
            command.Parameters.AddWithValue("@next", SqliteValues.FormatTimestamp(nextAttemptAt));
            command.Parameters.AddWithValue("@error", (object?)lastError ?? DBNull.Value);
            command.Parameters.AddWithValue("@now", SqliteValues.FormatTimestamp(_timeProvider.GetUtcNow()));
            command.Parameters.AddWithValue("@id", deliveryId);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="projectId"/> is empty.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public Task<IReadOnlyList<WebhookDelivery>> ListDeliveriesAsync(string projectId, long webhookId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        return ExecuteAsync("list_webhook_deliveries", write: false, async connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT o.id, o.project_id, o.webhook_id, w.url, w.secret, o.event_type, o.payload, o.attempts, o.status, o.last_error, o.created_at
                FROM webhook_outbox o JOIN webhooks w ON w.id = o.webhook_id
                WHERE o.project_id = @project AND o.webhook_id = @webhook ORDER BY o.id;
                """;
            command.Parameters.AddWithValue("@project", projectId);
            command.Parameters.AddWithValue("@webhook", webhookId);
            return await StoreRows.ReadAllAsync(command, StoreRows.ReadDelivery, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <summary>
    /// Writes, inside the caller's transaction, the outbox entries of a batch for the project's active webhooks: one per
    /// subscribed webhook for each ADD, UPDATE and DELETE history entry, and a categorize entry for each inserted memory
    /// with categories. Costs one indexed query when the project has no webhook.
    /// </summary>
    private async Task WriteWebhookOutboxAsync(SqliteConnection connection, MemoryWriteBatch batch, CancellationToken cancellationToken)
    {
        var subscriptions = new List<(long Id, IReadOnlyList<string> EventTypes)>();
        using (var select = connection.CreateCommand())
        {
            select.CommandText = "SELECT id, event_types FROM webhooks WHERE project_id = @project AND is_active = 1 ORDER BY id;";
            select.Parameters.AddWithValue("@project", batch.ProjectId);
            var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    subscriptions.Add((reader.GetInt64(0), SqliteValues.FromJsonArray(reader.GetString(1))));
                }
            }
        }

        if (subscriptions.Count == 0)
        {
            return;
        }

        var events = WebhookOutboxPayloads.Build(batch);

        if (events.Count == 0)
        {
            return;
        }

        using var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO webhook_outbox (project_id, webhook_id, event_type, payload, next_attempt_at, created_at)
            VALUES (@project, @webhook, @event_type, @payload, @now, @now);
            """;
        insert.Parameters.AddWithValue("@project", batch.ProjectId);
        insert.Parameters.AddWithValue("@now", SqliteValues.FormatTimestamp(_timeProvider.GetUtcNow()));
        var webhook = insert.Parameters.Add("@webhook", SqliteType.Integer);
        var type = insert.Parameters.Add("@event_type", SqliteType.Text);
        var payload = insert.Parameters.Add("@payload", SqliteType.Text);
        foreach (var (eventType, json) in events)
        {
            foreach (var subscription in subscriptions)
            {
                if (!subscription.EventTypes.Contains(eventType, StringComparer.Ordinal))
                {
                    continue;
                }

                cancellationToken.ThrowIfCancellationRequested();
                webhook.Value = subscription.Id;
                type.Value = eventType;
                payload.Value = json;
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static void SetWebhook(SqliteCommand command, Webhook webhook)
    {
        command.Parameters.AddWithValue("@project", webhook.ProjectId);
        command.Parameters.AddWithValue("@name", webhook.Name);
        command.Parameters.AddWithValue("@url", webhook.Url);
        command.Parameters.AddWithValue("@event_types", SqliteValues.ToJsonArray(webhook.EventTypes));
        command.Parameters.AddWithValue("@is_active", webhook.IsActive ? 1 : 0);
        command.Parameters.AddWithValue("@updated_at", SqliteValues.FormatTimestamp(webhook.UpdatedAt));
    }

    private Task<IReadOnlyList<Webhook>> ReadWebhooksAsync(string projectId, long? webhookId, CancellationToken cancellationToken) =>
        ExecuteAsync("read_webhooks", write: false, async connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {WebhookColumns} FROM webhooks WHERE project_id = @project AND (@id IS NULL OR id = @id) ORDER BY id;";
            command.Parameters.AddWithValue("@project", projectId);
            command.Parameters.AddWithValue("@id", (object?)webhookId ?? DBNull.Value);
            return await StoreRows.ReadAllAsync(command, StoreRows.ReadWebhook, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
}
