using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Engram.Server;

/// <summary>
/// Processes asynchronous adds: at start-up every event left PENDING or RUNNING (by a shutdown or a crash), then each
/// event the <see cref="AddEventQueue"/> announces. An event goes PENDING → RUNNING → SUCCEEDED or FAILED.
/// </summary>
/// <remarks>
/// The engine writes the memories and marks the event SUCCEEDED in one transaction
/// (<see cref="AddMemoriesRequest.EventId"/>), so an event whose memories were written is never processed twice: a
/// second attempt is refused with <see cref="EventConflictException"/>. Events run one at a time, in the order they were
/// accepted, so that adds of one user see each other in order. On shutdown the event in progress is put back to PENDING.
/// </remarks>
internal sealed class AddEventWorker(
    AddEventQueue queue,
    IEventStore events,
    MemoryEngine engine,
    TimeProvider time,
    IOptions<EngramServerOptions> options,
    ILogger<AddEventWorker> logger) : BackgroundService
{
    private const int ScanBatchSize = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            await ResumeUnfinishedAsync(stoppingToken);
            while (await queue.Reader.WaitToReadAsync(stoppingToken))
            {
                while (queue.Reader.TryRead(out var key))
                {
                    await ProcessAsync(key, stoppingToken);
                }

                if (queue.TakeOverflow())
                {
                    await ResumeUnfinishedAsync(stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown: unfinished events stay in the store and resume at the next start.
        }
    }

    /// <summary>Processes every unfinished event in the store, oldest first.</summary>
    private async Task ResumeUnfinishedAsync(CancellationToken cancellationToken)
    {
        var first = true;
        while (true)
        {
            var batch = await events.ListUnfinishedEventsAsync(ScanBatchSize, cancellationToken);
            if (batch.Count == 0)
            {
                return;
            }

            if (first)
            {
                Log.ResumingEvents(logger, batch.Count);
                first = false;
            }

            var progressed = false;
            foreach (var storedEvent in batch)
            {
                progressed |= await ProcessAsync(new EventKey(storedEvent.ProjectId, storedEvent.Id), cancellationToken);
            }

            if (!progressed)
            {
                return;
            }
        }
    }

    /// <summary>Runs one event to completion.</summary>
    /// <returns><see langword="true"/> when the event was started (it is finished now); <see langword="false"/> when it was already finished.</returns>
    private async Task<bool> ProcessAsync(EventKey key, CancellationToken cancellationToken)
    {
        var storedEvent = await events.StartEventAsync(key.ProjectId, key.EventId, cancellationToken);
        if (storedEvent is null)
        {
            return false;
        }

        AddEventPayload? payload;
        try
        {
            payload = JsonSerializer.Deserialize(storedEvent.Payload, ServerJsonContext.Default.AddEventPayload);
        }
        catch (JsonException)
        {
            payload = null;
        }

        if (payload is null)
        {
            await FailAsync(storedEvent, "The stored request could not be read.");
            return true;
        }

        var started = Stopwatch.GetTimestamp();
        var attempt = storedEvent.Attempts;
        while (true)
        {
            try
            {
                var result = await engine.ForProject(storedEvent.ProjectId).AddAsync(payload.ToRequest(storedEvent.Id), cancellationToken);

                // Normally a no-op: the engine's write already marked the event SUCCEEDED. It completes events whose add
                // wrote nothing (no message had content).
                await events.CompleteEventAsync(storedEvent.ProjectId, storedEvent.Id, result.Results, CancellationToken.None);
                if (logger.IsEnabled(LogLevel.Debug))
                {
                    var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    Log.EventSucceeded(logger, storedEvent.Id, storedEvent.ProjectId, result.Results.Count, elapsedMs);
                }
                return true;
            }
            catch (EventConflictException)
            {
                Log.EventAlreadyFinished(logger, storedEvent.Id);
                return true;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await events.ReleaseEventAsync(storedEvent.ProjectId, storedEvent.Id, CancellationToken.None);
                throw;
            }
            catch (MemoryStoreException ex) when (ex.IsTransient && attempt < options.Value.EventMaxAttempts)
            {
                Log.EventRetrying(logger, storedEvent.Id, attempt, ex);
                await Task.Delay(TimeSpan.FromMilliseconds(200 * Math.Pow(2, attempt - 1)), time, cancellationToken);
                if (await events.StartEventAsync(storedEvent.ProjectId, storedEvent.Id, cancellationToken) is not { } restarted)
                {
                    return true;
                }

                attempt = restarted.Attempts;
            }
            catch (Exception ex) when (ex is MemoryValidationException or MemoryExtractionException or MemoryNotFoundException)
            {
                // The engine's messages for bad input are written for the caller.
                await FailAsync(storedEvent, ex.Message);
                return true;
            }
            catch (MemoryStoreException ex)
            {
                Log.EventCrashed(logger, storedEvent.Id, storedEvent.ProjectId, ex);
                await FailAsync(storedEvent, "The store failed while processing the event; see the server log.");
                return true;
            }
            catch (Exception ex)
            {
                Log.EventCrashed(logger, storedEvent.Id, storedEvent.ProjectId, ex);
                await FailAsync(storedEvent, "An unexpected error occurred while processing the event; see the server log.");
                return true;
            }
        }
    }

    private async Task FailAsync(StoredEvent storedEvent, string reason)
    {
        Log.EventFailed(logger, storedEvent.Id, storedEvent.ProjectId, reason);
        await events.FailEventAsync(storedEvent.ProjectId, storedEvent.Id, reason, CancellationToken.None);
    }
}
