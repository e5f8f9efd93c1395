using System.Diagnostics;
using Engram.Cli.Output;

namespace Engram.Cli.Locomo;

/// <summary>Ingests LoCoMo conversations into a memory, one <see cref="IMemory.AddAsync"/> call per turn, in order.</summary>
/// <param name="memory">The memory to write to.</param>
internal sealed class LocomoIngestor(IMemory memory)
{
    /// <summary>Ingests conversations.</summary>
    /// <param name="samples">The conversations.</param>
    /// <param name="mode">The ingestion mode.</param>
    /// <param name="progress">Receives one step per turn.</param>
    /// <param name="onAcknowledged">Called after each add has returned (so its memories are durable), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">A token to cancel the import.</param>
    /// <returns>What was ingested and how long the adds took.</returns>
    public async Task<LocomoIngestSummary> IngestAsync(
        IReadOnlyList<LocomoSample> samples,
        LocomoMode mode,
        IStageProgress progress,
        Func<LocomoAcknowledgement, CancellationToken, Task>? onAcknowledged,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(progress);
        progress.Start($"{LocomoModeNames.ToName(mode)}: ingest", samples.Sum(s => s.TurnCount));
        var turns = 0;
        var memories = 0;
        var elapsed = TimeSpan.Zero;
        foreach (var sample in samples)
        {
            foreach (var (session, turn) in LocomoTurns.Enumerate(sample))
            {
                var request = LocomoTurns.ToAddRequest(sample, session, turn, mode);
                var started = Stopwatch.GetTimestamp();
                var result = await memory.AddAsync(request, cancellationToken);
                elapsed += Stopwatch.GetElapsedTime(started);
                turns++;
                var ids = result.Results.Where(e => e.Event != MemoryEventType.Delete).Select(e => e.Id).Distinct(StringComparer.Ordinal).ToList();
                memories += result.Results.Count(e => e.Event == MemoryEventType.Add);
                if (onAcknowledged is not null)
                {
                    await onAcknowledged(new LocomoAcknowledgement(sample.SampleId, turn.DiaId, ids), cancellationToken);
                }

                progress.Advance();
            }
        }

        return new LocomoIngestSummary(samples.Count, turns, memories, elapsed.TotalMilliseconds);
    }
}

/// <summary>One acknowledged add: the turn and the ids of the memories it stored or changed.</summary>
/// <param name="SampleId">The conversation.</param>
/// <param name="DiaId">The turn.</param>
/// <param name="Ids">The memory ids of the add's events (deletions excluded).</param>
internal sealed record LocomoAcknowledgement(string SampleId, string DiaId, IReadOnlyList<string> Ids);

/// <summary>The outcome of an ingestion.</summary>
/// <param name="Samples">The conversations ingested.</param>
/// <param name="Turns">The turns ingested (one add each).</param>
/// <param name="Memories">The memories created (<c>ADD</c> events).</param>
/// <param name="AddMilliseconds">The total time spent in add calls.</param>
internal sealed record LocomoIngestSummary(int Samples, int Turns, int Memories, double AddMilliseconds)
{
    /// <summary>Gets the mean add time per turn in milliseconds.</summary>
    public double MillisecondsPerTurn => Turns == 0 ? 0 : AddMilliseconds / Turns;
}
