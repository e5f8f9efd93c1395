using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Engram.Server;

/// <summary>
/// Per-API-key rate limiting on ASP.NET Core's built-in limiter: a fixed window of
/// <see cref="EngramServerOptions.RateLimitPermits"/> requests per <see cref="EngramServerOptions.RateLimitWindowSeconds"/>
/// for each key. Responses carry <c>X-RateLimit-Limit</c>, <c>X-RateLimit-Remaining</c> and <c>X-RateLimit-Reset</c>
/// (seconds until the window resets); a refused request gets 429 with <c>Retry-After</c> and Mem0's <c>detail</c>.
/// Unauthenticated requests are not limited here (they are refused by authorization).
/// </summary>
internal sealed class ApiKeyRateLimiter : IDisposable
{
    /// <summary>The ProblemDetails <c>type</c> of a 429 (RFC 6585 defines the status; ASP.NET Core has no default for it).</summary>
    public const string TooManyRequestsType = "https://tools.ietf.org/html/rfc6585#section-4";

    private readonly ConcurrentDictionary<string, long> _windowStarts = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public ApiKeyRateLimiter(IOptions<EngramServerOptions> options, TimeProvider time)
    {
        _time = time;
        PermitLimit = options.Value.RateLimitPermits;
        Window = TimeSpan.FromSeconds(options.Value.RateLimitWindowSeconds);
        Limiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
        {
            var keyId = context.User.FindFirstValue(ClaimTypes.NameIdentifier);
            if (keyId is null || PermitLimit <= 0)
            {
                return RateLimitPartition.GetNoLimiter(string.Empty);
            }

            return RateLimitPartition.GetFixedWindowLimiter(keyId, id =>
            {
                _windowStarts[id] = _time.GetTimestamp();
                return new FixedWindowRateLimiterOptions { PermitLimit = PermitLimit, Window = Window, QueueLimit = 0, AutoReplenishment = true };
            });
        });
    }

    public int PermitLimit { get; }

    public TimeSpan Window { get; }

    public PartitionedRateLimiter<HttpContext> Limiter { get; }

    /// <summary>Configures the rate-limiting middleware to use this limiter.</summary>
    public void Configure(RateLimiterOptions options)
    {
        options.GlobalLimiter = Limiter;
        options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        options.OnRejected = OnRejectedAsync;
    }

    /// <summary>Adds the <c>X-RateLimit-*</c> headers to an allowed request of a key.</summary>
    public void AddHeaders(HttpContext context)
    {
        if (PermitLimit <= 0 || context.User.FindFirstValue(ClaimTypes.NameIdentifier) is not { } keyId)
        {
            return;
        }

        var remaining = Limiter.GetStatistics(context)?.CurrentAvailablePermits ?? 0;
        SetHeaders(context.Response.Headers, remaining, SecondsUntilReset(keyId));
    }

    public void Dispose() => Limiter.Dispose();

    private async ValueTask OnRejectedAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var httpContext = context.HttpContext;
        var keyId = httpContext.User.FindFirstValue(ClaimTypes.NameIdentifier);
        // The lease's RetryAfter metadata is the whole window whatever is left of it: count from the window's start instead.
        var retryAfter = Math.Max(1, keyId is null ? (int)Window.TotalSeconds : SecondsUntilReset(keyId));
        httpContext.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        SetHeaders(httpContext.Response.Headers, 0, retryAfter);
        await httpContext.RequestServices.GetRequiredService<IProblemDetailsService>().TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Type = TooManyRequestsType,
                Detail = $"Rate limit exceeded: {PermitLimit} requests per {(int)Window.TotalSeconds} seconds per API key. Retry after {retryAfter} seconds.",
            },
        });
    }

    private void SetHeaders(IHeaderDictionary headers, long remaining, int resetSeconds)
    {
        headers["X-RateLimit-Limit"] = PermitLimit.ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Remaining"] = Math.Max(0, remaining).ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Reset"] = resetSeconds.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Seconds until the key's window resets: windows start when the key's limiter was created.</summary>
    private int SecondsUntilReset(string keyId)
    {
        if (!_windowStarts.TryGetValue(keyId, out var start))
        {
            return (int)Window.TotalSeconds;
        }

        var elapsed = _time.GetElapsedTime(start).Ticks % Window.Ticks;
        return Math.Max(1, (int)Math.Ceiling(TimeSpan.FromTicks(Window.Ticks - elapsed).TotalSeconds));
    }
}
