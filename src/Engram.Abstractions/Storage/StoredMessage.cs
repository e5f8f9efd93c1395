namespace Engram;

/// <summary>A raw message kept for provenance and as extraction context.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record StoredMessage
{
    /// <summary>Gets the message id (UUIDv7).</summary>
    public required string Id { get; init; }

    /// <summary>Gets the scope the message was added under.</summary>
    public required MemoryScope Scope { get; init; }

    /// <summary>Gets the role.</summary>
    public required string Role { get; init; }

    /// <summary>Gets the text.</summary>
    public required string Content { get; init; }

    /// <summary>Gets the speaker's name, when given.</summary>
    public string? Name { get; init; }

    /// <summary>Gets the caller's own id of the message (see <see cref="MemoryMessage.ExternalId"/>).</summary>
    public string? ExternalId { get; init; }

    /// <summary>Gets when the message was said (UTC).</summary>
    public required DateTimeOffset ObservedAt { get; init; }

    /// <summary>Gets when the message was stored (UTC).</summary>
    public required DateTimeOffset CreatedAt { get; init; }
}
