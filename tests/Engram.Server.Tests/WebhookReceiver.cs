using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Engram.Server.Tests;

/// <summary>
/// A real HTTP receiver for webhooks: Kestrel on a free loopback port, recording every POST to <c>/hook</c>; the first
/// <see cref="FailFirst"/> requests are answered 503, later ones 200.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _count;

    private WebhookReceiver(WebApplication app) => _app = app;

    public int FailFirst { get; init; }

    public ConcurrentQueue<ReceivedWebhook> Requests { get; } = new();

    public ConcurrentQueue<ReceivedWebhook> Accepted { get; } = new();

    public string Url => _app.Urls.First() + "/hook";

    public static async Task<WebhookReceiver> StartAsync(int failFirst = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app) { FailFirst = failFirst };
        app.MapPost("/hook", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var received = new ReceivedWebhook(
                body,
                context.Request.Headers["X-Engram-Signature"].ToString(),
                context.Request.Headers["X-Engram-Event"].ToString(),
                context.Request.Headers["X-Engram-Delivery"].ToString());
            receiver.Requests.Enqueue(received);
            if (Interlocked.Increment(ref receiver._count) <= receiver.FailFirst)
            {
                return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
            }

            receiver.Accepted.Enqueue(received);
            return Results.Ok();
        });
        await app.StartAsync();
        return receiver;
    }

    /// <summary>Waits until <paramref name="count"/> requests were accepted (gives up after 30 s and returns what came).</summary>
    public async Task<IReadOnlyList<ReceivedWebhook>> WaitForAcceptedAsync(int count)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (Accepted.Count < count && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(20);
        }

        return [.. Accepted];
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>One request the receiver got.</summary>
internal sealed record ReceivedWebhook(string Body, string Signature, string EventType, string DeliveryId);
