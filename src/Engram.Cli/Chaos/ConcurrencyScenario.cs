using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Engram.Cli.Chaos;

/// <summary>
/// Many clients at once against one real <c>engram serve</c>, each running a random mix of add, search, update, delete
/// and list over REST on its own user while keeping a model of what its acknowledged operations imply; at the end every
/// user's memories must equal the model, with no 5xx and no "database is locked" anywhere.
/// </summary>
internal static class ConcurrencyScenario
{
    public static async Task<ConcurrencyReport> RunAsync(
        string dataDirectory, int clients, int operationsPerClient, int seed, Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(clients, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(operationsPerClient, 1);
        var key = "m0-chaos-" + seed.ToString(CultureInfo.InvariantCulture) + "-concurrency-key";
        await using var serve = await ServeProcess.StartAsync(dataDirectory, key);
        using var http = serve.CreateClient();
        var counters = new Counters();
        var models = new Dictionary<string, string>[clients];
        var done = 0;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
        {
            models[c] = await RunClientAsync(http, $"cc-{seed}-{c}", operationsPerClient, new Random(seed + c), counters, cancellationToken);
            if (Interlocked.Increment(ref done) % Math.Max(1, clients / 8) == 0)
            {
                progress?.Invoke($"{done}/{clients} clients finished");
            }
        }));

        var mismatches = 0;
        for (var c = 0; c < clients; c++)
        {
            var actual = await ListAsync(http, $"cc-{seed}-{c}", counters, cancellationToken);
            if (actual is null || actual.Count != models[c].Count || actual.Any(a => !models[c].TryGetValue(a.Key, out var text) || text != a.Value))
            {
                mismatches++;
            }
        }

        await serve.StopAsync();
        var lockedInLog = serve.Output.Split('\n').Count(l => l.Contains("database is locked", StringComparison.OrdinalIgnoreCase));
        return new ConcurrencyReport
        {
            Clients = clients,
            Operations = clients * operationsPerClient,
            ServerErrors = counters.ServerErrors,
            DatabaseLocked = counters.Locked + lockedInLog,
            UnexpectedAnswers = counters.Unexpected,
            StateMismatches = mismatches,
        };
    }

    private static async Task<Dictionary<string, string>> RunClientAsync(
        HttpClient http, string user, int operations, Random random, Counters counters, CancellationToken cancellationToken)
    {
        var model = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < operations; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var roll = random.Next(100);
            var text = string.Create(CultureInfo.InvariantCulture, $"{user} note {i} about topic {random.Next(1000)}");
            if (model.Count == 0 || roll < 35)
            {
                var body = new JsonObject
                {
                    ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = text }),
                    ["user_id"] = user,
                    ["infer"] = false,
                };
                var json = await SendAsync(http, HttpMethod.Post, "/v3/memories/add/", body, counters, cancellationToken);
                if (json?["results"] is JsonArray { Count: 1 } results && results[0]?["id"]?.GetValue<string>() is { } id)
                {
                    // Mem0's add result carries the text as "memory" or under "data".
                    model[id] = (results[0]!["memory"] ?? results[0]!["data"]?["memory"])?.GetValue<string>() ?? text;
                }
                else
                {
                    counters.Unexpect();
                }
            }
            else if (roll < 50)
            {
                var body = new JsonObject { ["query"] = "topic note", ["filters"] = new JsonObject { ["user_id"] = user } };
                if (await SendAsync(http, HttpMethod.Post, "/v3/memories/search/", body, counters, cancellationToken) is null)
                {
                    counters.Unexpect();
                }
            }
            else if (roll < 70)
            {
                var id = model.Keys.ElementAt(random.Next(model.Count));
                if (await SendAsync(http, HttpMethod.Put, $"/v1/memories/{id}/", new JsonObject { ["text"] = text + " updated" }, counters, cancellationToken) is { } updated)
                {
                    model[id] = updated["memory"]!.GetValue<string>();
                }
                else
                {
                    counters.Unexpect();
                }
            }
            else if (roll < 85)
            {
                var id = model.Keys.ElementAt(random.Next(model.Count));
                if (await SendAsync(http, HttpMethod.Delete, $"/v1/memories/{id}/", null, counters, cancellationToken) is not null)
                {
                    model.Remove(id);
                }
                else
                {
                    counters.Unexpect();
                }
            }
            else if (await ListAsync(http, user, counters, cancellationToken) is null)
            {
                counters.Unexpect();
            }
        }

        return model;
    }

    private static async Task<Dictionary<string, string>?> ListAsync(HttpClient http, string user, Counters counters, CancellationToken cancellationToken)
    {
        const int PageSize = 200;
        var all = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var page = 1; ; page++)
        {
            var body = new JsonObject { ["filters"] = new JsonObject { ["user_id"] = user } };
            var json = await SendAsync(http, HttpMethod.Post, string.Create(CultureInfo.InvariantCulture, $"/v3/memories/?page={page}&page_size={PageSize}"), body, counters, cancellationToken);
            if (json?["results"] is not JsonArray results)
            {
                return null;
            }

            foreach (var result in results)
            {
                all[result!["id"]!.GetValue<string>()] = result["memory"]!.GetValue<string>();
            }

            if (results.Count < PageSize)
            {
                return all;
            }
        }
    }

    private static async Task<JsonObject?> SendAsync(
        HttpClient http, HttpMethod method, string path, JsonObject? body, Counters counters, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            counters.See((int)response.StatusCode, text);
            return response.IsSuccessStatusCode ? JsonNode.Parse(text) as JsonObject : null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private sealed class Counters
    {
        private int _serverErrors;
        private int _locked;
        private int _unexpected;

        public int ServerErrors => _serverErrors;

        public int Locked => _locked;

        public int Unexpected => _unexpected;

        public void See(int status, string body)
        {
            if (status >= 500)
            {
                Interlocked.Increment(ref _serverErrors);
            }

            if (body.Contains("database is locked", StringComparison.OrdinalIgnoreCase))
            {
                Interlocked.Increment(ref _locked);
            }
        }

        public void Unexpect() => Interlocked.Increment(ref _unexpected);
    }
}
