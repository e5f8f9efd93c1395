using Engram.Testing;

namespace Engram.Reliability.Tests;

/// <summary>Guarantee 6: API keys and provider keys never appear in logs or responses.</summary>
public sealed class SecretsTests : IDisposable
{
    private const string ProviderKey = "sk-provider-secret-7f3a9c1e5b2d4680";

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task KeysNeverAppearInLogsOrResponses_EvenAtTraceLevelAndOnErrors()
    {
        await using var model = await ScriptedOpenAIServer.StartAsync();
        await using var serve = await Serve.StartAsync(_temp, new Dictionary<string, string>
        {
            ["ENGRAM_LOG_LEVEL"] = "Trace",
            ["Engram__Llm__Provider"] = "vllm",
            ["Engram__Llm__BaseUrl"] = model.BaseUrl.ToString(),
            ["Engram__Llm__Model"] = "scripted-chat",
            ["Engram__Llm__ApiKey"] = ProviderKey,
            ["Engram__Llm__RetryDelayMilliseconds"] = "1",
            ["Engram__Embedder__Provider"] = "vllm",
            ["Engram__Embedder__BaseUrl"] = model.BaseUrl.ToString(),
            ["Engram__Embedder__Model"] = "scripted-embed",
            ["Engram__Embedder__ApiKey"] = ProviderKey,
        });
        var (otherKey, _) = await IsolationTests.CreateKeyAsync(_temp.Combine("data"), "org-secret", "proj-secret");
        using var http = serve.CreateClient();
        using var other = serve.CreateClient(otherKey);
        using var wrong = serve.CreateClient(Serve.Key[..^2] + "zz");
        var responses = new StringBuilder();

        async Task CallAsync(HttpClient client, HttpMethod method, string path, string? body = null)
        {
            using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Accept.ParseAdd("application/json");
            request.Headers.Accept.ParseAdd("text/event-stream");
            using var response = await client.SendAsync(request);
            responses.Append(response.Headers).Append(response.Content.Headers).AppendLine(await response.Content.ReadAsStringAsync());
        }

        // Model faults make the server log provider failures; errors of every kind make it log requests.
        model.FaultRate = 0.5;
        var queued = await Serve.SendAsync(http, HttpMethod.Post, "/v3/memories/add/", """{"messages":[{"role":"user","content":"I keep my bike in the garage"}],"user_id":"secret-user"}""");
        responses.AppendLine(queued.Text);
        var eventId = queued.Json!["event_id"]!.GetValue<string>();
        for (var i = 0; i < 300 && (await Serve.SendAsync(http, HttpMethod.Get, $"/v1/event/{eventId}/")).Json!["status"]!.GetValue<string>() is "PENDING" or "RUNNING"; i++)
        {
            await Task.Delay(100);
        }

        model.FaultRate = 0;
        await CallAsync(http, HttpMethod.Get, "/v1/ping/");
        await CallAsync(other, HttpMethod.Get, "/v1/ping/");
        await CallAsync(wrong, HttpMethod.Get, "/v1/ping/");
        await CallAsync(http, HttpMethod.Post, "/v3/memories/search/", """{"query":"bike","filters":{"user_id":"secret-user"}}""");
        await CallAsync(http, HttpMethod.Post, "/v3/memories/search/", "{broken");
        await CallAsync(http, HttpMethod.Get, "/v1/events/");
        await CallAsync(http, HttpMethod.Get, $"/v1/event/{eventId}/");
        await CallAsync(http, HttpMethod.Get, "/api/v1/orgs/organizations/default/projects/default/");
        await CallAsync(http, HttpMethod.Get, "/v1/entities/");
        await CallAsync(http, HttpMethod.Post, "/mcp", """{"jsonrpc":"2.0","id":1,"method":"tools/list"}""");
        await CallAsync(http, HttpMethod.Get, "/openapi/v1.json");
        await CallAsync(http, HttpMethod.Get, "/healthz");
        await serve.StopAsync();

        var logs = serve.Output;
        Assert.True(logs.Length > 1000, "trace logging must have produced output to scan");
        Assert.False(model.ChatBodies.IsEmpty, "the provider must have been called");
        foreach (var secret in new[] { Serve.Key, otherKey, ProviderKey, Serve.Key[8..24], otherKey[8..24], ProviderKey[10..] })
        {
            Assert.DoesNotContain(secret, logs, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, responses.ToString(), StringComparison.Ordinal);
        }
    }
}
