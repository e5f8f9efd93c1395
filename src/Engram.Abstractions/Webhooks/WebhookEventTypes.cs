namespace Engram;

/// <summary>The webhook event type names of Mem0's platform (<c>event_types</c> of a webhook).</summary>
public static class WebhookEventTypes
{
    /// <summary>A memory was added; payload <c>{"event_details": {"id", "data": {"memory"}, "event": "ADD"}}</c>.</summary>
    public const string MemoryAdd = "memory_add";

    /// <summary>A memory was updated; payload <c>{"event_details": {"id", "data": {"memory"}, "event": "UPDATE"}}</c> with the new text.</summary>
    public const string MemoryUpdate = "memory_update";

    /// <summary>A memory was deleted; payload <c>{"event_details": {"id", "data": {"memory"}, "event": "DELETE"}}</c> with the last text.</summary>
    public const string MemoryDelete = "memory_delete";

    /// <summary>A memory got categories; payload <c>{"event_details": {"event": "CATEGORIZE", "memory_id", "categories": [...]}}</c>.</summary>
    public const string MemoryCategorize = "memory_categorize";

    /// <summary>Gets every event type, in Mem0's order.</summary>
    public static IReadOnlyList<string> All { get; } = [MemoryAdd, MemoryUpdate, MemoryDelete, MemoryCategorize];

    /// <summary>Tells whether a name is one of <see cref="All"/> (ordinal, case-sensitive).</summary>
    /// <param name="name">The name.</param>
    /// <returns><see langword="true"/> for a known event type.</returns>
    public static bool IsKnown(string? name) => name is not null && All.Contains(name, StringComparer.Ordinal);
}
