namespace Engram.Server.Tests;

/// <summary>
/// Webhook URLs are kept off the server's own networks (SSRF): refused with 400 on create and update, refused again at
/// delivery against the address actually connected to, unless <c>Engram:Webhooks:AllowPrivateNetworks</c> is true.
/// </summary>
public sealed class WebhookAddressPolicyTests
{
    public static TheoryData<string, string> RefusedUrls => new()
    {
        { "http://127.0.0.1/hook", "loopback" },
        { "http://127.8.9.10:8080/", "loopback" },
        { "http://2130706433/", "loopback" },
        { "http://localhost:5000/", "loopback" },
        { "http://hooks.localhost/", "loopback" },
        { "http://10.1.2.3/", "private" },
        { "http://172.16.0.1/", "private" },
        { "http://172.31.255.255/", "private" },
        { "https://192.168.1.1/", "private" },
        { "http://169.254.169.254/latest/meta-data/", "link-local" },
        { "http://100.64.0.1/", "carrier-grade NAT" },
        { "http://100.127.255.254/", "carrier-grade NAT" },
        { "http://224.0.0.1/", "multicast" },
        { "http://239.255.255.250/", "multicast" },
        { "http://0.0.0.0/", "unspecified" },
        { "http://255.255.255.255/", "reserved" },
        { "http://[::1]/", "loopback" },
        { "http://[::]/", "unspecified" },
        { "http://[fc00::1]/", "private" },
        { "http://[fd12:3456:789a::1]/", "private" },
        { "http://[fec0::1]/", "private" },
        { "http://[fe80::1]/", "link-local" },
        { "http://[febf::1]/", "link-local" },
        { "http://[ff02::1]/", "multicast" },
        { "http://[::ffff:127.0.0.1]/", "loopback" },
        { "http://[::ffff:169.254.169.254]/", "link-local" },
        { "http://[::ffff:10.0.0.1]/", "private" },
        { "http://[::ffff:100.64.1.1]/", "carrier-grade NAT" },
        { "http://[::192.168.0.1]/", "private" },
        { "http://[64:ff9b::127.0.0.1]/", "loopback" },
        { "http://[64:ff9b::a9fe:a9fe]/", "link-local" },
        { "http://[2002:7f00:1::1]/", "loopback" },
        { "http://[2002:c0a8:0101::1]/", "private" },
    };

    [Theory]
    [MemberData(nameof(RefusedUrls))]
    public async Task Refusal_NamesTheAddressClass(string url, string reason)
    {
        var host = new Uri(url).IdnHost;
        if (!IPAddress.TryParse(host, out var address))
        {
            Assert.Contains("localhost", host, StringComparison.Ordinal);
            await Assert.ThrowsAsync<MemoryValidationException>(() => WebhookAddressPolicy.ValidateAsync(url, allowPrivateNetworks: false, CancellationToken.None));
            return;
        }

        Assert.Equal(reason, WebhookAddressPolicy.Refusal(address));
    }

