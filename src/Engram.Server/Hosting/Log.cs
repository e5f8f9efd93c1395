namespace Engram.Server;

/// <summary>The server's log messages (ids, counts and durations only; never memory text or keys).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Registered the key from ENGRAM_API_KEY as key {KeyId} for project {ProjectId}")]
    public static partial void ApiKeyRegistered(ILogger logger, string keyId, string projectId);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Resuming {Count} unfinished events")]
    public static partial void ResumingEvents(ILogger logger, int count);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Debug, Message = "Event {EventId} of project {ProjectId} succeeded with {Count} memories in {ElapsedMs} ms")]
    public static partial void EventSucceeded(ILogger logger, string eventId, string projectId, int count, double elapsedMs);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Event {EventId} of project {ProjectId} failed: {Reason}")]
    public static partial void EventFailed(ILogger logger, string eventId, string projectId, string reason);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Error, Message = "Event {EventId} of project {ProjectId} failed unexpectedly")]
    public static partial void EventCrashed(ILogger logger, string eventId, string projectId, Exception exception);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning, Message = "Event {EventId} hit a transient store failure (attempt {Attempt}); retrying")]
    public static partial void EventRetrying(ILogger logger, string eventId, int attempt, Exception exception);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Debug, Message = "Event {EventId} was already finished; its work was not applied again")]
    public static partial void EventAlreadyFinished(ILogger logger, string eventId);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Error, Message = "Unhandled failure serving {Method} {Path}")]
    public static partial void UnhandledRequestFailure(ILogger logger, string method, string path, Exception exception);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Warning, Message = "The event queue is full; event {EventId} will be picked up by the next store scan")]
    public static partial void QueueFull(ILogger logger, string eventId);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Information, Message = "Retention: erased {Count} expired memories of project {ProjectId} (files compacted: {Compacted})")]
    public static partial void ExpiredErased(ILogger logger, int count, string projectId, bool compacted);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Warning, Message = "Retention sweep failed; retrying at the next interval")]
    public static partial void SweepFailed(ILogger logger, Exception exception);
}
