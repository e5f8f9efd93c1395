using System.ComponentModel.DataAnnotations;

namespace Engram.Client;

/// <summary>Where and how <see cref="EngramClient"/> reaches an Engram (or Mem0 Platform-compatible) server.</summary>
public sealed class EngramClientOptions
{
    /// <summary>Gets or sets the server's base address, for example <c>http://127.0.0.1:8765</c>.</summary>
    [Required]
    public Uri? BaseAddress { get; set; }

    /// <summary>Gets or sets the API key (<c>m0-…</c>), sent as <c>Authorization: Token …</c>. Never logged.</summary>
    [Required]
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets how often an asynchronous add's event is polled.</summary>
    /// <value>Defaults to 100 ms.</value>
    public TimeSpan EventPollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Gets or sets how long <see cref="EngramClient.AddAsync"/> waits for an asynchronous add to finish.</summary>
    /// <value>Defaults to 5 minutes.</value>
    public TimeSpan EventTimeout { get; set; } = TimeSpan.FromMinutes(5);
}
