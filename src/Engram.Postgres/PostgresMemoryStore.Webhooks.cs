using Npgsql;
using NpgsqlTypes;

namespace Engram.Postgres;

/// <content>Webhooks and their durable outbox (<see cref="IWebhookStore"/>), claimed by any number of servers with <c>FOR UPDATE SKIP LOCKED</c>.</content>
public sealed partial class PostgresMemoryStore : IWebhookStore
{
    private const string WebhookColumns = "id, project_id, name, url, event_types::text, secret, is_active, created_at, updated_at";

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The project id, name, URL or secret is empty.</exception>
    /// <exception cref="MemoryStoreException">PostgreSQL failed.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public Task<Webhook> CreateWebhookAsync(Webhook webhook, CancellationToken cancellationToken = default)
    {
        WebhookOutboxPayloads.Validate(webhook);
        return RunAsync("create_webhook", write: true, async connection =>
        {
            using var command = new NpgsqlCommand("""
                INSERT INTO webhooks (project_id, name, url, event_types, secret, is_active, created_at, updated_at)
                VALUES (@project, @name, @url, @event_types, @secret, @is_active, @created_at, @updated_at) RETURNING id;
                """, connection);
            AddWebhook(command, webhook);
            command.Parameters.Add(PostgresValues.Text("secret", webhook.Secret));
            command.Parameters.Add(PostgresValues.Text("created_at", PostgresValues.FormatTimestamp(webhook.CreatedAt)));
            var id = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            return webhook with { Id = id };
        }, cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="projectId"/> is empty.</exception>
    /// <exception cref="MemoryStoreException">PostgreSQL failed.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public async Task<Webhook?> GetWebhookAsync(string projectId, long webhookId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        var found = await ReadWebhooksAsync(projectId, webhookId, cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="projectId"/> is empty.</exception>
    /// <exception cref="MemoryStoreException">PostgreSQL failed.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public Task<IReadOnlyList<Webhook>> ListWebhooksAsync(string projectId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        return ReadWebhooksAsync(projectId, webhookId: null, cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The project id, name, URL or secret is empty.</exception>
    /// <exception cref="MemoryStoreException">PostgreSQL failed.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public Task<bool> UpdateWebhookAsync(Webhook webhook, CancellationToken cancellationToken = default)
    {
        WebhookOutboxPayloads.Validate(webhook);
        return RunAsync("update_webhook", write: true, async connection =>
        {
            using var command = new NpgsqlCommand("""
                UPDATE webhooks SET name = @name, url = @url, event_types = @event_types, is_active = @is_active, updated_at = @updated_at
                WHERE project_id = @project AND id = @id;
                """, connection);
            AddWebhook(command, webhook);
            command.Parameters.Add(PostgresValues.Integer("id", webhook.Id));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="projectId"/> is empty.</exception>
    /// <exception cref="MemoryStoreException">PostgreSQL failed.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public Task<bool> DeleteWebhookAsync(string projectId, long webhookId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        return RunAsync("delete_webhook", write: true, async connection =>
        {
            // The outbox entries go with it (ON DELETE CASCADE).
            using var command = new NpgsqlCommand("DELETE FROM webhooks WHERE project_id = @project AND id = @id;", connection);
            command.Parameters.Add(PostgresValues.Text("project", projectId));
            command.Parameters.Add(PostgresValues.Integer("id", webhookId));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// One statement: the due rows are locked with <c>FOR UPDATE SKIP LOCKED</c> and their next attempt is pushed to the
    /// lease in the same transaction, so servers claiming at the same moment get disjoint deliveries (a row another
    /// claimer holds is skipped; once it commits, the row is no longer due). Sees every project (the delivery worker's call).
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is less than 1.</exception>
    /// <exception cref="MemoryStoreException">PostgreSQL failed.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public Task<IReadOnlyList<WebhookDelivery>> ClaimDueDeliveriesAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return RunAsync("claim_webhook_deliveries", write: true, async connection =>
        {
            using var command = new NpgsqlCommand($"""
                WITH due AS (
                    SELECT id, next_attempt_at FROM webhook_outbox
                    WHERE status = '{StoreRows.DeliveryPending}' AND next_attempt_at <= @now
                    ORDER BY next_attempt_at, id LIMIT @limit FOR UPDATE SKIP LOCKED),
                claimed AS (
                    UPDATE webhook_outbox o SET next_attempt_at = @lease FROM due WHERE o.id = due.id
                    RETURNING o.id, o.project_id, o.webhook_id, o.event_type, o.payload, o.attempts, o.status, o.last_error, o.created_at, due.next_attempt_at AS due_at)
                SELECT c.id, c.project_id, c.webhook_id, w.url, w.secret, c.event_type, c.payload, c.attempts, c.status, c.last_error, c.created_at
                FROM claimed c JOIN webhooks w ON w.id = c.webhook_id AND w.project_id = c.project_id
                ORDER BY c.due_at, c.id;
                """, connection);
            command.Parameters.Add(PostgresValues.Text("now", PostgresValues.FormatTimestamp(now)));
            command.Parameters.Add(PostgresValues.Text("lease", PostgresValues.FormatTimestamp(leaseUntil)));
            command.Parameters.Add(PostgresValues.Integer("limit", limit));
            return await StoreRows.ReadAllAsync(command, StoreRows.ReadDelivery, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="status"/> is not defined or <paramref name="attempts"/> is negative.</exception>
    /// <exception cref="MemoryStoreException">PostgreSQL failed.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public Task CompleteDeliveryAsync(long deliveryId, WebhookDeliveryStatus status, int attempts, DateTimeOffset nextAttemptAt, string? lastError, CancellationToken cancellationToken = default)
    {
        if (!Enum.IsDefined(status))
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown delivery status.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(attempts);
        return RunAsync("complete_webhook_delivery", write: true, async connection =>
        {
            using var command = new NpgsqlCommand($"""
                UPDATE webhook_outbox SET status = @status, attempts = @attempts, next_attempt_at = @next, last_error = @error,
                    completed_at = CASE WHEN @status = '{StoreRows.DeliveryPending}' THEN NULL ELSE @now END
                WHERE id = @id;
                """, connection);
            command.Parameters.Add(PostgresValues.Text("status", StoreRows.DeliveryStatusName(status)));
            command.Parameters.Add(new NpgsqlParameter("attempts", NpgsqlDbType.Integer) { Value = attempts });
            command.Parameters.Add(PostgresValues.Text("next", PostgresValues.FormatTimestamp(nextAttemptAt)));
            command.Parameters.Add(PostgresValues.Text("error", lastError));
            command.Parameters.Add(PostgresValues.Text("now", PostgresValues.FormatTimestamp(_timeProvider.GetUtcNow())));
            command.Parameters.Add(PostgresValues.Integer("id", deliveryId));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="projectId"/> is empty.</exception>
    /// <exception cref="MemoryStoreException">PostgreSQL failed.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public Task<IReadOnlyList<WebhookDelivery>> ListDeliveriesAsync(string projectId, long webhookId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        return RunAsync("list_webhook_deliveries", write: false, async connection =>
        {
            using var command = new NpgsqlCommand("""
                SELECT o.id, o.project_id, o.webhook_id, w.url, w.secret, o.event_type, o.payload, o.attempts, o.status, o.last_error, o.created_at
                FROM webhook_outbox o JOIN webhooks w ON w.id = o.webhook_id AND w.project_id = @project
                WHERE o.project_id = @project AND o.webhook_id = @webhook ORDER BY o.id;
                """, connection);
            command.Parameters.Add(PostgresValues.Text("project", projectId));
            command.Parameters.Add(PostgresValues.Integer("webhook", webhookId));
            return await StoreRows.ReadAllAsync(command, StoreRows.ReadDelivery, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <summary>
    /// Writes, inside the caller's transaction, the outbox entries of a batch for the project's active webhooks: one per
    /// subscribed webhook for each ADD, UPDATE and DELETE history entry, and a categorize entry for each inserted memory
    /// with categories. Costs one indexed query when the project has no webhook.
    /// </summary>
    private async Task WriteWebhookOutboxAsync(NpgsqlConnection connection, MemoryWriteBatch batch, CancellationToken cancellationToken)
    {
        var subscriptions = new List<(long Id, IReadOnlyList<string> EventTypes)>();
        using (var select = new NpgsqlCommand("SELECT id, event_types::text FROM webhooks WHERE project_id = @project AND is_active ORDER BY id;", connection))
        {
            select.Parameters.Add(PostgresValues.Text("project", batch.ProjectId));
            var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    subscriptions.Add((reader.GetInt64(0), PostgresValues.FromJsonArray(reader.GetString(1))));
                }
            }
        }

        if (subscriptions.Count == 0)
        {
            return;
        }

        var events = WebhookOutboxPayloads.Build(batch);

        // One row per (event, subscribed webhook), in that order (the outbox ids follow it), a few hundred per statement.
        var rows = events
            .SelectMany(e => subscriptions.Where(s => s.EventTypes.Contains(e.EventType, StringComparer.Ordinal)).Select(s => (Webhook: s.Id, e.EventType, e.Payload)))
            .ToList();
        var now = PostgresValues.FormatTimestamp(_timeProvider.GetUtcNow());
        foreach (var chunk in rows.Chunk(RelationRowsPerStatement))
        {
            using var insert = new NpgsqlCommand("""
                INSERT INTO webhook_outbox (project_id, webhook_id, event_type, payload, next_attempt_at, created_at)
                SELECT @project, x.webhook_id, x.event_type, x.payload, @now, @now
                FROM unnest(@webhooks, @event_types, @payloads) WITH ORDINALITY AS x(webhook_id, event_type, payload, ord)
                ORDER BY x.ord;
                """, connection);
            insert.Parameters.Add(PostgresValues.Text("project", batch.ProjectId));
            insert.Parameters.Add(new NpgsqlParameter("webhooks", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = chunk.Select(r => r.Webhook).ToArray() });
            insert.Parameters.Add(PostgresValues.TextArray("event_types", chunk.Select(r => r.EventType)));
            insert.Parameters.Add(PostgresValues.TextArray("payloads", chunk.Select(r => r.Payload)));
            insert.Parameters.Add(PostgresValues.Text("now", now));
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static void AddWebhook(NpgsqlCommand command, Webhook webhook)
    {
        var p = command.Parameters;
        p.Add(PostgresValues.Text("project", webhook.ProjectId));
        p.Add(PostgresValues.Text("name", webhook.Name));
        p.Add(PostgresValues.Text("url", webhook.Url));
        p.Add(PostgresValues.Jsonb("event_types", PostgresValues.ToJsonArray(webhook.EventTypes)));
        p.Add(new NpgsqlParameter("is_active", NpgsqlDbType.Boolean) { Value = webhook.IsActive });
        p.Add(PostgresValues.Text("updated_at", PostgresValues.FormatTimestamp(webhook.UpdatedAt)));
    }

    private Task<IReadOnlyList<Webhook>> ReadWebhooksAsync(string projectId, long? webhookId, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<Webhook>>("read_webhooks", write: false, async connection =>
        {
            using var command = new NpgsqlCommand(
                $"SELECT {WebhookColumns} FROM webhooks WHERE project_id = @project AND (@id::bigint IS NULL OR id = @id) ORDER BY id;", connection);
            command.Parameters.Add(PostgresValues.Text("project", projectId));
            command.Parameters.Add(PostgresValues.Integer("id", webhookId));
            return await StoreRows.ReadAllAsync(command, StoreRows.ReadWebhook, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
}
