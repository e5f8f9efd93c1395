using System.ClientModel;
using System.ClientModel.Primitives;
using System.Threading.RateLimiting;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Engram.OpenAI;

/// <summary>
/// What every call to a provider goes through: a concurrency limit, then Polly retries (exponential backoff with jitter on
/// timeouts, HTTP 429 and 5xx, and network errors), each attempt under a timeout. The SDK's own retries are off so
/// that only this policy applies.
/// </summary>
internal sealed class ProviderPipeline : IDisposable
{
    private readonly ConcurrencyLimiter _limiter;
    private readonly ResiliencePipeline _pipeline;

    public ProviderPipeline(ProviderOptions options, TimeProvider timeProvider)
    {
        _limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = options.MaxConcurrency,
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(options.MaxRetries, 0),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(options.RetryDelayMilliseconds),
                ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransient),
            })
            .AddTimeout(TimeSpan.FromSeconds(options.TimeoutSeconds))
            .Build();
    }

    /// <summary>Runs <paramref name="call"/> within the concurrency limit, with retries and a per-attempt timeout.</summary>
    public async Task<T> ExecuteAsync<T>(Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken)
    {
        using var lease = await _limiter.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        return await _pipeline.ExecuteAsync(call, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Builds the SDK options for an endpoint: base URL, no SDK retries, and Azure's <c>api-key</c> header.</summary>
    public static ProviderClientSettings CreateClientSettings(ProviderOptions options)
    {
        var endpoint = options.BaseUrl ?? ProviderDefaults.BaseUrl(options.Provider)
            ?? throw new InvalidOperationException($"Engram provider '{options.Provider}' needs a BaseUrl.");
        var clientOptions = new global::OpenAI.OpenAIClientOptions
        {
            Endpoint = endpoint,
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = Timeout.InfiniteTimeSpan,
        };
        var key = string.IsNullOrEmpty(options.ApiKey) ? "unused" : options.ApiKey;
        if (string.Equals(options.Provider, "azure", StringComparison.OrdinalIgnoreCase))
        {
            clientOptions.AddPolicy(new AzureApiKeyPolicy(key), PipelinePosition.PerCall);
        }

        return new ProviderClientSettings(clientOptions, new ApiKeyCredential(key));
    }

    public void Dispose() => _limiter.Dispose();

    private static bool IsTransient(Exception exception) => exception switch
    {
        ClientResultException { Status: 408 or 429 or >= 500 } => true,
        ClientResultException { Status: 0 } => true,
        HttpRequestException or IOException or TimeoutRejectedException => true,
        _ => false,
    };

    /// <summary>Azure OpenAI takes the key in an <c>api-key</c> header.</summary>
    private sealed class AzureApiKeyPolicy(string key) : PipelinePolicy
    {
        public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
        {
            message.Request.Headers.Set("api-key", key);
            ProcessNext(message, pipeline, currentIndex);
        }

        public override ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
        {
            message.Request.Headers.Set("api-key", key);
            return ProcessNextAsync(message, pipeline, currentIndex);
        }
    }
}

/// <summary>The SDK options and credential for one endpoint.</summary>
internal sealed record ProviderClientSettings(global::OpenAI.OpenAIClientOptions Options, ApiKeyCredential Credential);
