using System.Text;

namespace Engram.Server.Tests;

/// <summary>
/// Lossless export and import: the engram.memories JSONL export of one server imported into an empty one gives the same
/// searches, lists, history and graph relations (validity included), and exports again to the same lines; Mem0 export
/// files import too.
/// </summary>
public sealed class ArchiveTests
{
    private static readonly string[] Queries = ["Where does Alice live?", "What instrument does Bob play?", "tea or coffee", "favourite city"];

    [Fact]
    public async Task ExportThenImportIntoAnEmptyServer_GivesTheSameSearchesListsAndHistory()
    {
        using var source = new EngramServerFactory();
        var from = source.CreateAuthorizedClient();
        var lisbon = await from.AddMemoryAsync("Alice lives in Lisbon", "alice", ""","enable_graph":true""");
        await from.AddMemoryAsync("Alice prefers tea to coffee", "alice", ""","metadata":{"source":"chat"}""");
        await from.AddMemoryAsync("Bob plays the cello in an orchestra", "bob");
        var gone = await from.AddMemoryAsync("Bob's favourite city is Rome", "bob");
        (await from.PutJsonAsync($"/v1/memories/{lisbon}/", """{"text":"Alice lives in Porto"}""")).EnsureSuccessStatusCode();
        (await from.DeleteAsync($"/v1/memories/{gone}/")).EnsureSuccessStatusCode();
        await from.AddMemoryAsync("Alice lives in Madrid", "alice", ""","enable_graph":true""");
        var export = await ExportAsync(from);

        using var target = new EngramServerFactory();
        var to = target.CreateAuthorizedClient();
        var imported = await (await to.PostAsync("/v1/imports/", new StringContent(export, Encoding.UTF8, "application/x-ndjson"))).JsonAsync();

        Assert.Equal(4, imported["memories"]!.GetValue<int>());
        Assert.Equal(7, imported["history"]!.GetValue<int>());
        // lisbon (invalidated by the update of its memory), porto (from the updated text, invalidated by madrid), madrid.
        Assert.Equal(3, imported["relations"]!.GetValue<int>());
        foreach (var user in (string[])["alice", "bob"])
        {
            foreach (var query in Queries)
            {
                Assert.Equal(await SearchAsync(from, query, user), await SearchAsync(to, query, user));
            }

            Assert.Equal(await ListAsync(from, user), await ListAsync(to, user));
        }

        Assert.Equal(await HistoryAsync(from, lisbon), await HistoryAsync(to, lisbon));
        Assert.Equal(await HistoryAsync(from, gone), await HistoryAsync(to, gone));
        var relations = await RelationsAsync(from);
        Assert.Contains("\"valid\":false", relations, StringComparison.Ordinal);
        Assert.Equal(relations, await RelationsAsync(to));
        Assert.Equal(WithoutHeader(export), WithoutHeader(await ExportAsync(to)));
    }

