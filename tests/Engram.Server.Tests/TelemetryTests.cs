using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Engram.Server.Tests;

/// <summary>
/// Traces and metrics under the "Engram" ActivitySource and Meter (one span and one duration per route and per engine
/// operation), OTLP export switched on by configuration, and logs free of memory text unless sensitive logging is on.
/// </summary>
public sealed class TelemetryTests(EngramServerFactory factory) : IClassFixture<EngramServerFactory>
{
    private readonly HttpClient _client = factory.CreateAuthorizedClient();

    [Fact]
    public async Task EveryRouteAndEngineOperation_IsASpanUnderEngram()
    {
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            // ASP.NET Core's own source is listened to as well, so that the incoming traceparent sets the trace id.
            ShouldListenTo = source => source.Name is "Engram" or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);
        var traceId = ActivityTraceId.CreateRandom();

        async Task<HttpResponseMessage> Send(HttpMethod method, string path, string? json = null)
        {
            using var request = new HttpRequestMessage(method, path);
            request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
            if (json is not null)
            {
                request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
            }

            return await _client.SendAsync(request);
        }

        var added = await (await Send(HttpMethod.Post, "/v3/memories/add/", """{"messages":[{"role":"user","content":"Traced text"}],"user_id":"traced","infer":false}""")).JsonAsync();
        var id = added["results"]![0]!["id"]!.GetValue<string>();
        await (await Send(HttpMethod.Post, "/v3/memories/search/", """{"query":"traced","filters":{"user_id":"traced"}}""")).JsonAsync();
        await (await Send(HttpMethod.Get, $"/v1/memories/{id}/")).JsonAsync();
        await (await Send(HttpMethod.Put, $"/v1/memories/{id}/", """{"text":"Traced again"}""")).JsonAsync();
        await (await Send(HttpMethod.Get, $"/v1/memories/{id}/history/")).JsonAsync();
        await (await Send(HttpMethod.Post, "/v3/memories/", """{"filters":{"user_id":"traced"}}""")).JsonAsync();
        await (await Send(HttpMethod.Delete, $"/v1/memories/{id}/")).JsonAsync();
        await (await Send(HttpMethod.Delete, "/v1/memories/?user_id=traced-nobody")).JsonAsync();
        await (await Send(HttpMethod.Get, "/v1/memories/not-a-uuid/")).ErrorAsync(HttpStatusCode.BadRequest);

        var ours = spans.Where(s => s.TraceId == traceId && s.Source.Name == "Engram").ToList();
        string[] routes =
        [
            "POST /v3/memories/add/", "POST /v3/memories/search/", "GET /v1/memories/{memoryId}/", "PUT /v1/memories/{memoryId}/",
            "GET /v1/memories/{memoryId}/history/", "POST /v3/memories/", "DELETE /v1/memories/{memoryId}/", "DELETE /v1/memories/",
        ];
        foreach (var route in routes)
        {
            Assert.Contains(ours, s => s.DisplayName == route && s.Kind == ActivityKind.Server);
        }

        var search = ours.Single(s => s.DisplayName == "POST /v3/memories/search/");
        Assert.Equal(200, search.GetTagItem("http.response.status_code"));
        Assert.Equal("/v3/memories/search/", search.GetTagItem("http.route"));
        var engineSearch = Assert.Single(ours, s => s.OperationName == "memory.search");
        Assert.Equal(search.SpanId, engineSearch.ParentSpanId);
        Assert.Equal("default", engineSearch.GetTagItem("db.namespace"));
        foreach (var operation in new[] { "memory.add", "memory.get", "memory.update", "memory.history", "memory.list", "memory.delete", "memory.delete_all" })
        {
            Assert.Contains(ours, s => s.OperationName == operation);
        }

