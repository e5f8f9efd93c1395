using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace Engram.Reliability.Tests;

/// <summary>
/// Guarantee 3: requests generated with FsCheck for every route of the server's OpenAPI document (and every MCP tool
/// from <c>tools/list</c>), field by field from the route's schema. Properties: never a 5xx; every 4xx a ProblemDetails
/// (a 400 naming the field), except Kestrel's own empty-bodied refusals; nothing written by a refused request; the
/// server healthy afterwards. A fixed seed runs in CI; <c>ENGRAM_FUZZ_SEED</c> and <c>ENGRAM_FUZZ_REQUESTS</c> run others
/// (docs/reliability.md).
/// </summary>
public sealed class HostileInputTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>The seed of the CI slice.</summary>
    public const ulong DefaultSeed = 19;

    /// <summary>The size of the CI slice (about a minute on the 2-core machine).</summary>
    public const int DefaultRequests = 10_000;

    private const int BodyLimit = 262_144;

    // Routes outside the OpenAPI document that the generator covers too.
    private static readonly RouteOperation[] Undescribed =
    [
        new("POST", "/mcp", [], [], null),
        new("GET", "/mcp", [], [], null),
        new("DELETE", "/mcp", [], [], null),
        new("POST", "/v1/imports/", [], [], null),
        new("GET", "/ui/", [], [], null),
        new("GET", "/openapi/v1.json", [], [], null),
        new("GET", "/v9/unknown/", [], [], null),
    ];

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static ulong Seed => ulong.TryParse(Environment.GetEnvironmentVariable("ENGRAM_FUZZ_SEED"), CultureInfo.InvariantCulture, out var seed) ? seed : DefaultSeed;

    private static int Count => int.TryParse(Environment.GetEnvironmentVariable("ENGRAM_FUZZ_REQUESTS"), CultureInfo.InvariantCulture, out var count) && count > 0 ? count : DefaultRequests;

    [Fact]
    public async Task GeneratedRequestsForEveryRoute_NeverA5xx_EveryRefusalAProblemNamingTheField_NothingWrittenByARefusal()
    {
        await using var serve = await Serve.StartAsync(_temp, new Dictionary<string, string>
        {
            ["Engram__Server__MaxRequestBodyBytes"] = BodyLimit.ToString(CultureInfo.InvariantCulture),
            ["Engram__Retention__Enabled"] = "false",
            ["Engram__Webhooks__PollMilliseconds"] = "600000",
        });
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 4 }) { BaseAddress = serve.BaseAddress, Timeout = TimeSpan.FromSeconds(120) };
        var (fixtures, revokedKey) = await SeedAsync(serve);
        var operations = await OperationsAsync(http, serve.ApiKey);
        var tools = await McpToolsAsync(http, serve.ApiKey);
        var generator = new HostileRequests(fixtures, tools);

        var requests = Gen.Sample(generator.Request(operations), Count, new Rnd(Seed), 30).ToList();

        await using var state = new StateProbe(Path.Combine(serve.DataDirectory, "engram.db"));
        var failures = new List<string>();
        var statuses = new SortedDictionary<int, int>();
        var perRoute = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        int kestrelEmpty = 0, resets = 0, refusalsChecked = 0;
        for (var index = 0; index < requests.Count; index++)
        {
            var request = requests[index];
            perRoute.AddOrUpdate(request.Route, 1, (_, n) => n + 1);
            await state.WaitUntilIdleAsync();
            var before = state.DataVersion();
            HttpResponseMessage response;
            try
            {
                response = await SendAsync(http, serve, request, revokedKey);
            }
            catch (HttpRequestException) when (request.Body.Length > BodyLimit)
            {
                // Kestrel answers 413 and closes the connection before the client has sent the whole of an oversized body.
                resets++;
                Assert.Equal(before, state.DataVersion());
                continue;
            }

            using var _ = response;
            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            var body = await response.Content.ReadAsStringAsync();
            var refused = status >= 400 || (request.Route.EndsWith(" /mcp", StringComparison.Ordinal) && IsMcpError(body));
            string? field = null;
            if (status >= 500)
            {
                failures.Add($"#{index} {status} {request}: {Truncate(body)}");
            }
            else if (status >= 400 && body.Length == 0)
            {
                if (IsRefusedByKestrel(request))
                {
                    kestrelEmpty++;
                }
                else
                {
                    failures.Add($"#{index} empty-bodied {status} from the application: {request}");
                }
            }
            else if (status >= 400 && !IsProblem(response, body, out field))
            {
                if (!(request.Route.EndsWith(" /mcp", StringComparison.Ordinal) && IsMcpError(body)))
                {
                    failures.Add($"#{index} not a ProblemDetails: {status} {request}: {response.Content.Headers.ContentType} {Truncate(body)}");
                }
            }
            else if (status == 400 && string.IsNullOrWhiteSpace(field))
            {
                failures.Add($"#{index} a 400 that names no field: {request}: {Truncate(body)}");
            }

            if (refused)
            {
                refusalsChecked++;
                if (state.DataVersion() != before)
                {
                    failures.Add($"#{index} a refused request ({status}) wrote to the database: {request}: {Truncate(body)}");
                }
            }
        }

        var summary = $"seed {Seed}, {requests.Count} requests over {perRoute.Count} routes; statuses: {string.Join(", ", statuses.Select(s => $"{s.Key}×{s.Value}"))}; " +
            $"Kestrel's empty-bodied 4xx: {kestrelEmpty}; connections reset on oversized bodies: {resets}; refusals checked for writes: {refusalsChecked}";
        output.WriteLine(summary);
        output.WriteLine("per route: " + string.Join(", ", perRoute.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key}×{r.Value}")));
        if (failures.Count > 0)
        {
            // The server's own account of its failures (exception types and stacks, never request text above Trace).
            output.WriteLine(string.Join('\n', serve.Output.Split('\n').Where(l => l.Contains("fail:", StringComparison.Ordinal) || l.Contains("Exception", StringComparison.Ordinal) || l.TrimStart().StartsWith("at Engram", StringComparison.Ordinal)).Take(80)));
        }

        Assert.True(failures.Count == 0, $"{failures.Count} failures (replay: ENGRAM_FUZZ_SEED={Seed} ENGRAM_FUZZ_REQUESTS={requests.Count}):\n{string.Join('\n', failures.Take(25))}");
        Assert.Equal(operations.Count, perRoute.Count);

        // Healthy afterwards: an add, a get and a search answer correctly, and nothing failed unhandled.
        using var client = serve.CreateClient();
        var after = await Serve.AddAsync(client, "fuzz-after", "After the storm the server remembers coffee");
        var get = await Serve.SendAsync(client, HttpMethod.Get, $"/v1/memories/{after}/");
        var search = await Serve.SendAsync(client, HttpMethod.Post, "/v3/memories/search/", """{"query":"coffee","filters":{"user_id":"fuzz-after"}}""");
        Assert.Equal("After the storm the server remembers coffee", get.Json!["memory"]!.GetValue<string>());
        Assert.Equal(after, search.Json!["results"]![0]!["id"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        Assert.DoesNotContain("Unhandled failure", serve.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KestrelsOwnRefusals_AreEmptyBodied4xx_AndTheServerKeepsServing()
    {
        await using var serve = await Serve.StartAsync(_temp);
        var key = serve.ApiKey;

        // Each is refused by Kestrel before the application sees the request: the status and an empty body.
        var nul = await RawAsync(serve.BaseAddress, $"GET /v1/memories/%00/ HTTP/1.1\r\nHost: x\r\nAuthorization: Token {key}\r\n\r\n");
        var control = await RawAsync(serve.BaseAddress, $"GET /v1/memories/a%0Ab/ HTTP/1.1\r\nHost: x\r\nAuthorization: Token {key}\r\n\r\n");
        var badLength = await RawAsync(serve.BaseAddress, $"POST /v3/memories/add/ HTTP/1.1\r\nHost: x\r\nAuthorization: Token {key}\r\nContent-Type: application/json\r\nContent-Length: abc\r\n\r\n{{}}");
        var twoLengths = await RawAsync(serve.BaseAddress, $"POST /v3/memories/add/ HTTP/1.1\r\nHost: x\r\nAuthorization: Token {key}\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{{}}");
        var headers = await RawAsync(serve.BaseAddress, $"GET /v1/ping/ HTTP/1.1\r\nHost: x\r\nAuthorization: Token {key}\r\nX-Big: {new string('h', 40_000)}\r\n\r\n");
        var line = await RawAsync(serve.BaseAddress, $"GET /v1/memories/?q={new string('a', 1_100_000)} HTTP/1.1\r\nHost: x\r\n\r\n");

        Assert.Equal((400, 0), nul);
        Assert.Equal((400, 0), control);
        Assert.Equal((400, 0), badLength);
        Assert.Equal((400, 0), twoLengths);
        Assert.Equal((431, 0), headers);
        Assert.Equal((414, 0), line);
        using var client = serve.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/ping/")).StatusCode);
    }

    /// <summary>Sends raw bytes and reads the status code and Content-Length of the answer.</summary>
    private static async Task<(int Status, int ContentLength)> RawAsync(Uri server, string request)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port);
        var stream = tcp.GetStream();
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        }
        catch (IOException)
        {
            // Kestrel may answer and close before it has read everything.
        }

        var buffer = new byte[16_384];
        var received = new StringBuilder();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!received.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            if (read == 0)
            {
                break;
            }

            received.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        var head = received.ToString();
        var status = int.Parse(head.Split(' ')[1], CultureInfo.InvariantCulture);
        var lengthLine = head.Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        return (status, lengthLine is null ? 0 : int.Parse(lengthLine["Content-Length:".Length..].Trim(), CultureInfo.InvariantCulture));
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, Engram.Cli.Chaos.ServeProcess serve, HostileRequest request, string revokedKey)
    {
        using var message = request.ToMessage(serve.ApiKey, revokedKey);
        try
        {
            return await http.SendAsync(message);
        }
        catch (HttpRequestException)
        {
            // A pooled connection that Kestrel closed after an earlier refusal: HttpClient does not resend a POST on its
            // own, so send it once more on a new connection.
            using var again = request.ToMessage(serve.ApiKey, revokedKey);
            using var fresh = new HttpClient { BaseAddress = serve.BaseAddress };
            var response = await fresh.SendAsync(again, HttpCompletionOption.ResponseContentRead);
            return response;
        }
    }

    // Memories (with metadata and an update), an asynchronous add, an export, a webhook, feedback, and a revoked key.
    private static async Task<(FuzzFixtures Fixtures, string RevokedKey)> SeedAsync(Engram.Cli.Chaos.ServeProcess serve)
    {
        using var http = serve.CreateClient();
        var ids = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            ids.Add(await Serve.AddAsync(http, "fuzz-user", $"The fuzz target likes tea number {i}", ""","metadata":{"topic":"travel","level":3,"tags":["a","b"]}"""));
        }

        var queued = await Serve.SendAsync(http, HttpMethod.Post, "/v3/memories/add/", """{"messages":"I collect stamps from Lisbon.","user_id":"fuzz-user"}""");
        var export = await Serve.SendAsync(http, HttpMethod.Post, "/v1/exports/", """{"schema":{"type":"object"},"filters":{"user_id":"fuzz-user"}}""");
        var webhook = await Serve.SendAsync(http, HttpMethod.Post, "/api/v1/webhooks/projects/default/", """{"name":"fuzz","url":"https://example.com/hook"}""");
        Assert.True(webhook.Status == HttpStatusCode.Created, webhook.Text);

        // A second key of the same project, revoked with `engram keys revoke`, to be sent by some requests.
        var (revokedKey, revokedId) = await IsolationTests.CreateKeyAsync(serve.DataDirectory, "default", "default");
        await IsolationTests.RunCliAsync("keys", "revoke", revokedId, "--data", serve.DataDirectory);
        return (new FuzzFixtures(
            ids,
            [queued.Json!["event_id"]!.GetValue<string>()],
            [export.Json!["id"]!.GetValue<string>()],
            [webhook.Json!["webhook_id"]!.ToString()],
            ["fuzz-user", "fuzz-other"]), revokedKey);
    }

    // Every operation of the OpenAPI document, with the kinds of its parameters and body fields, and the routes it omits.
    private static async Task<IReadOnlyList<RouteOperation>> OperationsAsync(HttpClient http, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/openapi/v1.json");
        request.Headers.TryAddWithoutValidation("Authorization", "Token " + key);
        var document = JsonNode.Parse(await (await http.SendAsync(request)).Content.ReadAsStringAsync())!;
        var schemas = document["components"]?["schemas"]?.AsObject();
        var operations = new List<RouteOperation>();
        var unclassified = new List<string>();
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                var parameters = operation!["parameters"]?.AsArray() ?? [];
                var pathParameters = parameters.Where(p => p!["in"]!.GetValue<string>() == "path").Select(p => p!["name"]!.GetValue<string>()).ToList();
                var query = parameters.Where(p => p!["in"]!.GetValue<string>() == "query")
                    .Select(p => (Name: p!["name"]!.GetValue<string>(), Kind: KindOf(p["name"]!.GetValue<string>(), p["schema"]))).ToList();
                List<(string Name, FieldKind Kind)>? body = null;
                if (operation["requestBody"]?["content"]?.AsObject().FirstOrDefault().Value?["schema"] is { } schema)
                {
                    var resolved = schema["$ref"] is { } reference ? schemas?[reference.GetValue<string>().Split('/')[^1]] : schema;
                    body = [];
                    foreach (var (name, property) in resolved?["properties"]?.AsObject() ?? [])
                    {
                        if (!HostileRequests.FieldKinds.TryGetValue(name, out var kind))
                        {
                            unclassified.Add($"{method.ToUpperInvariant()} {path}: {name}");
                            kind = FieldKind.Any;
                        }

                        body.Add((name, kind));
                    }
                }

                operations.Add(new RouteOperation(method.ToUpperInvariant(), path, pathParameters, query, body));
            }
        }

        // A new route's body field needs a kind in HostileRequests.FieldKinds, so that it is generated well-formed too.
        Assert.True(unclassified.Count == 0, "Body fields without a kind: " + string.Join(", ", unclassified));
        Assert.True(operations.Count >= 35, $"only {operations.Count} operations in the OpenAPI document");
        return [.. operations, .. Undescribed.Where(u => !operations.Any(o => o.Key == u.Key))];
    }

    private static FieldKind KindOf(string name, JsonNode? schema)
    {
        if (HostileRequests.FieldKinds.TryGetValue(name, out var kind))
        {
            return kind;
        }

        var type = schema?["type"]?.ToJsonString() ?? string.Empty;
        return type.Contains("integer", StringComparison.Ordinal) ? FieldKind.Int
            : type.Contains("boolean", StringComparison.Ordinal) ? FieldKind.Bool
            : type.Contains("array", StringComparison.Ordinal) ? FieldKind.StringList
            : FieldKind.Text;
    }

    // The MCP tools and their arguments, from the server's own tools/list.
    private static async Task<IReadOnlyList<(string Name, IReadOnlyList<(string Name, FieldKind Kind)> Arguments)>> McpToolsAsync(HttpClient http, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/mcp")
        {
            Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", "Token " + key);
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        var text = await (await http.SendAsync(request)).Content.ReadAsStringAsync();
        var data = text.Split('\n').First(l => l.StartsWith("data:", StringComparison.Ordinal))["data:".Length..];
        var tools = JsonNode.Parse(data)!["result"]!["tools"]!.AsArray();
        var result = new List<(string, IReadOnlyList<(string, FieldKind)>)>();
        foreach (var tool in tools)
        {
            var arguments = new List<(string, FieldKind)>();
            foreach (var (name, property) in tool!["inputSchema"]?["properties"]?.AsObject() ?? [])
            {
                var type = property?["type"]?.ToJsonString() ?? string.Empty;
                arguments.Add((name, HostileRequests.FieldKinds.TryGetValue(name, out var kind) ? kind
                    : type.Contains("object", StringComparison.Ordinal) ? FieldKind.Metadata
                    : type.Contains("array", StringComparison.Ordinal) ? FieldKind.Messages
                    : KindOf(name, property)));
            }

            result.Add((tool["name"]!.GetValue<string>(), arguments));
        }

        Assert.True(result.Count >= 9, text);
        return result;
    }

    private static bool IsProblem(HttpResponseMessage response, string body, out string? field)
    {
        field = null;
        if (response.Content.Headers.ContentType?.MediaType != "application/json")
        {
            return false;
        }

        try
        {
            if (JsonNode.Parse(body) is not JsonObject problem || problem["type"] is null || problem["title"] is null || problem["status"] is null
                || string.IsNullOrWhiteSpace(problem["detail"]?.GetValue<string>()))
            {
                return false;
            }

            field = problem["field"]?.GetValue<string>();
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    // MCP answers in JSON-RPC: a protocol error object, or a tool result flagged isError (also over an SSE stream).
    private static bool IsMcpError(string body)
    {
        var json = body.StartsWith("event:", StringComparison.Ordinal) || body.StartsWith("data:", StringComparison.Ordinal)
            ? string.Concat(body.Split('\n').Where(l => l.StartsWith("data:", StringComparison.Ordinal)).Select(l => l["data:".Length..]))
            : body;
        try
        {
            var node = JsonNode.Parse(json);
            return node?["error"]?["code"] is not null || node?["result"]?["isError"]?.GetValue<bool>() == true;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    // Kestrel refuses a target with encoded control characters (400) before the application sees it, with an empty body.
    private static bool IsRefusedByKestrel(HostileRequest request) =>
        System.Text.RegularExpressions.Regex.IsMatch(request.Path, "%[01][0-9A-F]|%7F", System.Text.RegularExpressions.RegexOptions.IgnoreCase);

    private static string Truncate(string text) => text.Length > 300 ? text[..300] : text;

    /// <summary>Reads the database's change counter on a connection of its own, and waits until no event is queued or running.</summary>
    private sealed class StateProbe(string databasePath) : IAsyncDisposable
    {
        private readonly SqliteConnection _connection = Open(databasePath);

        public long DataVersion()
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "PRAGMA data_version;";
            return (long)command.ExecuteScalar()!;
        }

        public async Task WaitUntilIdleAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (true)
            {
                using var command = _connection.CreateCommand();
                command.CommandText = "SELECT count(*) FROM events WHERE status IN ('PENDING', 'RUNNING');";
                if ((long)(await command.ExecuteScalarAsync(timeout.Token))! == 0)
                {
                    return;
                }

                await Task.Delay(5, timeout.Token);
            }
        }

        public ValueTask DisposeAsync() => _connection.DisposeAsync();

        private static SqliteConnection Open(string path)
        {
            var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
            connection.Open();
            return connection;
        }
    }
}
