namespace Engram.Sqlite;

/// <summary>How hard SQLite flushes to disk at each commit (<c>PRAGMA synchronous</c>), in WAL mode.</summary>
public enum SqliteSynchronousMode
{
    /// <summary>
    /// <c>NORMAL</c>: the WAL is synced only at checkpoints. A committed write survives a process crash but the last
    /// transactions may be lost on power loss or an operating-system crash. Faster for many small writes.
    /// </summary>
    Normal,

    /// <summary>
    /// <c>FULL</c>: the WAL is synced at every commit, so a committed write survives power loss and operating-system
    /// crashes as well as process crashes. The default.
    /// </summary>
    Full,
}
