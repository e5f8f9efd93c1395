namespace Engram.Cli.Locomo;

/// <summary>Percentiles of measured durations (nearest-rank method: the smallest value with at least p% of values at or below it).</summary>
internal static class LatencyStats
{
    /// <summary>Computes a nearest-rank percentile.</summary>
    /// <param name="values">The values, in any order.</param>
    /// <param name="percentile">The percentile in (0, 100].</param>
    /// <returns>The percentile, or 0 when there are no values.</returns>
    public static double Percentile(IReadOnlyCollection<double> values, double percentile)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(percentile);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentile, 100);
        if (values.Count == 0)
        {
            return 0;
        }

        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(percentile / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }
}
