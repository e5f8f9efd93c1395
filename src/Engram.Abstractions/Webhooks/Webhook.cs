namespace Engram;

/// <summary>
/// A webhook of a project: an HTTP(S) endpoint that receives a signed POST for each memory change of the subscribed
/// event types (Mem0's webhook object: <c>{webhook_id, name, url, project, created_at, updated_at, is_active, event_types}</c>).
/// </summary>
/// <remarks>Immutable; thread-safe.</remarks>
public sealed record Webhook
{
    /// <summary>Gets the webhook id, assigned by the store on creation (a positive integer, as Mem0's clients expect); 0 before.</summary>
    public long Id { get; init; }

    /// <summary>Gets the project the webhook belongs to.</summary>
    public required string ProjectId { get; init; }

    /// <summary>Gets the display name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the absolute <c>http</c> or <c>https</c> URL the deliveries are POSTed to.</summary>
    public required string Url { get; init; }

    /// <summary>Gets the subscribed event types, names from <see cref="WebhookEventTypes"/>.</summary>
    public required IReadOnlyList<string> EventTypes { get; init; }

    /// <summary>Gets the HMAC-SHA256 signing secret (ASCII text; its UTF-8 bytes are the key).</summary>
    public required string Secret { get; init; }

    /// <summary>Gets a value indicating whether deliveries are made; an inactive webhook gets no new deliveries.</summary>
    public bool IsActive { get; init; } = true;

    /// <summary>Gets the creation time (UTC).</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets the time of the last change (UTC).</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
}
