using System.ComponentModel.DataAnnotations;

namespace Engram.OpenAI;

/// <summary>
/// One OpenAI-compatible endpoint, bound from <c>Engram:Llm</c> or <c>Engram:Embedder</c> (environment
/// <c>Engram__Llm__BaseUrl</c>, appsettings, or command line).
/// </summary>
/// <remarks>Mutable while configuring; treat as read-only once the providers are built.</remarks>
public class ProviderOptions
{
    /// <summary>
    /// Gets or sets the provider: <c>openai</c>, <c>azure</c>, <c>ollama</c>, <c>vllm</c>, <c>lmstudio</c> or any other
    /// name for an OpenAI-compatible endpoint at <see cref="BaseUrl"/>; empty or <c>offline</c> keeps the built-in offline provider.
    /// </summary>
    /// <value>Defaults to empty (offline).</value>
    public string? Provider { get; set; }

    /// <summary>
    /// Gets or sets the endpoint's base URL including the API version path, for example <c>https://api.openai.com/v1</c>,
    /// <c>http://localhost:11434/v1</c> (Ollama) or <c>https://RESOURCE.openai.azure.com/openai/v1</c> (Azure).
    /// </summary>
    /// <value>Defaults to the provider's usual local or public URL (see <see cref="ProviderDefaults"/>).</value>
    public Uri? BaseUrl { get; set; }

    /// <summary>Gets or sets the model (or Azure deployment) name.</summary>
    public string? Model { get; set; }

    /// <summary>Gets or sets the API key; local servers that need none accept any value. Never logged.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets the timeout of one attempt, in seconds.</summary>
    /// <value>Defaults to 60.</value>
    [Range(1, 3600)]
    public int TimeoutSeconds { get; set; } = 60;

    /// <summary>Gets or sets how many times a failed call (timeout, HTTP 429 or 5xx, malformed answer) is retried, with exponential backoff and jitter.</summary>
    /// <value>Defaults to 4.</value>
    [Range(0, 20)]
    public int MaxRetries { get; set; } = 4;

    /// <summary>Gets or sets the first retry delay in milliseconds; later delays double (Polly's exponential backoff).</summary>
    /// <value>Defaults to 500.</value>
    [Range(0, 60_000)]
    public int RetryDelayMilliseconds { get; set; } = 500;

    /// <summary>Gets or sets the most calls to this endpoint in flight at once.</summary>
    /// <value>Defaults to 4.</value>
    [Range(1, 1024)]
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>Gets a value indicating whether an OpenAI-compatible provider is configured.</summary>
    public virtual bool IsConfigured => !string.IsNullOrWhiteSpace(Provider) && !string.Equals(Provider, "offline", StringComparison.OrdinalIgnoreCase);
}
