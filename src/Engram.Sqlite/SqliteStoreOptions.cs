namespace Engram.Sqlite;

/// <summary>Configures <see cref="SqliteMemoryStore"/>: the database file and its durability and locking settings.</summary>
/// <remarks>Read once by the store's constructor; changing an instance afterwards has no effect on that store.</remarks>
public sealed class SqliteStoreOptions
{
    /// <summary>Gets or sets the path of the database file, for example <c>engram-data/engram.db</c>.</summary>
    /// <value>Required. A relative path is resolved against the current directory; a missing parent directory is created.</value>
    public string DatabasePath { get; set; } = string.Empty;

    /// <summary>
    /// Gets or sets how long, in milliseconds, a statement waits for another connection or process to release the
    /// database lock before it fails with a transient <see cref="MemoryStoreException"/>.
    /// </summary>
    /// <value>Defaults to 5000 (5 seconds). Must be ≥ 0.</value>
    public int BusyTimeoutMilliseconds { get; set; } = 5000;

    /// <summary>Gets or sets the commit durability (<c>PRAGMA synchronous</c>).</summary>
    /// <value>
    /// Defaults to <see cref="SqliteSynchronousMode.Full"/>, which survives power loss;
    /// <see cref="SqliteSynchronousMode.Normal"/> survives process crashes only.
    /// </value>
    public SqliteSynchronousMode Synchronous { get; set; } = SqliteSynchronousMode.Full;

    /// <summary>
    /// Gets or sets a value indicating whether searches are answered from an in-memory index of each user's memories
    /// (int8 and sign codes of the vectors, BM25 term counts, entity links), loaded on a user's first search and kept in
    /// sync with the file. Results are the same as without it: vector candidates are re-scored exactly from the stored
    /// float32 vectors, and BM25 is computed as FTS5 computes it. Filters other than scope identifiers use SQL.
    /// </summary>
    /// <value>Defaults to <see langword="true"/>. About 1 KB per memory plus the vector's dimension in bytes.</value>
    public bool InMemoryIndex { get; set; } = true;
}
