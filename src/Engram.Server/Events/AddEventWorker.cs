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
    AddEventProcessor processor,
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
                    await processor.ProcessAsync(key.ProjectId, key.EventId, stoppingToken);
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
                progressed |= await processor.ProcessAsync(storedEvent.ProjectId, storedEvent.Id, cancellationToken);
            }

            if (!progressed)
            {
                return;
            }
        }
    }
}