        var rejected = ours.Single(s => s.DisplayName == "GET /v1/memories/{memoryId}/" && (int)s.GetTagItem("http.response.status_code")! == 400);
        Assert.NotEqual(ActivityStatusCode.Error, rejected.Status);
        Assert.DoesNotContain(ours.SelectMany(s => s.TagObjects), t => t.Value is string v && v.Contains("Traced", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RoutesAndEngineOperations_AreMeasuredUnderTheEngramMeter()
    {
        var measurements = new ConcurrentBag<(string Instrument, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "Engram")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => measurements.Add((instrument.Name, value, Tags(tags))));
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => measurements.Add((instrument.Name, value, Tags(tags))));
        listener.Start();
        var client = await factory.CreateClientForProjectAsync("org-metrics", "project-metrics");

        await client.AddMemoryAsync("Measured text", "measured");
        await (await client.PostJsonAsync("/v3/memories/search/", """{"query":"measured","filters":{"user_id":"measured"}}""")).JsonAsync();

        var mine = measurements.Where(m => Equals(m.Tags.GetValueOrDefault("db.namespace"), "project-metrics")).ToList();
        Assert.Contains(mine, m => m.Instrument == "engram.operation.duration" && Equals(m.Tags["engram.operation"], "memory.add") && m.Value >= 0);
        Assert.Contains(mine, m => m.Instrument == "engram.operation.duration" && Equals(m.Tags["engram.operation"], "memory.search"));
        Assert.Equal(1, mine.Where(m => m.Instrument == "engram.memories.added").Sum(m => m.Value));
        Assert.Contains(measurements, m => m.Instrument == "engram.http.server.request.duration"
            && Equals(m.Tags["http.route"], "/v3/memories/search/") && Equals(m.Tags["http.response.status_code"], 200));
    }

    [Fact]
    public async Task Otlp_ExportsTracesWhenAnEndpointIsConfigured()
    {
        using var collector = new System.Net.HttpListener();
        var port = FreePort();
        collector.Prefixes.Add($"http://127.0.0.1:{port}/");
        collector.Start();
        var received = new ConcurrentBag<(string Path, string? ContentType)>();
        var serving = Task.Run(async () =>
        {
            while (collector.IsListening)
            {
                System.Net.HttpListenerContext context;
                try
                {
                    context = await collector.GetContextAsync();
                }
                catch (System.Net.HttpListenerException)
                {
                    return;
                }
                catch (ObjectDisposedException)
                {
                    return;
                }

                received.Add((context.Request.Url!.AbsolutePath, context.Request.ContentType));
                context.Response.StatusCode = 200;
                context.Response.Close();
            }
        });

        using (var exporting = new OtlpServerFactory($"http://127.0.0.1:{port}"))
        {
            var client = exporting.CreateAuthorizedClient();
            await client.AddMemoryAsync("Exported text", "exported");
        }

        // Disposing the server flushes the exporters before the collector stops.
        collector.Stop();
        await serving;
        Assert.Contains(received, r => r.Path == "/v1/traces" && r.ContentType == "application/x-protobuf");
        Assert.Contains(received, r => r.Path == "/v1/metrics");
    }

    [Fact]
    public async Task Otlp_RejectsAnUnknownProtocolAtStart()
    {
        using var bad = new OtlpServerFactory("http://127.0.0.1:9", "carrier-pigeon");
        var error = await Assert.ThrowsAnyAsync<Exception>(() => Task.Run(bad.CreateClient));
        Assert.Contains("OtlpProtocol", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Logs_CarryMemoryTextOnlyWithSensitiveLogging(bool sensitive)
    {
        var logs = new LogCapture();
        using var server = new LoggingServerFactory(logs, sensitive);
        var client = server.CreateAuthorizedClient();
        const string Secret = "Zanzibar-4711 is my locker code";

        var id = await client.AddMemoryAsync(Secret, "logged");
        await (await client.PostJsonAsync("/v3/memories/search/", """{"query":"Zanzibar-4711 locker","filters":{"user_id":"logged"}}""")).JsonAsync();
        await (await client.PutJsonAsync($"/v1/memories/{id}/", """{"text":"Zanzibar-4711 changed"}""")).JsonAsync();
        await (await client.PostJsonAsync("/v3/memories/add/", """{"messages":[{"role":"user","content":"I live in Zanzibar-4711 street."}],"user_id":"logged"}""")).JsonAsync();
        await (await client.GetAsync("/ui/api/stats/")).JsonAsync();

        Assert.NotEmpty(logs.Entries);
        var leaked = logs.Entries.Where(e => e.Contains("Zanzibar-4711", StringComparison.Ordinal)).ToList();
        if (sensitive)
        {
            Assert.Contains(leaked, e => e.Contains(Secret, StringComparison.Ordinal));
        }
        else
        {
            Assert.Empty(leaked);
        }
    }

    private static Dictionary<string, object?> Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            result[tag.Key] = tag.Value;
        }

        return result;
    }

    private static int FreePort()
    {
        using var socket = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    private sealed class OtlpServerFactory(string endpoint, string protocol = "http/protobuf") : EngramServerFactory(new()
    {
        ["Engram:Telemetry:OtlpEndpoint"] = endpoint,
        ["Engram:Telemetry:OtlpProtocol"] = protocol,
    });
}
