namespace Engram;

/// <summary>
/// A durable unit of asynchronous work, such as an add request accepted by a server before it is processed
/// (Mem0's <c>event</c>, polled at <c>/v1/event/{id}/</c>).
/// </summary>
/// <remarks>Immutable and thread-safe. All timestamps are UTC.</remarks>
public sealed record StoredEvent
{
    /// <summary>Gets the event id (UUIDv7).</summary>
    public required string Id { get; init; }

    /// <summary>Gets the project (tenant) the event belongs to; its work runs in that project only.</summary>
    public required string ProjectId { get; init; }

    /// <summary>Gets the kind of work, in Mem0's upper-case names (<c>ADD</c>).</summary>
    public required string EventType { get; init; }

    /// <summary>Gets the status.</summary>
    public required StoredEventStatus Status { get; init; }

    /// <summary>
    /// Gets the input of the work as the host received it: a JSON text that the store keeps verbatim and that only the
    /// host interprets. It holds personal data (the messages); never log it above Trace.
    /// </summary>
    public required string Payload { get; init; }

    /// <summary>Gets the memories the work created or changed, once it succeeded; empty before.</summary>
    public IReadOnlyList<MemoryEvent> Results { get; init; } = [];

    /// <summary>Gets a one-line description of the failure, safe to show to the caller, when <see cref="Status"/> is <see cref="StoredEventStatus.Failed"/>.</summary>
    public string? Error { get; init; }

    /// <summary>Gets how many times a worker started the event (more than one after a crash or a transient failure).</summary>
    public int Attempts { get; init; }

    /// <summary>Gets when the event was persisted.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when the event last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Gets when a worker last started the event, or <see langword="null"/> while it is pending.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>Gets when the event succeeded or failed, or <see langword="null"/> while it is unfinished.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>Gets the processing time in milliseconds (from the last start to completion), once finished.</summary>
    public double? LatencyMilliseconds { get; init; }

    /// <summary>Gets the language-model tokens the event's work spent, when a model was called.</summary>
    public ModelUsage? Usage { get; init; }

    /// <summary>Gets a value indicating whether the event succeeded or failed.</summary>
    public bool IsFinished => Status is StoredEventStatus.Succeeded or StoredEventStatus.Failed;
}
