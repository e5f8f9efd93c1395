namespace Engram;

/// <summary>
/// One pending delivery from the webhook outbox: the payload of one memory change for one webhook, written in the same
/// transaction as the change.
/// </summary>
/// <remarks>Immutable; thread-safe.</remarks>
public sealed record WebhookDelivery
{
    /// <summary>Gets the delivery id (a positive integer, unique in the store); receivers may use it to drop duplicates.</summary>
    public required long Id { get; init; }

    /// <summary>Gets the project of the change.</summary>
    public required string ProjectId { get; init; }

    /// <summary>Gets the webhook id.</summary>
    public required long WebhookId { get; init; }

    /// <summary>Gets the webhook URL at claim time.</summary>
    public required string Url { get; init; }

    /// <summary>Gets the webhook signing secret at claim time.</summary>
    public required string Secret { get; init; }

    /// <summary>Gets the event type, a name from <see cref="WebhookEventTypes"/>.</summary>
    public required string EventType { get; init; }

    /// <summary>Gets the JSON payload, exactly the bytes to POST (UTF-8).</summary>
    public required string Payload { get; init; }

    /// <summary>Gets the number of delivery attempts already failed.</summary>
    public required int Attempts { get; init; }

    /// <summary>Gets the status; claimed deliveries are always <see cref="WebhookDeliveryStatus.Pending"/>.</summary>
    public WebhookDeliveryStatus Status { get; init; }

    /// <summary>Gets the error of the last failed attempt, or <see langword="null"/>.</summary>
    public string? LastError { get; init; }

    /// <summary>Gets the time the change was written (UTC).</summary>
    public required DateTimeOffset CreatedAt { get; init; }
}
