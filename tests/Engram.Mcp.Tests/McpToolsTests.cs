using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Engram.Mcp.Tests;

/// <summary>The MCP tools through the SDK's real client, in-process (pipes) and against a real `engram mcp` process (stdio).</summary>
public sealed class McpToolsTests : IAsyncLifetime
{
    private static readonly string[] ToolNames =
        ["add_memory", "delete_all_memories", "delete_entities", "delete_memory", "get_memories", "get_memory", "list_entities", "search_memories", "update_memory"];

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "engram-mcp-" + Guid.NewGuid().ToString("N"));
    private IHost? _host;
    private McpClient? _client;

    public async Task InitializeAsync()
    {
        var clientToServer = new Pipe();
        var serverToClient = new Pipe();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddEngram(o => o.DefaultThreshold = 0).WithSqliteStore(Path.Combine(_directory, "engram.db"));
        builder.Services.AddSingleton(sp => (IScopeCatalog)sp.GetRequiredService<IMemoryStore>());
        builder.Services.AddMcpServer()
            .WithStreamServerTransport(clientToServer.Reader.AsStream(), serverToClient.Writer.AsStream())
            .WithMemoryTools(o => o.DefaultUserId = "ana");
        _host = builder.Build();
        await _host.StartAsync();
        _client = await McpClient.CreateAsync(new StreamClientTransport(clientToServer.Writer.AsStream(), serverToClient.Reader.AsStream()));
    }

    public async Task DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }

        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    private McpClient Client => _client!;

    private async Task<JsonElement> CallAsync(string tool, Dictionary<string, object?> arguments)
    {
        var result = await Client.CallToolAsync(tool, arguments);
        Assert.True(result.IsError is not true, Text(result));
        return JsonDocument.Parse(Text(result)).RootElement.Clone();
    }

    private static string Text(CallToolResult result) => string.Concat(result.Content.OfType<TextContentBlock>().Select(b => b.Text));

    [Fact]
    public async Task ListTools_HasMem0ToolNamesWithSnakeCaseArguments()
    {
        var tools = await Client.ListToolsAsync();
        Assert.Equal(ToolNames, tools.Select(t => t.Name).Order(StringComparer.Ordinal));
        var add = tools.Single(t => t.Name == "add_memory");
        var properties = add.JsonSchema.GetProperty("properties");
        Assert.True(properties.TryGetProperty("user_id", out _));
        Assert.True(properties.TryGetProperty("metadata", out _));
        Assert.Contains("text", add.JsonSchema.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task AddSearchGetUpdateDelete_RoundTrip()
    {
        var added = await CallAsync("add_memory", new() { ["text"] = "Ana is allergic to peanuts", ["infer"] = false, ["metadata"] = new Dictionary<string, object?> { ["topic"] = "health" } });
        var id = added.GetProperty("results")[0].GetProperty("id").GetString()!;
        Assert.Equal("ADD", added.GetProperty("results")[0].GetProperty("event").GetString());

        var found = await CallAsync("search_memories", new() { ["query"] = "peanut allergy", ["limit"] = 3 });
        var hit = found.GetProperty("results")[0];
        Assert.Equal(id, hit.GetProperty("id").GetString());
        Assert.Equal("ana", hit.GetProperty("user_id").GetString());
        Assert.True(hit.GetProperty("score").GetDouble() > 0);

        var filtered = await CallAsync("search_memories", new() { ["query"] = "peanut allergy", ["filters"] = new Dictionary<string, object?> { ["AND"] = new object[] { new Dictionary<string, object?> { ["user_id"] = "someone-else" } } } });
        Assert.Equal(0, filtered.GetProperty("results").GetArrayLength());

        var updated = await CallAsync("update_memory", new() { ["memory_id"] = id, ["text"] = "Ana is allergic to peanuts and cashews" });
        Assert.Equal("Ana is allergic to peanuts and cashews", updated.GetProperty("memory").GetString());
        Assert.Equal("health", (await CallAsync("get_memory", new() { ["memory_id"] = id })).GetProperty("metadata").GetProperty("topic").GetString());

        var page = await CallAsync("get_memories", new() { ["page_size"] = 10 });
        Assert.Equal(1, page.GetProperty("count").GetInt64());

        await CallAsync("delete_memory", new() { ["memory_id"] = id });
        var missing = await Client.CallToolAsync("get_memory", new Dictionary<string, object?> { ["memory_id"] = id });
        Assert.True(missing.IsError);
        Assert.Contains("not found", Text(missing), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Entities_ListAndDelete()
    {
        await CallAsync("add_memory", new() { ["text"] = "Bo plays chess", ["user_id"] = "bo", ["infer"] = false });
        await CallAsync("add_memory", new() { ["text"] = "Ana runs", ["infer"] = false });

        var entities = await CallAsync("list_entities", []);
        Assert.Contains(entities.GetProperty("results").EnumerateArray(), e => e.GetProperty("id").GetString() == "bo" && e.GetProperty("type").GetString() == "user" && e.GetProperty("total_memories").GetInt64() == 1);

        await CallAsync("delete_entities", new() { ["user_id"] = "bo" });
        Assert.Equal(0, (await CallAsync("get_memories", new() { ["filters"] = new Dictionary<string, object?> { ["user_id"] = "bo" } })).GetProperty("count").GetInt64());
        Assert.Equal(1, (await CallAsync("get_memories", [])).GetProperty("count").GetInt64());

        var deleted = await CallAsync("delete_all_memories", []);
        Assert.Contains("Deleted 1", deleted.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("search_memories", """{"query":"   "}""", "query")]
    [InlineData("search_memories", """{"query":"x","filters":{"topic":{"between":1}}}""", "Unknown filter operator")]
    [InlineData("delete_entities", """{}""", "at least one")]
    [InlineData("add_memory", """{"text":"x","user_id":"*"}""", "cannot be '*'")]
    [InlineData("add_memory", """{"text":"   "}""", "text cannot be empty")]
    [InlineData("delete_all_memories", """{"agent_id":"*"}""", "cannot be '*'")]
    public async Task BadArguments_AreToolErrorsWithAClearMessage(string tool, string arguments, string expected)
    {
        var args = JsonSerializer.Deserialize<Dictionary<string, object?>>(arguments)!;
        var result = await Client.CallToolAsync(tool, args);
        Assert.True(result.IsError);
        Assert.Contains(expected, Text(result), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task DeleteEntities_WithOneBadId_DeletesNothing()
    {
        await CallAsync("add_memory", new() { ["text"] = "Cy sails", ["user_id"] = "cy", ["infer"] = false });

        var result = await Client.CallToolAsync("delete_entities", new Dictionary<string, object?> { ["user_id"] = "cy", ["app_id"] = "" });

        Assert.True(result.IsError);
        Assert.Equal(1, (await CallAsync("get_memories", new() { ["filters"] = new Dictionary<string, object?> { ["user_id"] = "cy" } })).GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task StdioProcess_ServesTheToolsWithLogsOnStderrOnly()
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "Engram.Cli.dll");
        var data = Path.Combine(_directory, "stdio");
        var stderr = new List<string>();
        await using var client = await McpClient.CreateAsync(new StdioClientTransport(new StdioClientTransportOptions
        {
            Command = "dotnet",
            Arguments = [cli, "mcp", "--data", data, "--default-user", "ana"],
            EnvironmentVariables = new Dictionary<string, string?> { ["ENGRAM_LOG_LEVEL"] = "Debug" },
            StandardErrorLines = line => { lock (stderr) { stderr.Add(line); } },
        }));

        Assert.Equal(ToolNames, (await client.ListToolsAsync()).Select(t => t.Name).Order(StringComparer.Ordinal));
        var added = await client.CallToolAsync("add_memory", new Dictionary<string, object?> { ["text"] = "Ana's cat is Luna", ["infer"] = false });
        Assert.True(added.IsError is not true, Text(added));
        var found = await client.CallToolAsync("search_memories", new Dictionary<string, object?> { ["query"] = "cat" });
        Assert.Contains("Luna", Text(found), StringComparison.Ordinal);
        lock (stderr)
        {
            Assert.NotEmpty(stderr);
        }
    }
}
