using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Engram.Sqlite;

/// <summary>
/// The embedded SQLite <see cref="IMemoryStore"/>: one database file in WAL mode holding memories with their vectors
/// (float32 blobs, exact cosine scan), an FTS5 index for BM25, history, raw messages and entity links.
/// </summary>
/// <remarks>
/// <para>Thread-safe: register one instance as a singleton. Each operation opens a pooled connection; several instances
/// and several processes may share the same file, because every write runs in one <c>BEGIN IMMEDIATE</c> transaction
/// and waits up to <see cref="SqliteStoreOptions.BusyTimeoutMilliseconds"/> for the write lock.</para>
/// <para>Every statement is restricted to the caller's project id. The embedder id and dimension are recorded on the
/// first write that carries a vector; later vectors from another embedder are refused with
/// <see cref="EmbeddingMismatchException"/>.</para>
/// <para>SQLite failures surface as <see cref="MemoryStoreException"/> (<see cref="MemoryStoreException.IsTransient"/> is
/// <see langword="true"/> for lock contention); a file that is not a SQLite database, is corrupt or comes from a newer
/// schema version is reported with its path.</para>
/// </remarks>
public sealed partial class SqliteMemoryStore : IMemoryStore, IDisposable
{
    private const string StoreName = "sqlite";
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteCorrupt = 11;
    private const int SqliteNotADatabase = 26;

    private readonly string _path;
    private readonly string _connectionString;
    private readonly string _connectionPragmas;
    private readonly TimeProvider _timeProvider;
    private volatile bool _initialized;
    private volatile bool _disposed;

