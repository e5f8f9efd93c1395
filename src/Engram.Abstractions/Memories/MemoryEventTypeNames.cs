namespace Engram;

/// <summary>Converts <see cref="MemoryEventType"/> to and from Mem0's wire names (<c>ADD</c>, <c>UPDATE</c>, …).</summary>
public static class MemoryEventTypeNames
{
    /// <summary>Gets Mem0's upper-case name of an event type.</summary>
    /// <param name="type">The event type.</param>
    /// <returns><c>ADD</c>, <c>UPDATE</c>, <c>DELETE</c>, <c>SUPERSEDE</c> or <c>NONE</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="type"/> is not a defined value.</exception>
    public static string ToName(MemoryEventType type) => type switch
    {
        MemoryEventType.Add => "ADD",
        MemoryEventType.Update => "UPDATE",
        MemoryEventType.Delete => "DELETE",
        MemoryEventType.Supersede => "SUPERSEDE",
        MemoryEventType.None => "NONE",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown memory event type."),
    };

    /// <summary>Parses Mem0's name of an event type (case-insensitive).</summary>
    /// <param name="name">The name.</param>
    /// <returns>The event type.</returns>
    /// <exception cref="FormatException"><paramref name="name"/> is not a known event name.</exception>
    public static MemoryEventType Parse(string name) => name?.ToUpperInvariant() switch
    {
        "ADD" => MemoryEventType.Add,
        "UPDATE" => MemoryEventType.Update,
        "DELETE" => MemoryEventType.Delete,
        "SUPERSEDE" => MemoryEventType.Supersede,
        "NONE" => MemoryEventType.None,
        _ => throw new FormatException($"Unknown memory event '{name}'."),
    };
}
