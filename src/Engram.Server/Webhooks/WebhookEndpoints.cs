using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Engram.Server;

/// <summary>
/// Mem0's webhook routes: <c>GET</c> and <c>POST /api/v1/webhooks/projects/{project_id}/</c>, <c>PUT</c> and
/// <c>DELETE /api/v1/webhooks/{webhook_id}/</c>, for the key's own project only (another project answers 404).
/// Webhooks receive signed POSTs from the outbox (<see cref="WebhookDeliveryWorker"/>, <see cref="WebhookSignature"/>).
/// URLs on the server's own networks are refused with 400 unless allowed (<see cref="WebhookAddressPolicy"/>).
/// </summary>
internal static class WebhookEndpoints
{
    public static IEndpointRouteBuilder MapWebhookEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/webhooks").WithTags("Webhooks").RequireAuthorization();
        group.MapGet("/projects/{projectId}/", ListAsync).WithName("ListWebhooks")
            .WithSummary("List the project's webhooks.");
        group.MapPost("/projects/{projectId}/", CreateAsync).WithName("CreateWebhook")
            .WithSummary("Create a webhook: {name, url, event_types}; the answer carries the signing secret.");
        group.MapPut("/{webhookId}/", UpdateAsync).WithName("UpdateWebhook")
            .WithSummary("Change a webhook's name, url, event_types or is_active.");
        group.MapDelete("/{webhookId}/", DeleteAsync).WithName("DeleteWebhook")
            .WithSummary("Delete a webhook and its undelivered notifications.");
        return app;
    }

    /// <summary><c>GET /api/v1/webhooks/projects/{project}/</c>: an array of webhooks.</summary>
    internal static async Task<Results<Ok<IReadOnlyList<WebhookResponse>>, ProblemHttpResult>> ListAsync(
        string projectId, Tenant tenant, IWebhookStore webhooks, CancellationToken cancellationToken)
    {
        if (!string.Equals(projectId, tenant.ProjectId, StringComparison.Ordinal))
        {
            return MemoryEndpoints.NotFound("Project not found.");
        }

        var list = await webhooks.ListWebhooksAsync(tenant.ProjectId, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<WebhookResponse>>(list.Select(WebhookResponse.From).ToList());
    }

    /// <summary><c>POST /api/v1/webhooks/projects/{project}/</c>: 201 with the webhook.</summary>
    internal static async Task<Results<Created<WebhookResponse>, ProblemHttpResult>> CreateAsync(
        string projectId, WebhookWireRequest body, Tenant tenant, IWebhookStore webhooks, TimeProvider time, IOptions<WebhookOptions> options, CancellationToken cancellationToken)
    {
        if (!string.Equals(projectId, tenant.ProjectId, StringComparison.Ordinal))
        {
            return MemoryEndpoints.NotFound("Project not found.");
        }

        var url = await WebhookAddressPolicy.ValidateAsync(
            body.Url ?? throw new MemoryValidationException("url is required.", "url"), options.Value.AllowPrivateNetworks, cancellationToken);
        var now = time.GetUtcNow();
        var created = await webhooks.CreateWebhookAsync(
            new Webhook
            {
                ProjectId = tenant.ProjectId,
                Name = string.IsNullOrWhiteSpace(body.Name) ? url : body.Name.Trim(),
                Url = url,
                EventTypes = ValidEventTypes(body.EventTypes) ?? WebhookEventTypes.All,
                Secret = "whsec_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)),
                IsActive = body.IsActive ?? true,
                CreatedAt = now,
                UpdatedAt = now,
            },
            cancellationToken);
        return TypedResults.Created((string?)null, WebhookResponse.From(created));
    }

    /// <summary><c>PUT /api/v1/webhooks/{id}/</c>: the changed webhook; absent fields are kept.</summary>
    internal static async Task<Results<Ok<WebhookResponse>, ProblemHttpResult>> UpdateAsync(
        string webhookId, WebhookWireRequest body, Tenant tenant, IWebhookStore webhooks, TimeProvider time, IOptions<WebhookOptions> options, CancellationToken cancellationToken)
    {
        if (!long.TryParse(webhookId, out var id) || await webhooks.GetWebhookAsync(tenant.ProjectId, id, cancellationToken) is not { } current)
        {
            return MemoryEndpoints.NotFound("Webhook not found.");
        }

        var changed = current with
        {
            Name = string.IsNullOrWhiteSpace(body.Name) ? current.Name : body.Name.Trim(),
            Url = body.Url is null ? current.Url : await WebhookAddressPolicy.ValidateAsync(body.Url, options.Value.AllowPrivateNetworks, cancellationToken),
            EventTypes = ValidEventTypes(body.EventTypes) ?? current.EventTypes,
            IsActive = body.IsActive ?? current.IsActive,
            UpdatedAt = time.GetUtcNow(),
        };
        return await webhooks.UpdateWebhookAsync(changed, cancellationToken)
            ? TypedResults.Ok(WebhookResponse.From(changed))
            : MemoryEndpoints.NotFound("Webhook not found.");
    }

    /// <summary><c>DELETE /api/v1/webhooks/{id}/</c>: <c>{"message"}</c>.</summary>
    internal static async Task<Results<Ok<MessageResponse>, ProblemHttpResult>> DeleteAsync(
        string webhookId, Tenant tenant, IWebhookStore webhooks, CancellationToken cancellationToken) =>
        long.TryParse(webhookId, out var id) && await webhooks.DeleteWebhookAsync(tenant.ProjectId, id, cancellationToken)
            ? TypedResults.Ok(new MessageResponse("Webhook deleted successfully!"))
            : MemoryEndpoints.NotFound("Webhook not found.");

    private static IReadOnlyList<string>? ValidEventTypes(IReadOnlyList<string>? eventTypes)
    {
        if (eventTypes is null)
        {
            return null;
        }

        if (eventTypes.Count == 0 || eventTypes.Any(t => !WebhookEventTypes.IsKnown(t)))
        {
            throw new MemoryValidationException(
                $"event_types must list one or more of: {string.Join(", ", WebhookEventTypes.All)}.", "event_types");
        }

        return eventTypes.Distinct(StringComparer.Ordinal).ToList();
    }
}
