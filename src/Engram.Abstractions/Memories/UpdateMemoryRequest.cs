using System.Text.Json;

namespace Engram;

/// <summary>Input of <see cref="IMemory.UpdateAsync"/> (Mem0 <c>update</c>). At least one change is required.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record UpdateMemoryRequest
{
    /// <summary>Gets the id of the memory to change.</summary>
    public required string MemoryId { get; init; }

    /// <summary>Gets the new text, or <see langword="null"/> to keep it. A new text is re-embedded and re-linked to entities.</summary>
    public string? Text { get; init; }

    /// <summary>Gets metadata merged into the existing metadata (keys replaced one by one), or <see langword="null"/>.</summary>
    public IReadOnlyDictionary<string, JsonElement>? Metadata { get; init; }

    /// <summary>Gets a new expiration date, or <see langword="null"/> to keep the current one.</summary>
    public DateOnly? ExpirationDate { get; init; }

    /// <summary>Gets a value indicating whether the expiration date is removed (Mem0 <c>expiration_date=None</c>).</summary>
    public bool ClearExpirationDate { get; init; }

    /// <summary>
    /// Gets a new time for when the memory was said (Mem0 <c>timestamp</c> on update), or <see langword="null"/> to keep it:
    /// it becomes <see cref="MemoryItem.ObservedAt"/> and backdates <see cref="MemoryItem.CreatedAt"/>, as a timestamp on add does.
    /// </summary>
    public DateTimeOffset? Timestamp { get; init; }
}
