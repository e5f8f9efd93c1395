using Microsoft.Extensions.Options;

namespace Engram.Server;

/// <summary>
/// Erases expired memories (<see cref="MemoryEngine.EraseExpiredAsync"/>) of every project that has an API key, at
/// start-up and then every <see cref="RetentionOptions.SweepInterval"/>, so that an <c>expiration_date</c> removes the
/// text rather than only hiding it.
/// </summary>
/// <remarks>A failed sweep is logged (ids and counts only) and retried at the next interval.</remarks>
internal sealed class RetentionSweeper(
    IOptions<RetentionOptions> options,
    ITenantStore tenants,
    MemoryEngine engine,
    TimeProvider time,
    ILogger<RetentionSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return;
        }

        await Task.Yield();
        using var timer = new PeriodicTimer(settings.SweepInterval, time);
        try
        {
            do
            {
                await SweepAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown.
        }
    }

    /// <summary>Runs one sweep over every project with a key.</summary>
    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        try
        {
            var keys = await tenants.ListApiKeysAsync(cancellationToken);
            foreach (var projectId in keys.Select(k => k.ProjectId).Distinct(StringComparer.Ordinal))
            {
                var receipt = await engine.ForProject(projectId).EraseExpiredAsync(cancellationToken);
                if (receipt.Memories > 0)
                {
                    Log.ExpiredErased(logger, receipt.Memories, projectId, receipt.Compacted);
                }
            }
        }
        catch (Exception ex) when (ex is MemoryStoreException or IOException)
        {
            Log.SweepFailed(logger, ex);
        }
    }
}