    /// <summary>Initializes a new instance. Touches no file until the first operation.</summary>
    /// <param name="options">The options; <see cref="SqliteStoreOptions.DatabasePath"/> is required.</param>
    /// <param name="timeProvider">The clock, used for bookkeeping timestamps; defaults to <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The database path is empty or invalid.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The busy timeout is negative or the synchronous mode is not defined.</exception>
    public SqliteMemoryStore(SqliteStoreOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.DatabasePath, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(options.BusyTimeoutMilliseconds, nameof(options));
        if (!Enum.IsDefined(options.Synchronous))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Synchronous, "Unknown synchronous mode.");
        }

        _path = Path.GetFullPath(options.DatabasePath);
        _timeProvider = timeProvider ?? TimeProvider.System;
        _index = options.InMemoryIndex && Environment.GetEnvironmentVariable("ENGRAM_AB_NOINDEX") is null ? new MemoryIndex() : null;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,

            // Microsoft.Data.Sqlite also retries busy statements until the command timeout (seconds; 0 would mean forever).
            DefaultTimeout = Math.Max(1, (options.BusyTimeoutMilliseconds + 999) / 1000),
        }.ToString();
        var synchronous = options.Synchronous == SqliteSynchronousMode.Full ? "FULL" : "NORMAL";
        _connectionPragmas = string.Create(
            CultureInfo.InvariantCulture,
            $"PRAGMA busy_timeout = {options.BusyTimeoutMilliseconds}; PRAGMA synchronous = {synchronous}; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;");
    }

    /// <inheritdoc/>
    /// <value>Always <c>sqlite</c>.</value>
    public string Name => StoreName;

    /// <summary>Gets the full path of the database file.</summary>
    public string DatabasePath => _path;

    /// <inheritdoc/>
    /// <remarks>
    /// Creates the parent directory and the file when missing, switches the file to WAL mode and applies the
    /// migrations the file lacks (recorded in <c>PRAGMA user_version</c>) in one <c>BEGIN IMMEDIATE</c> transaction,
    /// so concurrent initialisations from several processes are safe. Other operations call it on first use.
    /// </remarks>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_initialized)
        {
            return;
        }

        try
        {
            var directory = Path.GetDirectoryName(_path);
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new MemoryStoreException($"Cannot create the directory of the SQLite database '{_path}': {ex.Message}", ex)
            {
                Store = StoreName,
                Operation = "initialize",
            };
        }

        try
        {
            var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var mode = Convert.ToString(await ScalarAsync(connection, "PRAGMA journal_mode;", cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
                if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                {
                    await ScalarAsync(connection, "PRAGMA journal_mode = WAL;", cancellationToken).ConfigureAwait(false);
                }

                await MigrateAsync(connection, cancellationToken).ConfigureAwait(false);
                await EnableFullTextSecureDeleteAsync(connection, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (SqliteException ex)
        {
            throw Map(ex, "initialize");
        }

        _initialized = true;
    }

    /// <summary>Runs <c>PRAGMA integrity_check</c> over the whole file.</summary>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The rows the check reports: a single <c>ok</c> when the database is healthy, else one line per problem.</returns>
    /// <exception cref="MemoryStoreException">The database cannot be read.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public async Task<IReadOnlyList<string>> CheckIntegrityAsync(CancellationToken cancellationToken = default)
    {
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                using var command = connection.CreateCommand();
                command.CommandText = "PRAGMA integrity_check;";
                var rows = new List<string>();
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        rows.Add(reader.GetString(0));
                    }
                }

                return rows;
            }
        }
        catch (SqliteException ex)
        {
            throw Map(ex, "integrity_check");
        }
    }

    /// <summary>Gets the size of the main database file as SQLite sees it (<c>page_count × page_size</c>).</summary>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The size in bytes, excluding the WAL file.</returns>
    /// <exception cref="MemoryStoreException">The database cannot be read.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public async Task<long> GetDatabaseSizeBytesAsync(CancellationToken cancellationToken = default)
    {
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var size = await ScalarAsync(connection, "SELECT p.page_count * s.page_size FROM pragma_page_count() p, pragma_page_size() s;", cancellationToken).ConfigureAwait(false);
                return Convert.ToInt64(size, CultureInfo.InvariantCulture);
            }
        }
        catch (SqliteException ex)
        {
            throw Map(ex, "size");
        }
    }

    /// <summary>Releases this store's idle pooled connections. Other instances over the same file keep working.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        DisposeIndex();
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    private async Task EnsureInitializedAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_initialized)
        {
            await InitializeAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task MigrateAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        var version = Convert.ToInt32(await ScalarAsync(connection, "PRAGMA user_version;", cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        if (version > SqliteSchema.CurrentVersion)
        {
            throw new MemoryStoreException(
                $"The SQLite database '{_path}' has schema version {version}, but this version of Engram knows up to version {SqliteSchema.CurrentVersion}. Upgrade Engram to open it.")
            {
                Store = StoreName,
                Operation = "initialize",
            };
        }

        if (version == SqliteSchema.CurrentVersion)
        {
            return;
        }

        for (var i = version; i < SqliteSchema.CurrentVersion; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await ScalarAsync(connection, SqliteSchema.Migrations[i], cancellationToken).ConfigureAwait(false);
        }

        await ScalarAsync(connection, string.Create(CultureInfo.InvariantCulture, $"PRAGMA user_version = {SqliteSchema.CurrentVersion};"), cancellationToken).ConfigureAwait(false);
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "INSERT INTO meta (key, value) VALUES ('schema_migrated_at', @at) ON CONFLICT (key) DO UPDATE SET value = excluded.value;";
            command.Parameters.AddWithValue("@at", SqliteValues.FormatTimestamp(_timeProvider.GetUtcNow()));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            using var command = connection.CreateCommand();
            command.CommandText = _connectionPragmas;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    private MemoryStoreException Map(SqliteException exception, string operation)
    {
        var code = exception.SqliteErrorCode & 0xFF;
        var detail = exception.Message.ReplaceLineEndings(" ");
        if (code is SqliteNotADatabase or SqliteCorrupt)
        {
            return new MemoryStoreException($"The file '{_path}' is not a SQLite database or is corrupt ({detail}).", exception)
            {
                Store = StoreName,
                Operation = operation,
            };
        }

        return new MemoryStoreException($"SQLite {operation} on '{_path}' failed: {detail}", exception)
        {
            IsTransient = code is SqliteBusy or SqliteLocked,
            Store = StoreName,
            Operation = operation,
        };
    }
}