    [Theory]
    [InlineData("93.184.216.34")]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("172.15.255.255")]
    [InlineData("100.128.0.1")]
    [InlineData("100.63.255.255")]
    [InlineData("169.253.0.1")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("2001:db9::1")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("fbff::1")]
    [InlineData("64:ff9b::808:808")]
    [InlineData("2002:808:808::1")]
    public void PublicAddresses_AreAllowed(string address) => Assert.Null(WebhookAddressPolicy.Refusal(IPAddress.Parse(address)));

    [Fact]
    public async Task CreateAndUpdate_RefuseEveryPrivateClass_With400_AndAcceptPublicHosts()
    {
        using var factory = new EngramServerFactory();
        var client = factory.CreateAuthorizedClient();
        var hooks = $"/api/v1/webhooks/projects/{await ProjectIdAsync(client)}/";

        foreach (var url in RefusedUrls.Select(row => (string)row[0]).Append("file:///etc/passwd").Append("gopher://example.com/"))
        {
            var detail = await (await client.PostJsonAsync(hooks, $$"""{"name":"x","url":"{{url}}"}""")).ErrorAsync(HttpStatusCode.BadRequest);
            Assert.StartsWith("url ", detail, StringComparison.Ordinal);
        }

        var created = await (await client.PostJsonAsync(hooks, """{"name":"public","url":"http://93.184.216.34/hook"}""")).JsonAsync(HttpStatusCode.Created);
        var v6 = await (await client.PostJsonAsync(hooks, """{"name":"v6","url":"https://[2606:4700:4700::1111]/hook"}""")).JsonAsync(HttpStatusCode.Created);
        var id = created["webhook_id"]!.GetValue<long>();
        Assert.Equal("https://[2606:4700:4700::1111]/hook", v6["url"]!.GetValue<string>());

        var detailOnUpdate = await (await client.PutJsonAsync($"/api/v1/webhooks/{id}/", """{"url":"http://[::ffff:169.254.169.254]/"}""")).ErrorAsync(HttpStatusCode.BadRequest);
        Assert.Contains("link-local", detailOnUpdate, StringComparison.Ordinal);
        var listed = await (await client.GetAsync(hooks)).JsonAsync();
        Assert.Equal("http://93.184.216.34/hook", Assert.Single(listed.AsArray(), h => h!["webhook_id"]!.GetValue<long>() == id)!["url"]!.GetValue<string>());
    }

    [Fact]
    public async Task AllowPrivateNetworks_AcceptsLoopbackAndPrivateUrls()
    {
        using var factory = new WebhookServerFactory();
        var client = factory.CreateAuthorizedClient();
        var hooks = $"/api/v1/webhooks/projects/{await ProjectIdAsync(client)}/";

        foreach (var url in new[] { "http://127.0.0.1:9/", "http://localhost:9/", "http://10.0.0.1/", "http://[::ffff:169.254.169.254]/" })
        {
            await (await client.PostJsonAsync(hooks, $$"""{"name":"x","url":"{{url}}"}""")).JsonAsync(HttpStatusCode.Created);
        }

        await (await client.PostJsonAsync(hooks, """{"name":"x","url":"ftp://10.0.0.1/"}""")).ErrorAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Delivery_ToAHostThatNowResolvesToLoopback_IsRefusedAtConnect_AndRecordedAsFailed()
    {
        // The webhook is stored as if its name had resolved to a public address when it was created (DNS rebinding):
        // at delivery, "localhost" resolves to loopback and the connection is refused before any byte is sent.
        await using var receiver = await WebhookReceiver.StartAsync();
        using var factory = new RestrictedWebhookServerFactory();
        var client = factory.CreateAuthorizedClient();
        var store = factory.Services.GetRequiredService<IWebhookStore>();
        var projectId = await ProjectIdAsync(client);
        var now = TimeProvider.System.GetUtcNow();
        var hook = await store.CreateWebhookAsync(new Webhook
        {
            ProjectId = projectId,
            Name = "rebound",
            Url = receiver.Url.Replace("127.0.0.1", "localhost", StringComparison.Ordinal),
            EventTypes = ["memory_add"],
            Secret = "whsec_test",
            IsActive = true,
            CreatedAt = now,
            UpdatedAt = now,
        });

        await client.AddMemoryAsync("I collect stamps", "rebound-user");
        var delivery = await WaitForFinishedAsync(store, projectId, hook.Id);

        Assert.Equal(WebhookDeliveryStatus.Failed, delivery.Status);
        Assert.Equal(1, delivery.Attempts);
        Assert.StartsWith("refused: the webhook host resolves to a loopback address", delivery.LastError, StringComparison.Ordinal);
        Assert.Empty(receiver.Requests);
    }

    private static async Task<string> ProjectIdAsync(HttpClient client) =>
        (await (await client.GetAsync("/v1/ping/")).JsonAsync())["project_id"]!.GetValue<string>();

    private static async Task<WebhookDelivery> WaitForFinishedAsync(IWebhookStore store, string projectId, long webhookId)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var deliveries = await store.ListDeliveriesAsync(projectId, webhookId);
            if (deliveries is [{ Status: not WebhookDeliveryStatus.Pending } delivery])
            {
                return delivery;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "The delivery did not finish.");
            await Task.Delay(20);
        }
    }
}

/// <summary>A server with the default webhook address policy (private networks refused) and a worker polling every 20 ms.</summary>
public sealed class RestrictedWebhookServerFactory() : EngramServerFactory(new()
{
    ["Engram:Webhooks:PollMilliseconds"] = "20",
    ["Engram:Webhooks:RetryDelayMilliseconds"] = "10",
});
