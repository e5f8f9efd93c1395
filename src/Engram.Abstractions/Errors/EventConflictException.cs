namespace Engram;

/// <summary>
/// A write that was to complete an asynchronous event (see <see cref="MemoryWriteBatch.CompletesEventId"/>) found the
/// event unknown or already finished. Nothing of the write was applied: the event's work had been done before.
/// </summary>
public sealed class EventConflictException : EngramException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="eventId">The event id.</param>
    public EventConflictException(string eventId) : base($"Event '{eventId}' is unknown or already finished; its work was not applied again.") => EventId = eventId;

    /// <summary>Gets the event id.</summary>
    public string EventId { get; }
}
