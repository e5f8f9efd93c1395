using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Engram.Server;

/// <summary>
/// Delivers the webhook outbox: every <see cref="WebhookOptions.PollMilliseconds"/> it claims the due deliveries and
/// POSTs each payload to its webhook with the signature header (<see cref="WebhookSignature"/>), retrying with
/// exponential backoff (<see cref="WebhookOptions"/>). A 2xx answer marks the delivery delivered; anything else counts
/// as a failure. Deliveries are at least once: a receiver may see one twice (after a crash between its answer and the
/// store update) and can drop duplicates by <c>X-Engram-Delivery</c>.
/// </summary>
/// <remarks>
/// Logs ids and status codes only, never payloads (they carry memory text). Unless
/// <see cref="WebhookOptions.AllowPrivateNetworks"/> is on, every connection goes through
/// <see cref="WebhookAddressPolicy.ConnectAsync"/>: a delivery to a refused address fails at once with the reason as its error.
/// </remarks>
internal sealed partial class WebhookDeliveryWorker : BackgroundService
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromHours(1);

    private readonly IWebhookStore? _store;
    private readonly WebhookOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<WebhookDeliveryWorker> _logger;
    private readonly HttpClient _http;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    /// <summary>Creates the worker from the services: without a store that implements <see cref="IWebhookStore"/> (the
    /// PostgreSQL store) it logs that webhooks are off and delivers nothing.</summary>
    /// <param name="services">The services; the store is resolved from them.</param>
    /// <param name="options">The delivery options.</param>
    /// <param name="time">The clock for leases and backoff.</param>
    /// <param name="logger">The logger.</param>
    public WebhookDeliveryWorker(IServiceProvider services, IOptions<WebhookOptions> options, TimeProvider time, ILogger<WebhookDeliveryWorker> logger)
        : this(TryResolve(services), options, time, logger)
    {
    }

    public WebhookDeliveryWorker(IWebhookStore? store, IOptions<WebhookOptions> options, TimeProvider time, ILogger<WebhookDeliveryWorker> logger)
    {
        _store = store;
        _options = options.Value;
        _time = time;
        _logger = logger;
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), AllowAutoRedirect = false };
        if (!_options.AllowPrivateNetworks)
        {
            // The address check must see the receiver's address, so no proxy stands in between.
            handler.UseProxy = false;
            handler.ConnectCallback = WebhookAddressPolicy.ConnectAsync;
        }

        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _pipeline = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = _options.InlineRetries,
                BackoffType = DelayBackoffType.Exponential,
                Delay = TimeSpan.FromMilliseconds(_options.RetryDelayMilliseconds),
                UseJitter = false,
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>(ex => Refused(ex) is null)
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(response => !response.IsSuccessStatusCode),
                OnRetry = args =>
                {
                    args.Outcome.Result?.Dispose();
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(TimeSpan.FromSeconds(_options.TimeoutSeconds))
            .Build();
    }

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        if (_store is null)
        {
            LogUnsupported(_logger);
            return;
        }

        var poll = TimeSpan.FromMilliseconds(_options.PollMilliseconds);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await DeliverDueAsync(stoppingToken);
                }
                catch (MemoryStoreException ex)
                {
                    LogStoreFailed(_logger, ex);
                }

                await Task.Delay(poll, _time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown: claimed deliveries come due again when their lease ends.
        }
    }

    /// <summary>Claims and delivers due deliveries until none is left.</summary>
    internal async Task DeliverDueAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var now = _time.GetUtcNow();
            var lease = now + Lease();
            var due = await (_store ?? throw new NotSupportedException("The configured store does not implement IWebhookStore.")).ClaimDueDeliveriesAsync(now, lease, _options.BatchSize, cancellationToken);
            if (due.Count == 0)
            {
                return;
            }

            foreach (var delivery in due)
            {
                await DeliverAsync(delivery, cancellationToken);
            }
        }
    }

    private async Task DeliverAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        string? error;
        var refused = false;
        try
        {
            using var response = await _pipeline.ExecuteAsync(
                static async (state, token) =>
                {
                    using var request = state.Worker.CreateRequest(state.Delivery);
                    return await state.Worker._http.SendAsync(request, token);
                },
                (Worker: this, Delivery: delivery),
                cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                await _store!.CompleteDeliveryAsync(delivery.Id, WebhookDeliveryStatus.Delivered, delivery.Attempts, _time.GetUtcNow(), null, CancellationToken.None);
                LogDelivered(_logger, delivery.Id, delivery.WebhookId, (int)response.StatusCode);
                return;
            }

            error = string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)response.StatusCode}");
        }
        catch (HttpRequestException ex) when (Refused(ex) is { } refusal)
        {
            // A refused address is a policy decision, not a network fault: no further rounds.
            error = refusal.Message;
            refused = true;
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException)
        {
            error = ex.GetType().Name;
        }

        var attempts = delivery.Attempts + 1;
        var failed = refused || attempts >= _options.MaxAttempts;
        var backoff = TimeSpan.FromMilliseconds(Math.Min(MaxBackoff.TotalMilliseconds, _options.RetryDelayMilliseconds * Math.Pow(2, attempts)));
        await _store!.CompleteDeliveryAsync(
            delivery.Id,
            failed ? WebhookDeliveryStatus.Failed : WebhookDeliveryStatus.Pending,
            attempts,
            _time.GetUtcNow() + backoff,
            error,
            CancellationToken.None);
        LogFailed(_logger, delivery.Id, delivery.WebhookId, attempts, error, failed);
    }

    /// <summary>The address refusal behind a failed request, if that is why it failed.</summary>
    private static WebhookAddressRefusedException? Refused(Exception exception)
    {
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is WebhookAddressRefusedException refused)
            {
                return refused;
            }
        }

        return null;
    }

    private HttpRequestMessage CreateRequest(WebhookDelivery delivery)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url)
        {
            Content = new StringContent(delivery.Payload, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.Add(WebhookSignature.HeaderName, WebhookSignature.Compute(delivery.Secret, _time.GetUtcNow(), delivery.Payload));
        request.Headers.Add("X-Engram-Event", delivery.EventType);
        request.Headers.Add("X-Engram-Delivery", delivery.Id.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("X-Engram-Webhook", delivery.WebhookId.ToString(CultureInfo.InvariantCulture));
        return request;
    }

    /// <summary>How long a claim lasts: every try of a round with its timeout and backoff, plus a minute.</summary>
    private TimeSpan Lease()
    {
        var tries = _options.InlineRetries + 1;
        var backoff = _options.RetryDelayMilliseconds * (Math.Pow(2, tries) - 1);
        return TimeSpan.FromSeconds(tries * _options.TimeoutSeconds) + TimeSpan.FromMilliseconds(backoff) + TimeSpan.FromMinutes(1);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Webhook delivery {DeliveryId} to webhook {WebhookId} answered {StatusCode}.")]
    private static partial void LogDelivered(ILogger logger, long deliveryId, long webhookId, int statusCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook delivery {DeliveryId} to webhook {WebhookId} failed (round {Attempts}: {Error}); given up: {GivenUp}.")]
    private static partial void LogFailed(ILogger logger, long deliveryId, long webhookId, int attempts, string error, bool givenUp);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhooks are off: the configured store does not implement IWebhookStore.")]
    private static partial void LogUnsupported(ILogger logger);

    private static IWebhookStore? TryResolve(IServiceProvider services)
    {
        try
        {
            return services.GetService<IWebhookStore>();
        }
        catch (NotSupportedException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The webhook outbox could not be read; retrying at the next poll.")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception);
}
