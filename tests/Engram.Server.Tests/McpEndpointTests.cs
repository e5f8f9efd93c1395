using System.Net.Http.Headers;
using System.Text;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Engram.Server.Tests;

/// <summary>A server whose MCP tools default to the user <c>http-user</c> (<c>Engram:Mcp:DefaultUserId</c>).</summary>
public sealed class McpServerFactory() : EngramServerFactory(new()
{
    ["Engram:Mcp:DefaultUserId"] = McpServerFactory.DefaultUser,
})
{
    public const string DefaultUser = "http-user";
}

/// <summary>
/// <c>/mcp</c> through the MCP SDK's own client (<see cref="HttpClientTransport"/>, Streamable HTTP) and raw HTTP: the
/// tools, API-key authentication, project isolation and the stateless Streamable HTTP rules.
/// </summary>
public sealed class McpEndpointTests(McpServerFactory factory) : IClassFixture<McpServerFactory>
{
    private static readonly string[] ToolNames =
        ["add_memory", "delete_all_memories", "delete_entities", "delete_memory", "get_memories", "get_memory", "list_entities", "search_memories", "update_memory"];

    private async Task<McpClient> ConnectAsync(string key = EngramServerFactory.FirstKey, string? protocolVersion = null)
    {
        var transport = new HttpClientTransport(
            new HttpClientTransportOptions
            {
                Endpoint = new Uri(factory.Server.BaseAddress, "/mcp"),
                TransportMode = HttpTransportMode.StreamableHttp,
                AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Token " + key },
            },
            factory.CreateClient(),
            loggerFactory: null,
            ownsHttpClient: true);
        return await McpClient.CreateAsync(transport, new McpClientOptions { ProtocolVersion = protocolVersion });
    }

    private static async Task<JsonElement> CallAsync(McpClient client, string tool, Dictionary<string, object?> arguments)
    {
        var result = await client.CallToolAsync(tool, arguments);
        Assert.True(result.IsError is not true, Text(result));
        return JsonDocument.Parse(Text(result)).RootElement.Clone();
    }

    private static string Text(CallToolResult result) => string.Concat(result.Content.OfType<TextContentBlock>().Select(b => b.Text));

