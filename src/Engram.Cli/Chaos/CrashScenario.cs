using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace Engram.Cli.Chaos;

/// <summary>
/// Streams asynchronous adds (<c>POST /v3/memories/add/</c>) at a real <c>engram serve</c> and SIGKILLs it at random
/// acknowledgement counts, restarting it on the same data directory each time; then drains the event queue and checks
/// the SQLite file: every acknowledged add present exactly once, no event unfinished, <c>integrity_check</c> ok.
/// </summary>
/// <remarks>
/// Each add carries one sentence with a unique marker and its own <c>user_id</c> (<c>chaos-{marker}</c>), so the offline
/// extractor makes exactly one memory from it and no add can merge with another. A request cut off by a kill is not
/// acknowledged and is sent again under a new marker; it may or may not have been stored, but never twice.
/// </remarks>
internal static class CrashScenario
{
    public static async Task<CrashReport> RunAsync(
        string dataDirectory, int adds, int kills, int concurrency, int seed, Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(adds, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(kills);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(kills, adds);
        var random = new Random(seed);
        var killPoints = new SortedSet<int>();
        while (killPoints.Count < kills)
        {
            killPoints.Add(random.Next(1, adds));
        }

        var key = "m0-chaos-" + Convert.ToHexString(BitConverter.GetBytes(random.NextInt64())).ToLowerInvariant();
        var acknowledged = new HashSet<string>(StringComparer.Ordinal);
        var sent = new HashSet<string>(StringComparer.Ordinal);
        var unacknowledged = 0;
        var killCount = 0;
        var attempt = 0;
        await using var serve = await ServeProcess.StartAsync(dataDirectory, key);
        var pending = new Queue<int>(Enumerable.Range(0, adds));
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var killAt = killPoints.Count > 0 ? killPoints.Min : int.MaxValue;
            using var client = serve.CreateClient();
            var killNow = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var failed = new List<int>();
            var gate = new object();
            attempt++;
            var workers = Enumerable.Range(0, concurrency).Select(async _ =>
            {
                while (true)
                {
                    int index;
                    lock (gate)
                    {
                        if (killNow.Task.IsCompleted || !pending.TryDequeue(out index))
                        {
                            return;
                        }
                    }

                    var marker = string.Create(CultureInfo.InvariantCulture, $"zq{index:D5}r{attempt}");
                    lock (gate)
                    {
                        sent.Add(marker);
                    }

                    var ok = await SendAsync(client, marker, cancellationToken);
                    lock (gate)
                    {
                        if (ok)
                        {
                            acknowledged.Add(marker);
                            if (acknowledged.Count >= killAt)
                            {
                                killNow.TrySetResult();
                            }
                        }
                        else
                        {
                            failed.Add(index);
                        }
                    }
                }
            }).ToList();

            // The kill lands while the other workers still have requests in flight and the event worker is busy.
            var all = Task.WhenAll(workers);
            if (await Task.WhenAny(killNow.Task, all) == killNow.Task)
            {
                await serve.KillAsync();
                await all;
                killPoints.Remove(killAt);
                killCount++;
                progress?.Invoke($"kill {killCount}/{kills} after {acknowledged.Count} acknowledged adds; restarting");
                await serve.StartAsync();
            }

            unacknowledged += failed.Count;
            foreach (var index in failed)
            {
                pending.Enqueue(index);
            }
        }

        progress?.Invoke($"{acknowledged.Count} adds acknowledged; draining the event queue");
        await DrainAsync(dataDirectory, cancellationToken);
        await serve.StopAsync();
        return await VerifyAsync(dataDirectory, acknowledged, sent, unacknowledged, killCount, cancellationToken);
    }

    private static async Task<bool> SendAsync(HttpClient client, string marker, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = $"Remember token {marker}" }),
            ["user_id"] = "chaos-" + marker,
        };
        try
        {
            using var response = await client.PostAsJsonAsync("/v3/memories/add/", body, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return false;
            }

            var json = await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken);
            return json?["event_id"] is not null;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException or System.Text.Json.JsonException)
        {
            return false;
        }
    }

    /// <summary>Waits (polling the file read-only) until no event is PENDING or RUNNING.</summary>
    private static async Task DrainAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        while (true)
        {
            var open = await ScalarAsync(dataDirectory, "SELECT count(*) FROM events WHERE status IN ('PENDING', 'RUNNING');", cancellationToken);
            if (Convert.ToInt64(open, CultureInfo.InvariantCulture) == 0)
            {
                return;
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    private static async Task<CrashReport> VerifyAsync(
        string dataDirectory, HashSet<string> acknowledged, HashSet<string> sent, int unacknowledged, int kills, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        await using (var connection = Open(dataDirectory))
        {
            await connection.OpenAsync(cancellationToken);
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT user_id, count(*) FROM memories WHERE user_id LIKE 'chaos-%' GROUP BY user_id;";
            using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                counts[reader.GetString(0)["chaos-".Length..]] = reader.GetInt32(1);
            }
        }

        var unfinished = Convert.ToInt32(
            await ScalarAsync(dataDirectory, "SELECT count(*) FROM events WHERE status <> 'SUCCEEDED';", cancellationToken), CultureInfo.InvariantCulture);
        var integrity = Convert.ToString(await ScalarAsync(dataDirectory, "PRAGMA integrity_check;", cancellationToken), CultureInfo.InvariantCulture) ?? "";
        return new CrashReport
        {
            Acknowledged = acknowledged.Count,
            PresentExactlyOnce = acknowledged.Count(m => counts.GetValueOrDefault(m) == 1),
            Missing = acknowledged.Count(m => counts.GetValueOrDefault(m) == 0),
            Duplicated = counts.Count(c => c.Value > 1) + counts.Keys.Count(m => !sent.Contains(m)),
            Unacknowledged = unacknowledged,
            Kills = kills,
            EventsUnfinished = unfinished,
            IntegrityCheck = integrity,
        };
    }

    private static async Task<object?> ScalarAsync(string dataDirectory, string sql, CancellationToken cancellationToken)
    {
        await using var connection = Open(dataDirectory);
        await connection.OpenAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    private static SqliteConnection Open(string dataDirectory) => new(new SqliteConnectionStringBuilder
    {
        DataSource = Path.Combine(dataDirectory, "engram.db"),
        Mode = SqliteOpenMode.ReadOnly,
        Pooling = false,
    }.ToString());
}
