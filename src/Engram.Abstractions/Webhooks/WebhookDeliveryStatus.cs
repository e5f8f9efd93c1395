namespace Engram;

/// <summary>The state of a webhook outbox entry.</summary>
public enum WebhookDeliveryStatus
{
    /// <summary>Waiting for its first or next attempt.</summary>
    Pending,

    /// <summary>The receiver answered 2xx.</summary>
    Delivered,

    /// <summary>Every attempt failed; no more are made.</summary>
    Failed,
}
