using Microsoft.Data.Sqlite;

namespace Engram.Reliability.Tests;

/// <summary>Guarantee 5: delete, delete_all and entity deletion leave no byte of the erased text in any database file.</summary>
public sealed class ErasureTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task DeleteDeleteAllAndEntityDeletion_LeaveNoCopyOfTheTextInAnyDatabaseFile()
    {
        // Graph memory on (relations and entity rows), and a webhook whose deliveries are never taken (the outbox keeps them).
        await using var serve = await Serve.StartAsync(_temp, new Dictionary<string, string>
        {
            ["Engram__EnableGraph"] = "true",
            ["Engram__Webhooks__AllowPrivateNetworks"] = "true",
            ["Engram__Webhooks__PollMilliseconds"] = "600000",
        });
        using var http = serve.CreateClient();
        var data = _temp.Combine("data");
        var hook = await Serve.SendAsync(http, HttpMethod.Post, "/api/v1/webhooks/projects/default/", """{"name":"erasure","url":"http://127.0.0.1:9/hook"}""");
        Assert.True(hook.Status == HttpStatusCode.Created, hook.Text);

        // One text per way to erase; each goes through an async add (event payload, raw message), an update (history),
        // a webhook delivery, graph relations and entities ("I live in …"), feedback with a reason, and an export whose
        // schema leaves the memory ids out. The two users erased as a whole have distinctive ids: those go too.
        string[] secrets = ["Quetzalbyone", "Marzipantwo", "Obsidianthree"];
        string[] users = ["erase-by-id", "Scopeuserxylophone", "Entityuserquarantine"];
        const string Kept = "Keptcontrolword";
        for (var i = 0; i < secrets.Length; i++)
        {
            await AddAsyncAndWaitAsync(http, users[i], $"Remember token {secrets[i]} for me");
            var id = await Serve.AddAsync(http, users[i], $"My locker holds {secrets[i]}x");
            var (status, _, body) = await Serve.SendAsync(http, HttpMethod.Put, $"/v1/memories/{id}/", $$"""{"text":"The locker holds {{secrets[i]}}y now"}""");
            Assert.True(status == HttpStatusCode.OK, body);
            var home = await Serve.AddAsync(http, users[i], $"I live in {secrets[i]}ville");
            var feedback = await Serve.SendAsync(http, HttpMethod.Post, "/v1/feedback/", $$"""{"memory_id":"{{home}}","feedback":"NEGATIVE","feedback_reason":"{{secrets[i]}} is outdated"}""");
            Assert.True(feedback.Status == HttpStatusCode.OK, feedback.Text);
            var export = await Serve.SendAsync(http, HttpMethod.Post, "/v1/exports/",
                """{"schema":{"type":"object","properties":{"memories":{"type":"array","items":{"type":"object","properties":{"memory":{"type":"string"}}}}}},"filters":{"user_id":""" + JsonSerializer.Serialize(users[i]) + "}}");
            Assert.True(export.Status == HttpStatusCode.Created, export.Text);
        }

        var relations = await Serve.SendAsync(http, HttpMethod.Get, $"/v1/relations/?entity={secrets[0].ToLowerInvariant()}ville");
        Assert.NotEmpty(relations.Json!.AsArray());

        await Serve.AddAsync(http, "keeper", $"Remember the {Kept} please");
        var erasedIds = await ListIdsAsync(http, users[0]);

        // A memory that stays beside the ones erased by id: it was indexed with the words of the turns before it.
        const string Neighbour = "Bicyclekeptword";
        var neighbourId = await Serve.AddAsync(http, users[0], $"Also remember my {Neighbour} lock");
        foreach (var secret in secrets)
        {
            Assert.True(Serve.CountInDatabaseFiles(data, secret) > 0, $"{secret} should be stored before erasure");
        }

        // delete by id, delete_all of a scope, entity deletion.
        var receipts = new List<JsonNode>();
        foreach (var id in erasedIds)
        {
            var (status, json, body) = await Serve.SendAsync(http, HttpMethod.Delete, $"/v1/memories/{id}/");
            Assert.True(status == HttpStatusCode.OK, body);
            Assert.Equal("Memory deleted successfully!", json!["message"]!.GetValue<string>());
            receipts.Add(json["erasure"]!);
        }

        var scope = await Serve.SendAsync(http, HttpMethod.Delete, $"/v1/memories/?user_id={users[1]}");
        var entity = await Serve.SendAsync(http, HttpMethod.Delete, $"/v2/entities/user/{users[2]}/");
        Assert.Equal(HttpStatusCode.OK, scope.Status);
        Assert.Equal(HttpStatusCode.OK, entity.Status);
        receipts.Add(scope.Json!["erasure"]!);
        receipts.Add(entity.Json!["erasure"]!);

        foreach (var secret in secrets.Concat(users.Skip(1)))
        {
            Assert.True(Serve.CountInDatabaseFiles(data, secret) == 0, $"{secret} is still stored: {Serve.TablesHolding(data, secret)}");
        }

        Assert.True(Serve.CountInDatabaseFiles(data, Kept) > 0, "the kept memory must still be on disk (the scan sees stored text)");
        Assert.True(Serve.CountInDatabaseFiles(data, Neighbour) > 0, "the neighbour of the memories erased by id stays");
        Assert.Equal([neighbourId], await ListIdsAsync(http, users[0]));
        Assert.Equal(3, receipts.Take(erasedIds.Count).Sum(r => r["memories"]!.GetValue<int>()));
        Assert.Equal(3, scope.Json!["erasure"]!["memories"]!.GetValue<int>());
        Assert.Equal(3, entity.Json!["erasure"]!["memories"]!.GetValue<int>());
        Assert.All(receipts, r => Assert.True(r["compacted"]!.GetValue<bool>()));
        Assert.True(receipts.Sum(r => r["history_entries_redacted"]!.GetValue<int>()) >= 6);
        Assert.True(receipts.Sum(r => r["messages_deleted"]!.GetValue<int>()) >= 6);
        Assert.True(receipts.Sum(r => r["events_redacted"]!.GetValue<int>()) >= 3);
        Assert.True(receipts.Sum(r => r["webhook_deliveries_redacted"]!.GetValue<int>()) >= 9);
        Assert.Equal(3, receipts.Sum(r => r["feedback_deleted"]!.GetValue<int>()));
        Assert.True(receipts.Sum(r => r["relations_removed"]!.GetValue<int>()) >= 3);
        Assert.True(receipts.Sum(r => r["exports_deleted"]!.GetValue<int>()) >= 3);
        Assert.True(receipts.Sum(r => r["entities_removed"]!.GetValue<int>()) >= 3);
        Assert.NotNull(receipts[0]["erased_at"]);

        // History rows stay (the events happened) but carry no text.
        var history = await Serve.SendAsync(http, HttpMethod.Get, $"/v1/memories/{erasedIds[0]}/history/");
        var rows = history.Json!.AsArray();
        Assert.Contains(rows, r => r!["event"]!.GetValue<string>() == "DELETE");
        Assert.All(rows, r => Assert.True(r!["old_memory"] is null && r["new_memory"] is null));

        await serve.StopAsync();
        foreach (var secret in secrets.Concat(users.Skip(1)))
        {
            Assert.Equal(0, Serve.CountInDatabaseFiles(data, secret));
        }

        Assert.Equal("ok", await IntegrityAsync(data));
    }

    [Fact]
    public async Task ExpiredMemories_AreErasedByTheRetentionSweeper()
    {
        await using var serve = await Serve.StartAsync(_temp, new Dictionary<string, string> { ["Engram__Retention__SweepInterval"] = "00:00:01", ["ENGRAM_LOG_LEVEL"] = "Information" });
        using var http = serve.CreateClient();
        var data = _temp.Combine("data");
        await Serve.AddAsync(http, "retention", "The expired word is Pumpernickelfour", ""","expiration_date":"2020-01-01" """);
        await Serve.AddAsync(http, "retention", "The living word is Sassafrasfive", ""","expiration_date":"2999-01-01" """);

        // The row and its copies (history text, source message) go; the sweeper erases, it does not only hide.
        const string Copies = "SELECT (SELECT count(*) FROM memories WHERE memory LIKE '%Pumpernickelfour%') + (SELECT count(*) FROM history WHERE new_memory LIKE '%Pumpernickelfour%') + (SELECT count(*) FROM messages WHERE content LIKE '%Pumpernickelfour%');";
        for (var i = 0; i < 600 && await ScalarAsync(data, Copies) > 0; i++)
        {
            await Task.Delay(200);
        }

        Assert.True(await ScalarAsync(data, Copies) == 0, serve.Output);
        Assert.Equal(1, await ScalarAsync(data, "SELECT count(*) FROM memories WHERE memory LIKE '%Sassafrasfive%';"));

        // The sweeper logs after its commit, and the process's output reaches the test a moment later.
        const string Logged = "Retention: erased 1 expired memories";
        for (var i = 0; i < 100 && !serve.Output.Contains(Logged, StringComparison.Ordinal); i++)
        {
            await Task.Delay(100);
        }

        Assert.Contains(Logged, serve.Output, StringComparison.Ordinal);
    }

    private static async Task AddAsyncAndWaitAsync(HttpClient http, string userId, string text)
    {
        var (status, json, body) = await Serve.SendAsync(http, HttpMethod.Post, "/v3/memories/add/",
            $$"""{"messages":[{"role":"user","content":{{JsonSerializer.Serialize(text)}}}],"user_id":"{{userId}}"}""");
        Assert.True(status == HttpStatusCode.OK, body);
        var eventId = json!["event_id"]!.GetValue<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while ((await Serve.SendAsync(http, HttpMethod.Get, $"/v1/event/{eventId}/")).Json!["status"]!.GetValue<string>() != "SUCCEEDED")
        {
            await Task.Delay(50, timeout.Token);
        }
    }

    private static async Task<List<string>> ListIdsAsync(HttpClient http, string userId)
    {
        var (_, json, _) = await Serve.SendAsync(http, HttpMethod.Post, "/v3/memories/", $$$"""{"filters":{"user_id":"{{{userId}}}"}}""");
        return json!["results"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()).ToList();
    }

    private static async Task<long> ScalarAsync(string data, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(data, "engram.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<string?> IntegrityAsync(string data)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(data, "engram.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check;";
        return (string?)await command.ExecuteScalarAsync();
    }
}
