using System.Collections.Concurrent;

namespace Engram.Postgres;

/// <summary>
/// The per-project collection statistics of BM25 (memory count N and mean token count avgdl), kept for a while so
/// that a keyword search does not count the whole project each time (a sequential pass over its rows: ~2.6 ms at
/// 2,000 memories, linear in the project's size).
/// </summary>
/// <remarks>
/// An entry lives <see cref="PostgresStoreOptions.KeywordStatisticsSeconds"/> seconds and is dropped by every write
/// this process commits to its project, so a single server always ranks with exact statistics; another server's
/// writes show after at most the lifetime. A search that read the statistics before a write committed does not store
/// them (each project's generation counts its writes). Thread-safe.
/// </remarks>
internal sealed class KeywordStatisticsCache(TimeSpan lifetime, TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _generations = new(StringComparer.Ordinal);

    /// <summary>Gets whether statistics are kept at all (a positive lifetime).</summary>
    public bool Enabled => lifetime > TimeSpan.Zero;

    /// <summary>Returns the project's live statistics, or <see langword="null"/>; <paramref name="generation"/> is what <see cref="Store"/> needs.</summary>
    public KeywordStatistics? TryGet(string projectId, out long generation)
    {
        generation = _generations.GetValueOrDefault(projectId);
        return Enabled && _entries.TryGetValue(projectId, out var entry) && entry.Generation == generation && timeProvider.GetUtcNow() < entry.ExpiresAt
            ? entry.Statistics
            : null;
    }

    /// <summary>Keeps statistics read at <paramref name="generation"/>, unless a write has committed since.</summary>
    public void Store(string projectId, long generation, KeywordStatistics statistics)
    {
        if (Enabled && _generations.GetValueOrDefault(projectId) == generation)
        {
            _entries[projectId] = new Entry(statistics, generation, timeProvider.GetUtcNow() + lifetime);
        }
    }

    /// <summary>Drops the project's statistics: called after each committed write to it.</summary>
    public void Invalidate(string projectId)
    {
        _generations.AddOrUpdate(projectId, 1, (_, g) => g + 1);
        _entries.TryRemove(projectId, out _);
    }

    private sealed record Entry(KeywordStatistics Statistics, long Generation, DateTimeOffset ExpiresAt);
}

/// <summary>BM25's collection statistics of one project: N memories with avgdl tokens on average.</summary>
internal sealed record KeywordStatistics(double Count, double AverageLength);