    [Fact]
    public async Task Export_StartsWithAVersionedHeader_AndCanLeaveVectorsOut()
    {
        using var factory = new EngramServerFactory();
        var client = factory.CreateAuthorizedClient();
        await client.AddMemoryAsync("Carol runs marathons", "carol");

        var withVectors = (await ExportAsync(client)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var without = (await ExportAsync(client, "?embeddings=false")).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        var header = JsonNode.Parse(withVectors[0])!;
        Assert.Equal("engram.memories", header["format"]!.GetValue<string>());
        Assert.Equal(1, header["version"]!.GetValue<int>());
        Assert.True(header["embeddings"]!.GetValue<bool>());
        var memory = JsonNode.Parse(withVectors.Single(l => l.Contains("\"type\":\"memory\"", StringComparison.Ordinal)))!;
        Assert.Equal("Carol runs marathons", memory["memory"]!.GetValue<string>());
        Assert.True(memory["embedding"]!["vector"]!.AsArray().Count > 0);
        Assert.Equal(memory["embedding"]!["dimensions"]!.GetValue<int>(), memory["embedding"]!["vector"]!.AsArray().Count);
        Assert.Single(withVectors, l => l.Contains("\"type\":\"message\"", StringComparison.Ordinal));
        Assert.Single(withVectors, l => l.Contains("\"type\":\"history\"", StringComparison.Ordinal));
        Assert.False(JsonNode.Parse(without[0])!["embeddings"]!.GetValue<bool>());
        Assert.Null(JsonNode.Parse(without.Single(l => l.Contains("\"type\":\"memory\"", StringComparison.Ordinal)))!["embedding"]);

        // Without vectors the import embeds again and finds the same memory.
        using var target = new EngramServerFactory();
        var to = target.CreateAuthorizedClient();
        (await to.PostAsync("/v1/imports/", new StringContent(string.Join('\n', without), Encoding.UTF8, "application/x-ndjson"))).EnsureSuccessStatusCode();
        Assert.Equal(await SearchAsync(client, "marathon", "carol"), await SearchAsync(to, "marathon", "carol"));
    }

    [Fact]
    public async Task Import_ReadsMem0ExportFiles()
    {
        using var source = new EngramServerFactory();
        var from = source.CreateAuthorizedClient();
        var id = await from.AddMemoryAsync("Dave keeps bees", "dave", ""","metadata":{"hive":"north"}""");
        await from.AddMemoryAsync("Dave sells honey at the market", "dave");
        var created = await (await from.PostJsonAsync("/v1/exports/", """{"schema":{"type":"object","properties":{"memories":{"type":"array","items":{"type":"object","properties":{"id":{},"memory":{},"user_id":{},"metadata":{},"created_at":{}}}}}},"filters":{"user_id":"dave"}}""")).JsonAsync(HttpStatusCode.Created);
        var mem0Export = await (await from.PostJsonAsync("/v1/exports/get/", $$"""{"memory_export_id":"{{created["id"]!.GetValue<string>()}}"}""")).Content.ReadAsStringAsync();

        using var target = new EngramServerFactory();
        var to = target.CreateAuthorizedClient();
        var imported = await (await to.PostAsync("/v1/imports/", new StringContent(mem0Export, Encoding.UTF8, "application/json"))).JsonAsync();

        Assert.Equal(2, imported["memories"]!.GetValue<int>());
        var memory = await (await to.GetAsync($"/v1/memories/{id}/")).JsonAsync();
        Assert.Equal("Dave keeps bees", memory["memory"]!.GetValue<string>());
        Assert.Equal("dave", memory["user_id"]!.GetValue<string>());
        Assert.Equal("north", memory["metadata"]!["hive"]!.GetValue<string>());
        // A Mem0 file has no lexical context or entity links: the ranking is rebuilt, not copied.
        Assert.StartsWith(id + " ", await SearchAsync(to, "bees", "dave"), StringComparison.Ordinal);

        // A bare array of Mem0 memories, one without scope.
        var bare = await (await to.PostAsync("/v1/imports/", new StringContent(
            """[{"memory":"Erin paints","user_id":"erin"},{"memory":"no scope"}]""", Encoding.UTF8, "application/json"))).JsonAsync();
        Assert.Equal(1, bare["memories"]!.GetValue<int>());
        Assert.Equal(1, bare["skipped"]!.GetValue<int>());
    }

    [Fact]
    public async Task Import_RefusesMalformedFilesAndExistingIds()
    {
        using var factory = new EngramServerFactory();
        var client = factory.CreateAuthorizedClient();
        await client.AddMemoryAsync("Frank surfs", "frank");
        var export = await ExportAsync(client);

        await (await client.PostAsync("/v1/imports/", new StringContent(export, Encoding.UTF8, "application/x-ndjson"))).ErrorAsync(HttpStatusCode.BadRequest);
        await (await client.PostAsync("/v1/imports/", new StringContent("not json at all", Encoding.UTF8, "text/plain"))).ErrorAsync(HttpStatusCode.BadRequest);
        await (await client.PostAsync("/v1/imports/", new StringContent("", Encoding.UTF8, "text/plain"))).ErrorAsync(HttpStatusCode.BadRequest);
        var newer = """{"format":"engram.memories","version":99}""";
        await (await client.PostAsync("/v1/imports/", new StringContent(newer, Encoding.UTF8, "application/x-ndjson"))).ErrorAsync(HttpStatusCode.BadRequest);
        var broken = """{"format":"engram.memories","version":1}""" + "\n" + """{"type":"memory","id":"x"}""";
        var detail = await (await client.PostAsync("/v1/imports/", new StringContent(broken, Encoding.UTF8, "application/x-ndjson"))).ErrorAsync(HttpStatusCode.BadRequest);
        Assert.Contains("Line 2", detail, StringComparison.Ordinal);
    }

    private static async Task<string> ExportAsync(HttpClient client, string query = "")
    {
        var response = await client.GetAsync("/v1/exports/jsonl/" + query);
        response.EnsureSuccessStatusCode();
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsStringAsync();
    }

    private static string WithoutHeader(string export) => export[(export.IndexOf('\n', StringComparison.Ordinal) + 1)..];

    private static async Task<string> SearchAsync(HttpClient client, string query, string user)
    {
        var body = await (await client.PostJsonAsync("/v3/memories/search/",
            $$$"""{"query":{{{JsonSerializer.Serialize(query)}}},"filters":{"user_id":"{{{user}}}"},"top_k":10,"threshold":0}""")).JsonAsync();
        return string.Join('\n', body["results"]!.AsArray().Select(r => $"{r!["id"]} {r["score"]} {r["memory"]}"));
    }

    private static async Task<string> ListAsync(HttpClient client, string user) =>
        (await (await client.PostJsonAsync("/v3/memories/", $$$"""{"filters":{"user_id":"{{{user}}}"}}""")).JsonAsync())["results"]!.ToJsonString();

    private static async Task<string> RelationsAsync(HttpClient client) =>
        (await (await client.GetAsync("/v1/relations/?entity=alice&include_invalidated=true")).JsonAsync()).ToJsonString();

    private static async Task<string> HistoryAsync(HttpClient client, string memoryId) =>
        (await (await client.GetAsync($"/v1/memories/{memoryId}/history/")).JsonAsync()).ToJsonString();
}