    [Theory]
    [InlineData(null, "2026-07-28")] // the SDK's default: server/discover, no handshake
    [InlineData("2025-11-25", "2025-11-25")] // the initialize handshake (what most clients speak today)
    public async Task ListTools_WithAValidKey_ListsMem0sTools(string? requested, string negotiated)
    {
        await using var client = await ConnectAsync(protocolVersion: requested);

        var tools = await client.ListToolsAsync();

        Assert.Equal(negotiated, client.NegotiatedProtocolVersion);
        Assert.Equal(ToolNames, tools.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.Equal("engram", client.ServerInfo?.Name);
        var search = tools.Single(t => t.Name == "search_memories");
        Assert.Contains("query", search.JsonSchema.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        Assert.True(search.JsonSchema.GetProperty("properties").TryGetProperty("filters", out _));
    }

    [Fact]
    public async Task AddThenSearch_RoundTripsThroughTheKeysProject()
    {
        await using var client = await ConnectAsync();

        var added = await CallAsync(client, "add_memory", new() { ["text"] = "Noor keeps bees on the roof", ["infer"] = false, ["metadata"] = new Dictionary<string, object?> { ["topic"] = "hobby" } });
        var id = added.GetProperty("results")[0].GetProperty("id").GetString()!;
        var found = await CallAsync(client, "search_memories", new() { ["query"] = "who keeps bees?", ["limit"] = 3 });

        var hit = found.GetProperty("results")[0];
        Assert.Equal(id, hit.GetProperty("id").GetString());
        Assert.Equal(McpServerFactory.DefaultUser, hit.GetProperty("user_id").GetString());
        Assert.True(hit.GetProperty("score").GetDouble() > 0);

        // The memory is the REST API's too: same project, same store.
        var rest = await (await factory.CreateAuthorizedClient().GetAsync($"/v1/memories/{id}/")).JsonAsync();
        Assert.Equal("hobby", rest["metadata"]!["topic"]!.GetValue<string>());

        var updated = await CallAsync(client, "update_memory", new() { ["memory_id"] = id, ["text"] = "Noor keeps two hives of bees on the roof" });
        Assert.Equal("Noor keeps two hives of bees on the roof", updated.GetProperty("memory").GetString());
        await CallAsync(client, "delete_memory", new() { ["memory_id"] = id });
        var missing = await client.CallToolAsync("get_memory", new Dictionary<string, object?> { ["memory_id"] = id });
        Assert.True(missing.IsError);
        Assert.Contains("not found", Text(missing), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongKey_Is401()
    {
        var raw = factory.CreateClient();
        using var request = Post("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", "m0-not-a-real-key-000000000");
        var response = await raw.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);

        using var anonymous = Post("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", key: null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await raw.SendAsync(anonymous)).StatusCode);

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync("m0-not-a-real-key-000000000"));
        Assert.Contains("401", failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyOfAnotherProject_CannotReadOrChangeTheFirstProjectsMemories()
    {
        const string shared = "mcp-shared-user";
        await using var a = await ConnectAsync();
        var issued = await factory.Services.GetRequiredService<ApiKeyService>().IssueAsync("org-mcp-b", "project-mcp-b", "mcp test");
        await using var b = await ConnectAsync(issued.Key);

        var added = await CallAsync(a, "add_memory", new() { ["text"] = "Project A's launch code is tulip", ["user_id"] = shared, ["infer"] = false });
        var id = added.GetProperty("results")[0].GetProperty("id").GetString()!;

        var search = await CallAsync(b, "search_memories", new() { ["query"] = "launch code tulip", ["filters"] = new Dictionary<string, object?> { ["user_id"] = shared } });
        Assert.Equal(0, search.GetProperty("results").GetArrayLength());
        var everyone = await CallAsync(b, "get_memories", new() { ["filters"] = new Dictionary<string, object?> { ["user_id"] = "*" } });
        Assert.Equal(0, everyone.GetProperty("count").GetInt64());
        Assert.True((await b.CallToolAsync("get_memory", new Dictionary<string, object?> { ["memory_id"] = id })).IsError);
        Assert.True((await b.CallToolAsync("update_memory", new Dictionary<string, object?> { ["memory_id"] = id, ["text"] = "overwritten" })).IsError);
        Assert.True((await b.CallToolAsync("delete_memory", new Dictionary<string, object?> { ["memory_id"] = id })).IsError);
        var entities = await CallAsync(b, "list_entities", []);
        Assert.DoesNotContain(entities.GetProperty("results").EnumerateArray(), e => e.GetProperty("id").GetString() == shared);
        await CallAsync(b, "delete_all_memories", new() { ["user_id"] = shared });
        await CallAsync(b, "delete_entities", new() { ["user_id"] = shared });

        var stillThere = await CallAsync(a, "get_memory", new() { ["memory_id"] = id });
        Assert.Equal("Project A's launch code is tulip", stillThere.GetProperty("memory").GetString());
        var aEntities = await CallAsync(a, "list_entities", []);
        Assert.Contains(aEntities.GetProperty("results").EnumerateArray(), e => e.GetProperty("id").GetString() == shared);
    }

    [Fact]
    public async Task StreamableHttpRules_AcceptMethodsNotificationsAndMalformedBodies()
    {
        var http = factory.CreateClient();

        // A request answers as an SSE stream with the JSON-RPC response.
        using var list = Post("""{"jsonrpc":"2.0","id":7,"method":"tools/list"}""");
        var listed = await http.SendAsync(list);
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.Equal("text/event-stream", listed.Content.Headers.ContentType?.MediaType);
        var stream = await listed.Content.ReadAsStringAsync();
        Assert.Contains("\"id\":7", stream, StringComparison.Ordinal);
        Assert.Contains("search_memories", stream, StringComparison.Ordinal);
        Assert.False(listed.Headers.Contains("Mcp-Session-Id"));

        // The client must accept both JSON and SSE.
        using var jsonOnly = Post("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", accept: "application/json");
        Assert.Equal(HttpStatusCode.NotAcceptable, (await http.SendAsync(jsonOnly)).StatusCode);

        // A notification has no answer: 202 with an empty body.
        using var notification = Post("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
        var accepted = await http.SendAsync(notification);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Empty(await accepted.Content.ReadAsByteArrayAsync());

        // Not JSON-RPC: 400 with a JSON-RPC error.
        using var malformed = Post("""{"jsonrpc":"2.0","id":""");
        var bad = await http.SendAsync(malformed);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(-32600, JsonNode.Parse(await bad.Content.ReadAsStringAsync())!["error"]!["code"]!.GetValue<int>());

        // An unknown protocol revision: 400.
        using var version = Post("""{"jsonrpc":"2.0","id":2,"method":"tools/list"}""");
        version.Headers.Add("MCP-Protocol-Version", "1999-01-01");
        Assert.Equal(HttpStatusCode.BadRequest, (await http.SendAsync(version)).StatusCode);

        // Stateless: no server-to-client stream, no session to end.
        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Delete })
        {
            using var request = new HttpRequestMessage(method, "/mcp");
            request.Headers.Authorization = new AuthenticationHeaderValue("Token", EngramServerFactory.FirstKey);
            request.Headers.Accept.ParseAdd("text/event-stream");
            var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
            Assert.Contains("POST", response.Content.Headers.Allow);
        }
    }

    private static HttpRequestMessage Post(string json, string? key = EngramServerFactory.FirstKey, string accept = "application/json, text/event-stream")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/mcp") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Accept.ParseAdd(accept);
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Token", key);
        }

        return request;
    }
}
