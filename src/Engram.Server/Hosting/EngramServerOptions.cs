using System.ComponentModel.DataAnnotations;

namespace Engram.Server;

/// <summary>
/// Server options, bound from the <c>Engram:Server</c> configuration section (environment: <c>ENGRAM__SERVER__…</c>) and
/// validated at start-up. The listening address is ASP.NET Core's <c>urls</c> setting (<c>--urls</c>,
/// <c>ASPNETCORE_URLS</c>), <see cref="DefaultUrls"/> when unset.
/// </summary>
public sealed class EngramServerOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Engram:Server";

    /// <summary>The address served when none is configured: loopback only.</summary>
    public const string DefaultUrls = "http://127.0.0.1:8765";

    /// <summary>The environment variable whose key becomes the first API key.</summary>
    public const string ApiKeyVariable = "ENGRAM_API_KEY";

    /// <summary>Gets or sets the data directory; the database is <c>DIR/engram.db</c>.</summary>
    /// <value>Defaults to <c>./engram-data</c>, the CLI's default.</value>
    [Required]
    public string DataDirectory { get; set; } = "./engram-data";

    /// <summary>Gets or sets the organization created on first start.</summary>
    /// <value>Defaults to <c>default</c>. The first project is the engine's <see cref="MemoryOptions.ProjectId"/>.</value>
    [Required]
    public string OrganizationId { get; set; } = "default";

    /// <summary>
    /// Gets or sets a key to register as the first key (from <c>ENGRAM_API_KEY</c>); when <see langword="null"/> and no key
    /// exists, a key is generated on first start and printed once.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets the largest request body accepted, in bytes; larger requests get 413.</summary>
    /// <value>Defaults to 1 MiB.</value>
    [Range(1024, 1L << 30)]
    public long MaxRequestBodyBytes { get; set; } = 1 << 20;

    /// <summary>
    /// Gets or sets the longest request target accepted (path and query string as sent, percent-encoded), in bytes;
    /// longer requests get 414 as ProblemDetails. Kestrel itself accepts request lines up to
    /// <see cref="KestrelRequestLineBytes"/> so that the application, not Kestrel's empty answer, refuses them.
    /// </summary>
    /// <value>Defaults to 8 KiB, Kestrel's own default request-line limit.</value>
    [Range(256, KestrelRequestLineBytes - 1024)]
    public int MaxRequestTargetBytes { get; set; } = 8 * 1024;

    /// <summary>
    /// The request-line limit given to Kestrel (1 MiB, the default <see cref="MaxRequestBodyBytes"/>): a longer line is
    /// still refused by Kestrel itself, with 414 and an empty body, before the application sees it.
    /// </summary>
    public const int KestrelRequestLineBytes = 1 << 20;

    /// <summary>Gets or sets how many requests one API key may make per <see cref="RateLimitWindowSeconds"/>; 0 turns rate limiting off.</summary>
    /// <value>Defaults to 6000 (100 per second on average).</value>
    [Range(0, int.MaxValue)]
    public int RateLimitPermits { get; set; } = 6000;

    /// <summary>Gets or sets the rate-limit window in seconds (a fixed window per key).</summary>
    /// <value>Defaults to 60.</value>
    [Range(1, 86400)]
    public int RateLimitWindowSeconds { get; set; } = 60;

    /// <summary>Gets or sets how many times a worker tries an event whose store write failed transiently before it is FAILED.</summary>
    /// <value>Defaults to 3.</value>
    [Range(1, 100)]
    public int EventMaxAttempts { get; set; } = 3;
}
