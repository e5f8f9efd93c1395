namespace Engram;

/// <summary>
/// The durable queue of asynchronous work (Mem0's events): a host persists an event before it answers, a worker
/// processes it later, and events left unfinished by a crash are found again at start-up.
/// </summary>
/// <remarks>
/// <para>Implementations are thread-safe. Every method but <see cref="ListUnfinishedEventsAsync"/> is restricted to one
/// project: a project never sees another project's events.</para>
/// <para>Exactly-once effect: a store implementing this interface also honours
/// <see cref="MemoryWriteBatch.CompletesEventId"/>, marking the event <see cref="StoredEventStatus.Succeeded"/> in the
/// same transaction as the memories it produced and refusing the batch with <see cref="EventConflictException"/> when the
/// event already finished. A worker that crashes after that commit therefore never writes the same memories twice.</para>
/// </remarks>
public interface IEventStore
{
    /// <summary>Persists a new event; it is durable when the call returns.</summary>
    /// <param name="storedEvent">The event, normally <see cref="StoredEventStatus.Pending"/>.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the event is durable.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="storedEvent"/> is <see langword="null"/>.</exception>
    /// <exception cref="MemoryStoreException">The write failed (an event with that id already exists, or the store failed).</exception>
    Task CreateEventAsync(StoredEvent storedEvent, CancellationToken cancellationToken = default);

    /// <summary>Gets one event of a project.</summary>
    /// <param name="projectId">The project (tenant) id.</param>
    /// <param name="eventId">The event id.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The event, or <see langword="null"/> when the project has no event with that id.</returns>
    Task<StoredEvent?> GetEventAsync(string projectId, string eventId, CancellationToken cancellationToken = default);

    /// <summary>Lists a project's events, newest first.</summary>
    /// <param name="projectId">The project (tenant) id.</param>
    /// <param name="offset">The number of events to skip, ≥ 0.</param>
    /// <param name="limit">The most to return, ≥ 1.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The page and the total number of events.</returns>
    Task<StoredEventPage> ListEventsAsync(string projectId, int offset, int limit, CancellationToken cancellationToken = default);

    /// <summary>Lists pending and running events of every project, oldest first: the work a worker resumes at start-up.</summary>
    /// <param name="limit">The most to return, ≥ 1.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The unfinished events.</returns>
    Task<IReadOnlyList<StoredEvent>> ListUnfinishedEventsAsync(int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Marks a pending or running event as running (a running one is being resumed after a crash), counts the attempt and
    /// records the start time.
    /// </summary>
    /// <param name="projectId">The project (tenant) id.</param>
    /// <param name="eventId">The event id.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The event after the change, or <see langword="null"/> when it is unknown or already finished.</returns>
    Task<StoredEvent?> StartEventAsync(string projectId, string eventId, CancellationToken cancellationToken = default);

    /// <summary>Marks an unfinished event as succeeded with its results.</summary>
    /// <param name="projectId">The project (tenant) id.</param>
    /// <param name="eventId">The event id.</param>
    /// <param name="results">The memories the work created or changed.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns><see langword="true"/> when the event changed; <see langword="false"/> when it is unknown or already finished.</returns>
    Task<bool> CompleteEventAsync(string projectId, string eventId, IReadOnlyList<MemoryEvent> results, CancellationToken cancellationToken = default);

    /// <summary>Marks an unfinished event as failed.</summary>
    /// <param name="projectId">The project (tenant) id.</param>
    /// <param name="eventId">The event id.</param>
    /// <param name="errorMessage">A one-line description of the failure, safe to show to the caller.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns><see langword="true"/> when the event changed; <see langword="false"/> when it is unknown or already finished.</returns>
    Task<bool> FailEventAsync(string projectId, string eventId, string errorMessage, CancellationToken cancellationToken = default);

    /// <summary>Puts a running event back to pending (after a transient failure, for a later retry).</summary>
    /// <param name="projectId">The project (tenant) id.</param>
    /// <param name="eventId">The event id.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns><see langword="true"/> when the event changed; <see langword="false"/> when it is unknown or not running.</returns>
    Task<bool> ReleaseEventAsync(string projectId, string eventId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Puts failed events back in the queue (FAILED → PENDING, error cleared) so they are processed again; their raw
    /// messages were kept in the payload, so nothing is lost by a failure.
    /// </summary>
    /// <param name="projectId">The project (tenant) id.</param>
    /// <param name="eventId">One event to retry, or <see langword="null"/> for every failed event of the project.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The ids of the events put back; empty when none was failed.</returns>
    Task<IReadOnlyList<string>> RetryEventsAsync(string projectId, string? eventId, CancellationToken cancellationToken = default);
}
