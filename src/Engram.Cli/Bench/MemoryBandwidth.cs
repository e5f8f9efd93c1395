using System.Diagnostics;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Engram.Cli.Bench;

/// <summary>
/// Measures this machine's sequential read bandwidth from main memory: the physical limit of an exact vector scan,
/// which must read every candidate's bytes once per query.
/// </summary>
internal static class MemoryBandwidth
{
    /// <summary>Reads a buffer repeatedly with one thread and with every core, keeping the best pass of each.</summary>
    /// <param name="bufferBytes">The buffer size; use several times the last-level cache to measure DRAM, not cache.</param>
    /// <param name="passes">The passes per thread count; the best is kept.</param>
    /// <param name="cancellationToken">A token to cancel the measurement.</param>
    /// <returns>Bytes per second with one thread and with <see cref="Environment.ProcessorCount"/> threads.</returns>
    public static BandwidthReport Measure(long bufferBytes, int passes, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferBytes, 1 << 20);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(passes);
        var buffer = GC.AllocateUninitializedArray<long>((int)Math.Min(bufferBytes / sizeof(long), Array.MaxLength));
        buffer.AsSpan().Fill(1);
        var bytes = (long)buffer.Length * sizeof(long);
        var single = Best(buffer, 1, passes, cancellationToken);
        var threads = Environment.ProcessorCount;
        var all = threads > 1 ? Best(buffer, threads, passes, cancellationToken) : single;
        return new BandwidthReport(bytes, bytes / single.TotalSeconds, bytes / all.TotalSeconds, threads);
    }

    private static TimeSpan Best(long[] buffer, int threads, int passes, CancellationToken cancellationToken)
    {
        var best = TimeSpan.MaxValue;
        var sink = 0L;
        for (var pass = 0; pass < passes; pass++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var started = Stopwatch.GetTimestamp();
            var chunk = (buffer.Length + threads - 1) / threads;
            var sums = new long[threads];
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            {
                var start = Math.Min(buffer.Length, t * chunk);
                var end = Math.Min(buffer.Length, start + chunk);
                sums[t] = Sum(buffer.AsSpan(start, end - start));
            });
            var elapsed = Stopwatch.GetElapsedTime(started);
            foreach (var sum in sums)
            {
                sink ^= sum;
            }

            if (elapsed < best)
            {
                best = elapsed;
            }
        }

        GC.KeepAlive(sink);
        return best;
    }

    private static long Sum(ReadOnlySpan<long> values)
    {
        var vectors = MemoryMarshal.Cast<long, Vector<long>>(values);
        Vector<long> a = default, b = default, c = default, d = default;
        var i = 0;
        for (; i + 4 <= vectors.Length; i += 4)
        {
            a += vectors[i];
            b += vectors[i + 1];
            c += vectors[i + 2];
            d += vectors[i + 3];
        }

        for (; i < vectors.Length; i++)
        {
            a += vectors[i];
        }

        var total = Vector.Sum(a + b + c + d);
        for (var k = vectors.Length * Vector<long>.Count; k < values.Length; k++)
        {
            total += values[k];
        }

        return total;
    }
}
