using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Engram.Server;

/// <summary>
/// Per-project ingest and search rates for the dashboard, fed by the engine's own metrics: a <see cref="MeterListener"/>
/// on the "Engram" meter counts <c>engram.operation.duration</c> measurements (one per operation, by
/// <c>engram.operation</c>) and sums <c>engram.memories.added</c>, keyed by <c>db.namespace</c> (the project id), in
/// one-minute buckets over the last hour. In-process figures since the server started; thread-safe.
/// </summary>
internal sealed class UsageRates : IDisposable
{
    /// <summary>The longest window the rates cover, in minutes.</summary>
    public const int WindowMinutes = 60;

    private readonly ConcurrentDictionary<(string Project, string Kind), MinuteBuckets> _buckets = new();
    private readonly MeterListener _listener = new();
    private readonly TimeProvider _time;

    public UsageRates(TimeProvider time)
    {
        _time = time;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == RouteTelemetry.Name && instrument.Name is "engram.operation.duration" or "engram.memories.added")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, _, tags, _) => Record(tags, 1, operation: true));
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) => Record(tags, value, operation: false));
        _listener.Start();
    }

    /// <summary>How many operations of a kind (<c>memory.add</c>, <c>memory.search</c>, …, or <c>memories.added</c> for
    /// stored memories) the project ran in the last <paramref name="minutes"/> minutes (1..60).</summary>
    public long Count(string projectId, string kind, int minutes) =>
        _buckets.TryGetValue((projectId, kind), out var buckets) ? buckets.Sum(CurrentMinute(), Math.Clamp(minutes, 1, WindowMinutes)) : 0;

    public void Dispose() => _listener.Dispose();

    private void Record(ReadOnlySpan<KeyValuePair<string, object?>> tags, long value, bool operation)
    {
        string? project = null;
        var kind = operation ? null : "memories.added";
        foreach (var tag in tags)
        {
            if (tag.Key == "db.namespace")
            {
                project = tag.Value as string;
            }
            else if (operation && tag.Key == "engram.operation")
            {
                kind = tag.Value as string;
            }
        }

        if (project is not null && kind is not null && value > 0)
        {
            _buckets.GetOrAdd((project, kind), static _ => new MinuteBuckets()).Add(CurrentMinute(), value);
        }
    }

    private long CurrentMinute() => _time.GetUtcNow().ToUnixTimeSeconds() / 60;

    /// <summary>A ring of per-minute counts: slot <c>minute % 60</c> holds the count of that minute.</summary>
    private sealed class MinuteBuckets
    {
        private readonly Lock _gate = new();
        private readonly long[] _minutes = new long[WindowMinutes];
        private readonly long[] _counts = new long[WindowMinutes];

        public void Add(long minute, long value)
        {
            var slot = (int)(minute % WindowMinutes);
            lock (_gate)
            {
                if (_minutes[slot] != minute)
                {
                    _minutes[slot] = minute;
                    _counts[slot] = 0;
                }

                _counts[slot] += value;
            }
        }

        public long Sum(long now, int minutes)
        {
            long total = 0;
            lock (_gate)
            {
                for (var slot = 0; slot < WindowMinutes; slot++)
                {
                    if (_minutes[slot] > now - minutes && _minutes[slot] <= now)
                    {
                        total += _counts[slot];
                    }
                }
            }

            return total;
        }
    }
}
