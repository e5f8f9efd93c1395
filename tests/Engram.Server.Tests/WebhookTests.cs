namespace Engram.Server.Tests;

/// <summary>
/// Webhooks end to end: Mem0's routes, deliveries from the outbox to a real loopback receiver with a verifiable
/// HMAC-SHA256 signature, retries with backoff against a receiver that fails and recovers, and giving up.
/// </summary>
public sealed class WebhookTests
{
    private static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task Routes_CreateListUpdateDelete_AndRefuseBadInputAndOtherProjects()
    {
        using var factory = new WebhookServerFactory();
        var client = factory.CreateAuthorizedClient();
        var projectId = await ProjectIdAsync(client);

        var created = await (await client.PostJsonAsync($"/api/v1/webhooks/projects/{projectId}/",
            """{"name":"hook","url":"http://127.0.0.1:9/hook"}""")).JsonAsync(HttpStatusCode.Created);
        var id = created["webhook_id"]!.GetValue<long>();
        Assert.Equal("hook", created["name"]!.GetValue<string>());
        Assert.Equal(projectId, created["project"]!.GetValue<string>());
        Assert.True(created["is_active"]!.GetValue<bool>());
        Assert.Equal(WebhookEventTypes.All, created["event_types"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.StartsWith("whsec_", created["secret"]!.GetValue<string>(), StringComparison.Ordinal);

        var list = await (await client.GetAsync($"/api/v1/webhooks/projects/{projectId}/")).JsonAsync();
        Assert.Equal(id, Assert.Single(list.AsArray())!["webhook_id"]!.GetValue<long>());

        var updated = await (await client.PutJsonAsync($"/api/v1/webhooks/{id}/",
            """{"event_types":["memory_delete"],"is_active":false}""")).JsonAsync();
        Assert.Equal("hook", updated["name"]!.GetValue<string>());
        Assert.Equal(["memory_delete"], updated["event_types"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.False(updated["is_active"]!.GetValue<bool>());

        await (await client.PostJsonAsync($"/api/v1/webhooks/projects/{projectId}/", """{"name":"x","url":"ftp://example.com"}""")).ErrorAsync(HttpStatusCode.BadRequest);
        await (await client.PostJsonAsync($"/api/v1/webhooks/projects/{projectId}/", """{"name":"x"}""")).ErrorAsync(HttpStatusCode.BadRequest);
        await (await client.PostJsonAsync($"/api/v1/webhooks/projects/{projectId}/",
            """{"url":"http://127.0.0.1:9/","event_types":["memory_explode"]}""")).ErrorAsync(HttpStatusCode.BadRequest);
        await (await client.GetAsync("/api/v1/webhooks/projects/someone-else/")).ErrorAsync(HttpStatusCode.NotFound);
        var stranger = await factory.CreateClientForProjectAsync("org-b", "project-b");
        await (await stranger.PutJsonAsync($"/api/v1/webhooks/{id}/", """{"name":"stolen"}""")).ErrorAsync(HttpStatusCode.NotFound);
        await (await stranger.DeleteAsync($"/api/v1/webhooks/{id}/")).ErrorAsync(HttpStatusCode.NotFound);

        var deleted = await (await client.DeleteAsync($"/api/v1/webhooks/{id}/")).JsonAsync();
        Assert.Equal("Webhook deleted successfully!", deleted["message"]!.GetValue<string>());
        Assert.Empty((await (await client.GetAsync($"/api/v1/webhooks/projects/{projectId}/")).JsonAsync()).AsArray());
        await (await client.DeleteAsync($"/api/v1/webhooks/{id}/")).ErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task MemoryChanges_AreDeliveredSignedWithMem0Payloads()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var factory = new WebhookServerFactory();
        var client = factory.CreateAuthorizedClient();
        var secret = await CreateHookAsync(client, receiver.Url, """["memory_add","memory_update","memory_delete"]""");

        var memoryId = await client.AddMemoryAsync("I live in Lisbon", "hook-user");
        await receiver.WaitForAcceptedAsync(1);
        (await client.PutJsonAsync($"/v1/memories/{memoryId}/", """{"text":"I live in Porto"}""")).EnsureSuccessStatusCode();
        await receiver.WaitForAcceptedAsync(2);
        (await client.DeleteAsync($"/v1/memories/{memoryId}/")).EnsureSuccessStatusCode();
        var received = await receiver.WaitForAcceptedAsync(3);

        Assert.Equal(["memory_add", "memory_update", "memory_delete"], received.Select(r => r.EventType));
        Assert.Equal(["ADD", "UPDATE", "DELETE"], received.Select(r => JsonNode.Parse(r.Body)!["event_details"]!["event"]!.GetValue<string>()));
        // A delete erases the text (docs/reliability.md), so the DELETE payload names the memory without its text.
        Assert.Equal(["I live in Lisbon", "I live in Porto", null],
            received.Select(r => JsonNode.Parse(r.Body)!["event_details"]!["data"]!["memory"]?.GetValue<string>()));
        Assert.All(received, r => Assert.Equal(memoryId, JsonNode.Parse(r.Body)!["event_details"]!["id"]!.GetValue<string>()));
        Assert.All(received, r => Assert.True(WebhookSignature.Verify(secret, r.Signature, r.Body, TimeProvider.System.GetUtcNow(), Tolerance), r.Signature));
        Assert.All(received, r => Assert.False(WebhookSignature.Verify(secret, r.Signature, r.Body + " ", TimeProvider.System.GetUtcNow(), Tolerance)));
        Assert.All(received, r => Assert.False(WebhookSignature.Verify("whsec_wrong", r.Signature, r.Body, TimeProvider.System.GetUtcNow(), Tolerance)));
        Assert.Equal(3, received.Select(r => r.DeliveryId).Distinct().Count());
    }

    [Fact]
    public async Task FailingReceiver_IsRetriedWithBackoff_UntilItRecovers()
    {
        // Two immediate retries per round: the first round's three tries fail, the second round fails once more and then
        // gets through.
        await using var receiver = await WebhookReceiver.StartAsync(failFirst: 4);
        using var factory = new WebhookServerFactory();
        var client = factory.CreateAuthorizedClient();
        await CreateHookAsync(client, receiver.Url, """["memory_add"]""");

        await client.AddMemoryAsync("I play the cello", "retry-user");
        var accepted = Assert.Single(await receiver.WaitForAcceptedAsync(1));

        Assert.Equal(5, receiver.Requests.Count);
        Assert.All(receiver.Requests, r => Assert.Equal(accepted.DeliveryId, r.DeliveryId));
        var delivery = await WaitForStatusAsync(factory, WebhookDeliveryStatus.Delivered);
        Assert.Equal(WebhookDeliveryStatus.Delivered, delivery.Status);
        Assert.Equal(1, delivery.Attempts);
        Assert.Null(delivery.LastError);
    }

    [Fact]
    public async Task UnreachableReceiver_IsGivenUpAfterMaxAttempts()
    {
        await using var receiver = await WebhookReceiver.StartAsync(failFirst: int.MaxValue);
        using var factory = new WebhookServerFactory();
        var client = factory.CreateAuthorizedClient();
        await CreateHookAsync(client, receiver.Url, """["memory_add"]""");

        await client.AddMemoryAsync("I collect stamps", "failing-user");
        var delivery = await WaitForStatusAsync(factory, WebhookDeliveryStatus.Failed);

        Assert.Equal(WebhookDeliveryStatus.Failed, delivery.Status);
        Assert.Equal("HTTP 503", delivery.LastError);
        Assert.Equal(WebhookServerFactory.MaxAttempts, delivery.Attempts);
        Assert.Equal(WebhookServerFactory.MaxAttempts * 3, receiver.Requests.Count);
        Assert.Empty(receiver.Accepted);
    }

    [Fact]
    public void Signature_VerifiesOnlyTheSameSecretBodyAndARecentTimestamp()
    {
        var at = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        var header = WebhookSignature.Compute("s3cret", at, """{"a":1}""");

        Assert.StartsWith("t=1767323045,v1=", header, StringComparison.Ordinal);
        Assert.True(WebhookSignature.Verify("s3cret", header, """{"a":1}""", at.AddMinutes(4), Tolerance));
        Assert.False(WebhookSignature.Verify("s3cret", header, """{"a":2}""", at, Tolerance));
        Assert.False(WebhookSignature.Verify("other", header, """{"a":1}""", at, Tolerance));
        Assert.False(WebhookSignature.Verify("s3cret", header, """{"a":1}""", at.AddMinutes(6), Tolerance));
        Assert.False(WebhookSignature.Verify("s3cret", "t=x,v1=00", """{"a":1}""", at, Tolerance));
        Assert.False(WebhookSignature.Verify("s3cret", null, """{"a":1}""", at, Tolerance));
    }

    private static async Task<string> ProjectIdAsync(HttpClient client) =>
        (await (await client.GetAsync("/v1/ping/")).JsonAsync())["project_id"]!.GetValue<string>();

    private static async Task<string> CreateHookAsync(HttpClient client, string url, string eventTypes)
    {
        var projectId = await ProjectIdAsync(client);
        var created = await (await client.PostJsonAsync($"/api/v1/webhooks/projects/{projectId}/",
            $$"""{"name":"test","url":"{{url}}","event_types":{{eventTypes}}}""")).JsonAsync(HttpStatusCode.Created);
        return created["secret"]!.GetValue<string>();
    }

    /// <summary>Polls the only delivery of the only webhook until it has the status (gives up after 30 s).</summary>
    private static async Task<WebhookDelivery> WaitForStatusAsync(WebhookServerFactory factory, WebhookDeliveryStatus status)
    {
        var store = factory.Services.GetRequiredService<IWebhookStore>();
        var projectId = factory.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<MemoryOptions>>().Value.ProjectId;
        var hook = Assert.Single(await store.ListWebhooksAsync(projectId));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var delivery = Assert.Single(await store.ListDeliveriesAsync(projectId, hook.Id));
            if (delivery.Status == status || clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                return delivery;
            }

            await Task.Delay(20);
        }
    }
}

/// <summary>
/// A server whose webhook worker polls every 20 ms, retries after 10 ms and gives up after two rounds, and that allows
/// webhooks on private networks (the receivers listen on loopback).
/// </summary>
public sealed class WebhookServerFactory() : EngramServerFactory(new()
{
    ["Engram:Webhooks:AllowPrivateNetworks"] = "true",
    ["Engram:Webhooks:PollMilliseconds"] = "20",
    ["Engram:Webhooks:RetryDelayMilliseconds"] = "10",
    ["Engram:Webhooks:InlineRetries"] = "2",
    ["Engram:Webhooks:MaxAttempts"] = MaxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
})
{
    public const int MaxAttempts = 2;
}
