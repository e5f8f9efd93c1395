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
}
