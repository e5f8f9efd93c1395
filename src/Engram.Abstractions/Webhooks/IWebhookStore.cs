namespace Engram;

/// <summary>
/// Storage SPI for webhooks and their durable outbox. A store that implements it also writes, inside the transaction
/// of each <see cref="IMemoryStore.WriteAsync"/>, one outbox entry per active subscribed webhook for each memory change
/// of the batch (history entries ADD, UPDATE and DELETE; inserted memories with categories for
/// <see cref="WebhookEventTypes.MemoryCategorize"/>), so that a change and its notifications commit or fail together.
/// </summary>
/// <remarks>
/// Implementations are thread-safe. Every call is restricted to one project, except the outbox calls used by the
/// delivery worker, which see every project. Deleting a webhook drops its undelivered entries.
/// </remarks>
public interface IWebhookStore
{
    /// <summary>Creates a webhook.</summary>
    /// <param name="webhook">The webhook; its <see cref="Webhook.Id"/> is ignored.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The stored webhook with its assigned id.</returns>
    Task<Webhook> CreateWebhookAsync(Webhook webhook, CancellationToken cancellationToken = default);

    /// <summary>Gets a webhook of a project.</summary>
    /// <param name="projectId">The project id.</param>
    /// <param name="webhookId">The webhook id.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The webhook, or <see langword="null"/> when the project has none with that id.</returns>
    Task<Webhook?> GetWebhookAsync(string projectId, long webhookId, CancellationToken cancellationToken = default);

    /// <summary>Lists the webhooks of a project, oldest first.</summary>
    /// <param name="projectId">The project id.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The webhooks.</returns>
    Task<IReadOnlyList<Webhook>> ListWebhooksAsync(string projectId, CancellationToken cancellationToken = default);

    /// <summary>Replaces the name, URL, event types, active flag and update time of a webhook.</summary>
    /// <param name="webhook">The new state; <see cref="Webhook.Id"/> and <see cref="Webhook.ProjectId"/> select it.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns><see langword="false"/> when the project has no such webhook.</returns>
    Task<bool> UpdateWebhookAsync(Webhook webhook, CancellationToken cancellationToken = default);

    /// <summary>Deletes a webhook and its undelivered outbox entries.</summary>
    /// <param name="projectId">The project id.</param>
    /// <param name="webhookId">The webhook id.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns><see langword="false"/> when the project has no such webhook.</returns>
    Task<bool> DeleteWebhookAsync(string projectId, long webhookId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims up to <paramref name="limit"/> pending deliveries due at <paramref name="now"/>, oldest first, and pushes
    /// their next attempt time to <paramref name="leaseUntil"/>, so that another worker does not claim them meanwhile
    /// (a crashed worker's claims come due again then).
    /// </summary>
    /// <param name="now">The current time.</param>
    /// <param name="leaseUntil">When the claimed deliveries come due again if not completed.</param>
    /// <param name="limit">The most deliveries to claim, at least 1.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The claimed deliveries.</returns>
    Task<IReadOnlyList<WebhookDelivery>> ClaimDueDeliveriesAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken cancellationToken = default);

    /// <summary>Records the outcome of a delivery attempt.</summary>
    /// <param name="deliveryId">The delivery id.</param>
    /// <param name="status">The new status: <see cref="WebhookDeliveryStatus.Pending"/> to retry at <paramref name="nextAttemptAt"/>.</param>
    /// <param name="attempts">The number of failed attempts so far.</param>
    /// <param name="nextAttemptAt">When to try again (used with <see cref="WebhookDeliveryStatus.Pending"/>).</param>
    /// <param name="lastError">The last error (status code or exception type), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>A task that completes when the outcome is stored.</returns>
    Task CompleteDeliveryAsync(long deliveryId, WebhookDeliveryStatus status, int attempts, DateTimeOffset nextAttemptAt, string? lastError, CancellationToken cancellationToken = default);

    /// <summary>Gets the status of every outbox entry of a webhook, oldest first (for operators and tests).</summary>
    /// <param name="projectId">The project id.</param>
    /// <param name="webhookId">The webhook id.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The deliveries with their status and last error.</returns>
    Task<IReadOnlyList<WebhookDelivery>> ListDeliveriesAsync(string projectId, long webhookId, CancellationToken cancellationToken = default);
}
