using Engram.Cli.Chaos;

namespace Engram.Reliability.Tests;

/// <summary>Shared helpers: a real server over a temp directory, JSON calls, and byte scans of the database files.</summary>
internal static class Serve
{
    public const string Key = "m0-reliability-first-key-0123456789";

    public static Task<ServeProcess> StartAsync(TempDirectory temp, IReadOnlyDictionary<string, string>? environment = null) =>
        ServeProcess.StartAsync(temp.Combine("data"), Key, environment);

    public static async Task<(HttpStatusCode Status, JsonNode? Json, string Text)> SendAsync(HttpClient http, HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = json is null ? null : new StringContent(json, Encoding.UTF8, "application/json") };
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonNode? node = null;
        try
        {
            node = text.Length > 0 ? JsonNode.Parse(text) : null;
        }
        catch (JsonException)
        {
        }

        return (response.StatusCode, node, text);
    }

    /// <summary>Adds one memory without inference and returns its id.</summary>
    public static async Task<string> AddAsync(HttpClient http, string userId, string text, string extra = "")
    {
        var (status, json, body) = await SendAsync(http, HttpMethod.Post, "/v3/memories/add/",
            $$"""{"messages":[{"role":"user","content":{{JsonSerializer.Serialize(text)}}}],"user_id":{{JsonSerializer.Serialize(userId)}},"infer":false{{extra}}}""");
        Assert.True(status == HttpStatusCode.OK, body);
        return json!["results"]![0]!["id"]!.GetValue<string>();
    }

    /// <summary>Counts the occurrences of <paramref name="text"/> (UTF-8, as written and lower-cased) in every file of the database.</summary>
    public static int CountInDatabaseFiles(string dataDirectory, string text)
    {
        var count = 0;
        foreach (var file in Directory.GetFiles(dataDirectory, "engram.db*"))
        {
            byte[] bytes;
            using (var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            using (var memory = new MemoryStream())
            {
                stream.CopyTo(memory);
                bytes = memory.ToArray();
            }

            foreach (var needle in new[] { text, text.ToLowerInvariant() }.Distinct(StringComparer.Ordinal))
            {
                var pattern = Encoding.UTF8.GetBytes(needle);
                var span = bytes.AsSpan();
                int at;
                while ((at = span.IndexOf(pattern)) >= 0)
                {
                    count++;
                    span = span[(at + pattern.Length)..];
                }
            }
        }

        return count;
    }
}
