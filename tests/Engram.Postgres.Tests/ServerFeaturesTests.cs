using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Engram.Postgres.Tests;

/// <summary>
/// The features the PostgreSQL store brings to a real <c>engram serve --store postgres</c>: graph relations
/// (<c>GET /v1/relations/</c>), the lossless export and import (<c>/v1/exports/jsonl/</c>, <c>/v1/imports/</c>) and
/// webhooks delivered from the outbox to a loopback receiver.
/// </summary>
[Collection(PostgresServerGroup.Name)]
public sealed class ServerFeaturesTests(PostgresDatabase database)
{
    [Fact]
    public async Task Serve_OnPostgres_ServesRelations_ExportImportRoundTrip_AndDeliversWebhooks()
    {
        using var receiver = new HttpListener();
        var hookUrl = $"http://127.0.0.1:{PostgresServer.FreePort()}/hook/";
        receiver.Prefixes.Add(hookUrl);
        receiver.Start();
        var delivered = receiver.GetContextAsync();

        var connectionString = await database.Server.CreateDatabaseAsync();
        await using var server = await EngramServeProcess.StartAsync(connectionString, new Dictionary<string, string>
        {
            // Loopback receivers are refused unless private networks are allowed (Engram:Webhooks:AllowPrivateNetworks).
            ["Engram__Webhooks__AllowPrivateNetworks"] = "true",
            ["Engram__Webhooks__PollMilliseconds"] = "50",
        });
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Token", EngramServeProcess.ApiKey);

        (await client.PostAsync("/api/v1/webhooks/projects/default/", Json($$"""{"name":"hook","url":"{{hookUrl}}","event_types":["memory_add"]}"""))).EnsureSuccessStatusCode();
        var added = await JsonAsync(await client.PostAsync("/v1/memories/", Json(
            """{"messages":[{"role":"user","content":"I live in Lisbon.","name":"Hana"}],"user_id":"hana","infer":false,"async_mode":false,"output_format":"v1.1","enable_graph":true}""")));
        var memoryId = added["results"]![0]!["id"]!.GetValue<string>();

        // Relations, from the PostgreSQL graph.
        var relations = await RelationsAsync(client);
        Assert.Equal([("hana", "lives_in", "lisbon", memoryId)], relations);

        // The webhook, from the outbox row written with the memory.
        var context = await delivered.WaitAsync(TimeSpan.FromSeconds(60));
        using (var reader = new StreamReader(context.Request.InputStream))
        {
            var body = JsonNode.Parse(await reader.ReadToEndAsync())!["event_details"]!;
            Assert.Equal((memoryId, "ADD"), (body["id"]!.GetValue<string>(), body["event"]!.GetValue<string>()));
            Assert.Contains("Lisbon", body["data"]!["memory"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal("memory_add", context.Request.Headers["X-Engram-Event"]);
        }

        context.Response.StatusCode = 200;
        context.Response.Close();

        // Export, empty the project, import: the same memory, history and relation come back, and export the same.
        var export = await ExportAsync(client);
        await using (var store = new PostgresMemoryStore(new PostgresStoreOptions { ConnectionString = connectionString }))
        {
            await store.ResetAsync("default");
        }

        Assert.Empty(await RelationsAsync(client));
        var imported = await JsonAsync(await client.PostAsync("/v1/imports/", new StringContent(export, Encoding.UTF8, "application/x-ndjson")));
        Assert.Equal((1, 1, 1), (imported["memories"]!.GetValue<int>(), imported["history"]!.GetValue<int>(), imported["relations"]!.GetValue<int>()));
        Assert.Equal(relations, await RelationsAsync(client));
        Assert.Equal(WithoutHeader(export), WithoutHeader(await ExportAsync(client)));
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonNode> JsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    private static async Task<List<(string, string, string, string)>> RelationsAsync(HttpClient client) =>
        [.. (await JsonAsync(await client.GetAsync("/v1/relations/?entity=hana&include_invalidated=true"))).AsArray().Select(r =>
            (r!["source"]!.GetValue<string>(), r["relationship"]!.GetValue<string>(), r["target"]!.GetValue<string>(), r["memory_id"]!.GetValue<string>()))];

    private static async Task<string> ExportAsync(HttpClient client)
    {
        var response = await client.GetAsync("/v1/exports/jsonl/");
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    private static string WithoutHeader(string export) => export[(export.IndexOf('\n', StringComparison.Ordinal) + 1)..];
}
