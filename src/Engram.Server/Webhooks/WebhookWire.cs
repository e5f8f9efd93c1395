namespace Engram.Server;

/// <summary>Body of webhook create and update: <c>{"name", "url", "event_types", "is_active"}</c>; absent fields are kept on update.</summary>
internal sealed class WebhookWireRequest
{
    public string? Name { get; init; }

    public string? Url { get; init; }

    public IReadOnlyList<string>? EventTypes { get; init; }

    public bool? IsActive { get; init; }
}

/// <summary>Mem0's webhook object plus <c>secret</c>, the HMAC-SHA256 signing key (docs/server.md, Webhooks).</summary>
internal sealed record WebhookResponse(
    long WebhookId,
    string Name,
    string Url,
    string Project,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    bool IsActive,
    IReadOnlyList<string> EventTypes,
    string Secret)
{
    public static WebhookResponse From(Webhook webhook) => new(
        webhook.Id, webhook.Name, webhook.Url, webhook.ProjectId, webhook.CreatedAt, webhook.UpdatedAt, webhook.IsActive, webhook.EventTypes, webhook.Secret);
}
