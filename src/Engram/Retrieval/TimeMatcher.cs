namespace Engram;

/// <summary>
/// Decides whether a memory was observed at a time the query asks about ("What did Tim say on 16 November, 2023?",
/// "What did John do in August 2023?"): its <see cref="MemoryItem.ObservedAt"/> day falls within a date range of the
/// query, or up to <see cref="RetrievalOptions.TimeWindowDays"/> days after it, because people tell of an event after
/// it happened ("last Friday I …"). Stateless and thread-safe.
/// </summary>
internal static class TimeMatcher
{
    /// <summary>Gets a value indicating whether an observation time matches one of the query's date ranges.</summary>
    /// <param name="observedAt">When the memory's source was said.</param>
    /// <param name="ranges">The query's date ranges (<see cref="QueryFeatures.Dates"/>).</param>
    /// <param name="windowDays">How many days after a range still match (≥ 0).</param>
    /// <returns><see langword="true"/> when the UTC calendar day of <paramref name="observedAt"/> matches.</returns>
    public static bool Matches(DateTimeOffset observedAt, IReadOnlyList<DateRange> ranges, int windowDays)
    {
        var day = DateOnly.FromDateTime(observedAt.UtcDateTime);
        foreach (var range in ranges)
        {
            if (day >= range.Start && day.DayNumber <= range.End.DayNumber + windowDays)
            {
                return true;
            }
        }

        return false;
    }
}
