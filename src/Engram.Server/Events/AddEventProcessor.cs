using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Engram.Server;

/// <summary>
/// Carries out one asynchronous add event: PENDING → RUNNING → SUCCEEDED or FAILED. Used by the server's background
/// worker and by <c>engram events retry</c>.
/// </summary>
/// <remarks>
/// The engine writes the memories and marks the event SUCCEEDED in one transaction
/// (<see cref="AddMemoriesRequest.EventId"/>), so an event whose memories were written is never processed twice.
/// Transient store failures are retried up to <see cref="EngramServerOptions.EventMaxAttempts"/>; bad input and
/// unusable model output fail the event with the engine's one-line message; anything else fails it with a generic
/// message (details in the log). Thread-safe.
/// </remarks>
public sealed class AddEventProcessor(
    IEventStore events,
    MemoryEngine engine,
    TimeProvider time,
    IOptions<EngramServerOptions> options,
    ILogger<AddEventProcessor> logger)
{
    /// <summary>Runs one event if it is PENDING (or RUNNING after a crash): the add, then SUCCEEDED or FAILED.</summary>
    /// <param name="projectId">The event's project.</param>
    /// <param name="eventId">The event id.</param>
    /// <param name="cancellationToken">Stops the work; the event goes back to PENDING.</param>
    /// <returns><see langword="true"/> when the event was taken (whatever its outcome); <see langword="false"/> when it was not pending.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<bool> ProcessAsync(string projectId, string eventId, CancellationToken cancellationToken)
    {
        var storedEvent = await events.StartEventAsync(projectId, eventId, cancellationToken);
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
