using System.Text.Json;

namespace Engram;

/// <summary>A stored memory, as returned by get, list and search (Mem0's <c>MemoryItem</c>).</summary>
/// <remarks>Immutable and thread-safe. All timestamps are UTC.</remarks>
public sealed record MemoryItem
{
    /// <summary>Gets the memory id: a UUIDv7 string (time-ordered).</summary>
    public required string Id { get; init; }

    /// <summary>Gets the memory text.</summary>
    public required string Memory { get; init; }

    /// <summary>Gets the MD5 hex digest (32 lower-case characters) of the UTF-8 text, as Mem0 computes <c>hash</c>.</summary>
    public required string Hash { get; init; }

    /// <summary>Gets the scope the memory belongs to.</summary>
    public required MemoryScope Scope { get; init; }

    /// <summary>Gets the user metadata (a JSON object's members); empty when none. Never contains identity keys.</summary>
    public IReadOnlyDictionary<string, JsonElement> Metadata { get; init; } = MemoryMetadata.Empty;

    /// <summary>Gets the categories assigned to the memory (Mem0 Platform <c>categories</c>); empty when none.</summary>
    public IReadOnlyList<string> Categories { get; init; } = [];

    /// <summary>Gets the role of the message the memory came from (<c>user</c>, <c>assistant</c>, …), when known.</summary>
    public string? Role { get; init; }

    /// <summary>Gets the speaker's name (Mem0 <c>actor_id</c>, from the message's <c>name</c>), when known.</summary>
    public string? ActorId { get; init; }

    /// <summary>Gets who stated the fact (<c>user</c> or <c>assistant</c>, Mem0 v3 <c>attributed_to</c>), when known.</summary>
    public string? AttributedTo { get; init; }

    /// <summary>Gets when the memory was stored (UTC, ingestion time), or the add call's timestamp when one was given (Mem0 backdates it).</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when the memory was last changed (UTC); equal to <see cref="CreatedAt"/> until the first update.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Gets when the fact was said or observed (UTC): the add call's timestamp, else the ingestion time.</summary>
    public required DateTimeOffset ObservedAt { get; init; }

    /// <summary>
    /// Gets the expiration date. The memory counts as expired when this date is earlier than today's UTC date, so it
    /// stays visible through the expiry day itself (Mem0's rule).
    /// </summary>
    public DateOnly? ExpirationDate { get; init; }

    /// <summary>Gets the id of the memory that superseded this one, or <see langword="null"/> while it is current.</summary>
    public string? SupersededBy { get; init; }

    /// <summary>Gets the end of the memory's validity (UTC) when it was superseded.</summary>
    public DateTimeOffset? ValidTo { get; init; }

    /// <summary>
    /// Gets a value indicating whether the memory is immutable (Mem0's <c>immutable</c> on add): an update of its text,
    /// metadata, expiration or time is refused, and no new memory supersedes it; it can still be deleted.
    /// </summary>
    public bool Immutable { get; init; }

    /// <summary>Gets the ids of the raw messages the memory was derived from (provenance), in conversation order.</summary>
    public IReadOnlyList<string> SourceMessageIds { get; init; } = [];

    /// <summary>Gets a value indicating whether the memory has expired relative to <paramref name="todayUtc"/>.</summary>
    /// <param name="todayUtc">Today's date in UTC.</param>
    /// <returns><see langword="true"/> when <see cref="ExpirationDate"/> is earlier than <paramref name="todayUtc"/>.</returns>
    public bool IsExpired(DateOnly todayUtc) => ExpirationDate is { } d && d < todayUtc;
}
