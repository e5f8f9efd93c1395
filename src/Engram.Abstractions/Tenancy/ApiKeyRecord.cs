namespace Engram;

/// <summary>
/// A stored API key: never the key itself, only its SHA-256 hash and a short prefix to find it by, bound to one
/// organization and one project.
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record ApiKeyRecord
{
    /// <summary>Gets the key id (UUIDv7), used to list and revoke the key.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the first characters of the key (for example <c>m0-AbCdEfGh</c>): not secret, used for look-up and display.</summary>
    public required string Prefix { get; init; }

    /// <summary>Gets the SHA-256 hash of the key's UTF-8 bytes (32 bytes).</summary>
    public required ReadOnlyMemory<byte> KeyHash { get; init; }

    /// <summary>Gets the organization the key belongs to.</summary>
    public required string OrganizationId { get; init; }

    /// <summary>Gets the project every request made with the key reads and writes.</summary>
    public required string ProjectId { get; init; }

    /// <summary>Gets an optional label (who or what uses the key).</summary>
    public string? Name { get; init; }

    /// <summary>Gets when the key was created (UTC).</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when the key was revoked (UTC), or <see langword="null"/> while it is active.</summary>
    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>Gets a value indicating whether the key has been revoked.</summary>
    public bool IsRevoked => RevokedAt is not null;
}
