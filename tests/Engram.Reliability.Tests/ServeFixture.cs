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

    /// <summary>Names the tables and columns whose rows hold <paramref name="text"/> (as written or lower-cased), for failure messages.</summary>
    public static string TablesHolding(string dataDirectory, string text)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(dataDirectory, "engram.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        var tables = new List<string>();
        using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
            using var reader = list.ExecuteReader();
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var found = new List<string>();
        foreach (var table in tables)
        {
            var columns = new List<string>();
            using (var info = connection.CreateCommand())
            {
                info.CommandText = $"SELECT name FROM pragma_table_info('{table}')";
                using var reader = info.ExecuteReader();
                while (reader.Read())
                {
                    columns.Add(reader.GetString(0));
                }
            }

            foreach (var column in columns)
            {
                using var count = connection.CreateCommand();
                count.CommandText = $"SELECT count(*) FROM \"{table}\" WHERE instr(lower(CAST(\"{column}\" AS TEXT)), lower(@text)) > 0";
                count.Parameters.AddWithValue("@text", text);
                if ((long)count.ExecuteScalar()! > 0)
                {
                    found.Add($"{table}.{column}");
                }
            }
        }

        return found.Count == 0 ? "no row (freed pages or the WAL)" : string.Join(", ", found);
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
