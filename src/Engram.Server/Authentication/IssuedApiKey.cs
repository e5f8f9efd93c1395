namespace Engram.Server;

/// <summary>A key just created: the stored record and the key itself, which is shown once and never stored.</summary>
/// <param name="Record">The stored record (hash and prefix only).</param>
/// <param name="Key">The key.</param>
public sealed record IssuedApiKey(ApiKeyRecord Record, string Key);
