using System.ComponentModel.DataAnnotations;

namespace Engram.Server;

/// <summary>
/// Options of webhook delivery, bound from <c>Engram:Webhooks</c> (<c>ENGRAM__WEBHOOKS__…</c>).
/// </summary>
/// <remarks>
/// A delivery is tried <see cref="InlineRetries"/> + 1 times in a row with exponential backoff
/// (<see cref="RetryDelayMilliseconds"/>, doubling; Polly's retry strategy); when every try fails it goes back to the
/// outbox and comes due again after <c>RetryDelayMilliseconds × 2^attempts</c> (at most one hour), until
/// <see cref="MaxAttempts"/> rounds have failed, when it is marked failed.
/// </remarks>
public sealed class WebhookOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Engram:Webhooks";

    /// <summary>Gets or sets how often the worker looks for due deliveries, in milliseconds (default 1000).</summary>
    [Range(10, 600_000)]
    public int PollMilliseconds { get; set; } = 1000;

    /// <summary>Gets or sets the first retry delay in milliseconds (default 1000); later delays double.</summary>
    [Range(1, 3_600_000)]
    public int RetryDelayMilliseconds { get; set; } = 1000;

    /// <summary>Gets or sets the immediate retries of one round, 1 to 10 (default 2).</summary>
    [Range(1, 10)]
    public int InlineRetries { get; set; } = 2;

    /// <summary>Gets or sets the rounds after which a delivery is marked failed (default 8).</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Gets or sets the timeout of one HTTP request, in seconds (default 10).</summary>
    [Range(1, 300)]
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>
    /// Gets or sets a value indicating whether webhooks may point at the server's own networks: loopback, private,
    /// link-local (cloud metadata), CGNAT, multicast and unspecified addresses (<see cref="WebhookAddressPolicy"/>).
    /// Off, such URLs are refused with 400 when a webhook is created or changed, deliveries re-check the address they
    /// connect to (a refused one is recorded as failed), and deliveries bypass the system HTTP proxy (so that the check
    /// applies to the receiver, not the proxy).
    /// </summary>
    /// <value>Defaults to <see langword="false"/>; turn it on for receivers on the same host or network.</value>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>Gets or sets the most deliveries claimed per poll (default 50).</summary>
    [Range(1, 1000)]
    public int BatchSize { get; set; } = 50;
}
