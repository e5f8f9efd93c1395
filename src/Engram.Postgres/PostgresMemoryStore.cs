using System.Globalization;
using Npgsql;

namespace Engram.Postgres;

/// <summary>
/// The PostgreSQL <see cref="IMemoryStore"/> (with <see cref="IEventStore"/>, <see cref="ITenantStore"/>,
/// <see cref="IFeedbackStore"/>, <see cref="IExportStore"/>, <see cref="IScopeCatalog"/>, <see cref="IGraphStore"/>,
/// <see cref="IWebhookStore"/> and <see cref="IMemoryArchiveStore"/>, and erasure): one database shared by any number of
/// stateless Engram servers.
/// </summary>
/// <remarks>
/// <para>Thread-safe: register one instance per process as a singleton; it owns an Npgsql data source (connection pool).
/// Every statement carries the caller's project id as a predicate. Writes of one project are serialised by a
/// transaction-scoped advisory lock on the project id (as SQLite serialises all writes), so concurrent batches of
/// different projects proceed in parallel.</para>
/// <para>Keyword search ranks <c>tsvector</c> matches (GIN index) with Okapi BM25 computed in SQL from the stored term
/// positions, the formula of SQLite FTS5's <c>bm25()</c> (k1 = 1.2, b = 0.75, idf = ln((N − n + 0.5)/(n + 0.5)) floored
/// at 1e-6), with N, n and the average length taken over the project rather than over the whole table.</para>
/// <para>Vectors: with pgvector (<see cref="PostgresVectorMode.Pgvector"/>) an HNSW cosine index answers searches
/// approximately (iterative scans on pgvector ≥ 0.8 keep filtered searches filled); otherwise
/// (<see cref="PostgresVectorMode.ExactArray"/>) vectors are float32 bytes (<c>bytea</c>) and every candidate is scored exactly.</para>
/// <para>Failures surface as <see cref="MemoryStoreException"/>; <see cref="MemoryStoreException.IsTransient"/> is
/// <see langword="true"/> for serialisation failures, deadlocks, lock timeouts and lost connections.</para>
/// </remarks>
public sealed partial class PostgresMemoryStore : IMemoryStore, IAsyncDisposable, IDisposable
{
    private const string StoreName = "postgres";
    private const string MetaVectorMode = "vector_mode";

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _timeProvider;
    private readonly PostgresStoreOptions _options;
    private readonly string _owner = string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}");
    private readonly SemaphoreSlim _initializeGate = new(1, 1);
    private volatile bool _initialized;
    private volatile bool _disposed;
    private PostgresVectorMode _vectorMode;
    private bool _iterativeScan;

    /// <summary>Initializes a new instance. Connects to nothing until the first operation.</summary>
    /// <param name="options">The options; <see cref="PostgresStoreOptions.ConnectionString"/> is required.</param>
    /// <param name="timeProvider">The clock for bookkeeping timestamps and event leases; defaults to <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The connection string is empty or malformed.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The lease or an HNSW parameter is not positive.</exception>
    public PostgresMemoryStore(PostgresStoreOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ConnectionString, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.EventLeaseSeconds, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.HnswM, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.HnswEfConstruction, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.HnswEfSearch, nameof(options));
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        try
        {
            var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
            if (builder.ConnectionStringBuilder.SearchPath is { Length: > 0 } searchPath)
            {
                // Also set per physical connection: a server that ignores startup parameters (PGlite) then honours it.
                builder.UsePhysicalConnectionInitializer(
                    connection =>
                    {
                        using var command = SearchPathCommand(connection, searchPath);
                        command.ExecuteNonQuery();
                    },
                    async connection =>
                    {
                        using var command = SearchPathCommand(connection, searchPath);
                        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
                    });
            }

            _dataSource = builder.Build();
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"Invalid PostgreSQL connection string: {ex.Message}", nameof(options), ex);
        }
    }

    /// <inheritdoc/>
    /// <value>Always <c>postgres</c>.</value>
    public string Name => StoreName;

    /// <summary>Gets how vectors are stored and searched; known after <see cref="InitializeAsync"/>.</summary>
    public PostgresVectorMode VectorMode => _vectorMode;

    /// <summary>Gets the identity this instance claims events under (machine, process id and a random suffix).</summary>
    public string Owner => _owner;

    /// <inheritdoc/>
    /// <remarks>
    /// Under a transaction-scoped advisory lock (so that several servers starting together migrate once): creates the
    /// version table, tries <c>CREATE EXTENSION IF NOT EXISTS vector</c> on a fresh database (in a savepoint; a failure
    /// selects the exact fallback) and applies the missing migrations.
    /// </remarks>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_initialized)
        {
            return;
        }

        await _initializeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_initialized)
            {
                return;
            }

            var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    await ExecuteAsync(connection, string.Create(CultureInfo.InvariantCulture, $"SELECT pg_advisory_xact_lock({PostgresSchema.MigrationLockKey});"), cancellationToken).ConfigureAwait(false);
                    await ExecuteAsync(connection, "CREATE TABLE IF NOT EXISTS engram_schema_version (version integer PRIMARY KEY, applied_at text NOT NULL);", cancellationToken).ConfigureAwait(false);
                    var version = Convert.ToInt32(
                        await ScalarAsync(connection, "SELECT coalesce(max(version), 0) FROM engram_schema_version;", cancellationToken).ConfigureAwait(false),
                        CultureInfo.InvariantCulture);
                    if (version > PostgresSchema.CurrentVersion)
                    {
                        throw new MemoryStoreException(
                            $"The PostgreSQL database has Engram schema version {version}, but this version of Engram knows up to version {PostgresSchema.CurrentVersion}. Upgrade Engram to open it.")
                        {
                            Store = StoreName,
                            Operation = "initialize",
                        };
                    }

                    if (version == 0)
                    {
                        _vectorMode = _options.UsePgvector && await TryCreateVectorExtensionAsync(connection, transaction, cancellationToken).ConfigureAwait(false)
                            ? PostgresVectorMode.Pgvector
                            : PostgresVectorMode.ExactArray;
                    }
                    else
                    {
                        var mode = await ScalarAsync(connection, $"SELECT value FROM meta WHERE key = '{MetaVectorMode}';", cancellationToken).ConfigureAwait(false) as string;
                        _vectorMode = mode == "pgvector" ? PostgresVectorMode.Pgvector : PostgresVectorMode.ExactArray;
                    }

                    var now = PostgresValues.FormatTimestamp(_timeProvider.GetUtcNow());
                    for (var i = version; i < PostgresSchema.CurrentVersion; i++)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        var sql = PostgresSchema.Migrations[i].Replace(
                            PostgresSchema.VectorTypeToken, _vectorMode == PostgresVectorMode.Pgvector ? "vector" : "bytea", StringComparison.Ordinal);
                        await ExecuteAsync(connection, sql, cancellationToken).ConfigureAwait(false);
                        using var record = new NpgsqlCommand("INSERT INTO engram_schema_version (version, applied_at) VALUES (@version, @at);", connection);
                        record.Parameters.Add(PostgresValues.Integer("version", i + 1));
                        record.Parameters.Add(PostgresValues.Text("at", now));
                        await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    if (version == 0)
                    {
                        using var meta = new NpgsqlCommand($"INSERT INTO meta (key, value) VALUES ('{MetaVectorMode}', @mode);", connection);
                        meta.Parameters.Add(PostgresValues.Text("mode", _vectorMode == PostgresVectorMode.Pgvector ? "pgvector" : PostgresSchema.FallbackVectorMode));
                        await meta.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    if (_vectorMode == PostgresVectorMode.Pgvector)
                    {
                        var extension = await ScalarAsync(connection, "SELECT extversion FROM pg_extension WHERE extname = 'vector';", cancellationToken).ConfigureAwait(false) as string;
                        _iterativeScan = Version.TryParse(extension, out var parsed) && parsed >= new Version(0, 8);
                    }

                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            _initialized = true;
        }
        catch (NpgsqlException ex)
        {
            throw Map(ex, "initialize");
        }
        finally
        {
            _initializeGate.Release();
        }
    }

    /// <summary>Gets the size of the current database (<c>pg_database_size</c>), in bytes: tables, indexes and TOAST of every project.</summary>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The size in bytes.</returns>
    /// <exception cref="MemoryStoreException">The server cannot be reached.</exception>
    public Task<long> GetDatabaseSizeBytesAsync(CancellationToken cancellationToken = default) =>
        RunAsync("size", write: false, async connection =>
            Convert.ToInt64(await ScalarAsync(connection, "SELECT pg_database_size(current_database());", cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture),
            cancellationToken);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _dataSource.DisposeAsync().ConfigureAwait(false);
        _initializeGate.Dispose();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _dataSource.Dispose();
        _initializeGate.Dispose();
    }

    private static async Task<bool> TryCreateVectorExtensionAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await transaction.SaveAsync("vector_extension", cancellationToken).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(connection, "CREATE EXTENSION IF NOT EXISTS vector;", cancellationToken).ConfigureAwait(false);
            await transaction.ReleaseAsync("vector_extension", cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (PostgresException)
        {
            // Not installed (58P01), no privilege (42501), …: the exact fallback answers.
            await transaction.RollbackAsync("vector_extension", cancellationToken).ConfigureAwait(false);
            return false;
        }
    }

    private async Task EnsureInitializedAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_initialized)
        {
            await InitializeAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Runs <paramref name="body"/> on a pooled connection, in a transaction when <paramref name="write"/>, mapping failures.</summary>
    private async Task<T> RunAsync<T>(string operation, bool write, Func<NpgsqlConnection, Task<T>> body, CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                if (!write)
                {
                    return await body(connection).ConfigureAwait(false);
                }

                var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    var result = await body(connection).ConfigureAwait(false);
                    cancellationToken.ThrowIfCancellationRequested();
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    return result;
                }
            }
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation && operation is "write" or "erase")
        {
            // Only ids a caller chose can collide (an import's lines); the transaction is rolled back, nothing is written.
            throw new MemoryValidationException(
                "The write names an id (of a memory, message or history entry) that the project already has, or that it names twice; nothing was written.", "id", ex);
        }
        catch (NpgsqlException ex)
        {
            throw Map(ex, operation);
        }
    }

    private static NpgsqlCommand SearchPathCommand(NpgsqlConnection connection, string searchPath)
    {
        var command = new NpgsqlCommand("SELECT set_config('search_path', @path, false);", connection);
        command.Parameters.Add(PostgresValues.Text("path", searchPath));
        return command;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is DBNull ? null : value;
    }

    private static async Task LockProjectAsync(NpgsqlConnection connection, string projectId, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended(@project, 0));", connection);
        command.Parameters.Add(PostgresValues.Text("project", projectId));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static MemoryStoreException Map(NpgsqlException exception, string operation)
    {
        var detail = exception.Message.ReplaceLineEndings(" ");
        var transient = exception.IsTransient || exception is PostgresException { SqlState: "40001" or "40P01" or "55P03" or "53300" or "57P01" };
        return new MemoryStoreException($"PostgreSQL {operation} failed: {detail}", exception)
        {
            IsTransient = transient,
            Store = StoreName,
            Operation = operation,
        };
    }
}
