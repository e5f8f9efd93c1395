using System.Diagnostics;
using Xunit.Abstractions;

namespace Engram.Reliability.Tests;

/// <summary>
/// Guarantee 4: several projects and keys × every route × every way to reach data (id, filter, scope, list, history,
/// events, exports, entities, MCP) — no cross-project read or write; a revoked key is refused at once; only the exact key
/// is accepted.
/// </summary>
public sealed class IsolationTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task ThreeProjects_EveryRoute_NoCrossProjectReadOrWrite_RevokedKeyRefusedAtOnce()
    {
        await using var serve = await Serve.StartAsync(_temp);
        var data = _temp.Combine("data");
        var tenants = new List<(string Key, string KeyId, string Project, string Org, HttpClient Http, string Marker, List<string> Ids, string EventId)>();
        for (var p = 0; p < 3; p++)
        {
            var (key, keyId) = await CreateKeyAsync(data, $"org-iso-{p}", $"proj-iso-{p}");
            var http = serve.CreateClient(key);
            var marker = $"Isomarker{p}zz";
            var ids = new List<string>
            {
                await Serve.AddAsync(http, "shared-user", $"The shared user owns {marker} alpha", ""","agent_id":"shared-agent","run_id":"shared-run" """),
                await Serve.AddAsync(http, "shared-user", $"The shared user keeps {marker} beta"),
            };
            var queued = await Serve.SendAsync(http, HttpMethod.Post, "/v3/memories/add/",
                $$"""{"messages":[{"role":"user","content":"Remember token {{marker}}q"}],"user_id":"shared-user"}""");
            await Serve.SendAsync(http, HttpMethod.Post, "/v1/exports/", """{"schema":{"type":"object","properties":{"memory":{"type":"string"}}},"filters":{"user_id":"shared-user"}}""");
            tenants.Add((key, keyId, $"proj-iso-{p}", $"org-iso-{p}", http, marker, ids, queued.Json!["event_id"]!.GetValue<string>()));
        }

        var attempts = 0;
        var leaks = new List<string>();
        foreach (var attacker in tenants)
        {
            foreach (var victim in tenants.Where(t => t.Project != attacker.Project))
            {
                var id = victim.Ids[0];
                (HttpMethod, string, string?)[] requests =
                [
                    (HttpMethod.Get, $"/v1/memories/{id}/", null),
                    (HttpMethod.Put, $"/v1/memories/{id}/", """{"text":"overwritten by another project"}"""),
                    (HttpMethod.Delete, $"/v1/memories/{id}/", null),
                    (HttpMethod.Get, $"/v1/memories/{id}/history/", null),
                    (HttpMethod.Post, "/v3/memories/", """{"filters":{"user_id":"shared-user"}}"""),
                    (HttpMethod.Post, "/v3/memories/", """{"filters":{"OR":[{"user_id":"*"},{"agent_id":"*"},{"run_id":"*"}]}}"""),
                    (HttpMethod.Post, "/v3/memories/search/", $$$"""{"query":"{{{victim.Marker}}} shared user","filters":{"user_id":"shared-user"}}"""),
                    (HttpMethod.Post, "/v3/memories/search/", $$$"""{"query":"{{{victim.Marker}}}","filters":{"OR":[{"user_id":"*"},{"agent_id":"shared-agent"}]}}"""),
                    (HttpMethod.Get, "/v1/memories/?user_id=shared-user", null),
                    (HttpMethod.Get, "/v1/memories/?agent_id=shared-agent", null),
                    (HttpMethod.Post, "/v1/memories/search/", $$"""{"query":"{{victim.Marker}}","user_id":"shared-user"}"""),
                    (HttpMethod.Post, "/v2/memories/", """{"filters":{"user_id":"shared-user"}}"""),
                    (HttpMethod.Post, "/v2/memories/search/", $$$"""{"query":"{{{victim.Marker}}}","filters":{"run_id":"shared-run"}}"""),
                    (HttpMethod.Get, "/v1/entities/", null),
                    (HttpMethod.Get, $"/v1/event/{victim.EventId}/", null),
                    (HttpMethod.Post, $"/v1/event/{victim.EventId}/retry/", null),
                    (HttpMethod.Get, "/v1/events/", null),
                    (HttpMethod.Post, "/v1/exports/get/", """{"filters":{"user_id":"shared-user"}}"""),
                    (HttpMethod.Put, "/v1/batch/", $$"""{"memories":[{"memory_id":"{{id}}","text":"batch overwrite"}]}"""),
                    (HttpMethod.Delete, "/v1/batch/", $$"""{"memories":[{"memory_id":"{{id}}"}]}"""),
                    (HttpMethod.Post, "/v1/feedback/", $$"""{"memory_id":"{{id}}","feedback":"NEGATIVE"}"""),
                    (HttpMethod.Get, $"/api/v1/orgs/organizations/{victim.Org}/projects/{victim.Project}/", null),
                    (HttpMethod.Patch, $"/api/v1/orgs/organizations/{victim.Org}/projects/{victim.Project}/", """{"custom_instructions":"leak"}"""),
                    (HttpMethod.Post, "/mcp", $$$$"""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_memory","arguments":{"memory_id":"{{{{id}}}}"}}}"""),
                    (HttpMethod.Post, "/mcp", $$$$"""{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"search_memories","arguments":{"query":"{{{{victim.Marker}}}}","user_id":"shared-user"}}}"""),
                    (HttpMethod.Post, "/mcp", """{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"get_memories","arguments":{"user_id":"shared-user"}}}"""),
                    (HttpMethod.Post, "/mcp", $$$$"""{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"delete_memory","arguments":{"memory_id":"{{{{id}}}}"}}}"""),
                ];
                foreach (var (method, path, body) in requests)
                {
                    attempts++;
                    using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : new StringContent(body, Encoding.UTF8, "application/json") };
                    request.Headers.Accept.ParseAdd("application/json");
                    request.Headers.Accept.ParseAdd("text/event-stream");
                    using var response = await attacker.Http.SendAsync(request);
                    var text = await response.Content.ReadAsStringAsync();
                    if (text.Contains(victim.Marker, StringComparison.OrdinalIgnoreCase) || text.Contains(id, StringComparison.Ordinal) && response.IsSuccessStatusCode && method == HttpMethod.Get)
                    {
                        leaks.Add($"{attacker.Project} read {victim.Project} through {method} {path}: {text[..Math.Min(200, text.Length)]}");
                    }

                    Assert.True((int)response.StatusCode < 500, $"{method} {path}: {(int)response.StatusCode} {text}");
                }

                // Deletes by the attacker's own scope must not reach the victim.
                attempts++;
                await Serve.SendAsync(attacker.Http, HttpMethod.Delete, "/v1/memories/?user_id=*");
            }
        }

        // Every project still has exactly what it wrote (no write crossed over).
        foreach (var tenant in tenants)
        {
            foreach (var id in tenant.Ids)
            {
                var own = await Serve.SendAsync(tenant.Http, HttpMethod.Get, $"/v1/memories/{id}/");
                if (own.Status != HttpStatusCode.NotFound)
                {
                    Assert.Contains(tenant.Marker, own.Text, StringComparison.Ordinal);
                    Assert.DoesNotContain("overwrite", own.Text, StringComparison.Ordinal);
                }
            }
        }

        output.WriteLine($"{attempts} cross-project attempts, {leaks.Count} leaks");
        Assert.Empty(leaks);

        // Revocation takes effect on the next request; near-miss keys are refused.
        var last = tenants[^1];
        Assert.Equal(HttpStatusCode.OK, (await Serve.SendAsync(last.Http, HttpMethod.Get, "/v1/ping/")).Status);
        await RunCliAsync("keys", "revoke", last.KeyId, "--data", data);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Serve.SendAsync(last.Http, HttpMethod.Get, "/v1/ping/")).Status);
        foreach (var nearMiss in new[] { tenants[0].Key[..^1], tenants[0].Key + "0", tenants[0].Key[..^1] + (tenants[0].Key[^1] == 'a' ? 'b' : 'a'), tenants[0].Key.ToUpperInvariant() })
        {
            using var http = serve.CreateClient(nearMiss);
            Assert.Equal(HttpStatusCode.Unauthorized, (await Serve.SendAsync(http, HttpMethod.Get, "/v1/ping/")).Status);
        }

        foreach (var tenant in tenants)
        {
            tenant.Http.Dispose();
        }
    }

    internal static async Task<(string Key, string KeyId)> CreateKeyAsync(string data, string org, string project)
    {
        var json = JsonNode.Parse(await RunCliAsync("keys", "create", "--project", project, "--org", org, "--name", "isolation", "--data", data, "-o", "json"))!;
        return (json["key"]!.GetValue<string>(), json["id"]!.GetValue<string>());
    }

    internal static async Task<string> RunCliAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Engram.Cli.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"engram {string.Join(' ', arguments)}: {await stderr}");
        return await stdout;
    }
}
