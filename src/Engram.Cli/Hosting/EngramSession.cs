using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Engram.Cli.Hosting;

/// <summary>
/// The engine for one data directory, composed on the generic host: <c>AddEngram()</c> with the SQLite store at
/// <c>DIR/engram.db</c>. Logging is silent unless the <c>ENGRAM_LOG_LEVEL</c> environment variable names a level
/// (Trace … Critical); logs then go to standard error, never to standard output. Engine options are read from
/// environment variables under <c>ENGRAM__</c> (for example <c>ENGRAM__RETRIEVAL__USEVECTOR=false</c>).
/// </summary>
internal sealed class EngramSession : IAsyncDisposable
{
    /// <summary>The database file name inside the data directory.</summary>
    public const string DatabaseFileName = "engram.db";

    /// <summary>The configuration section bound to <see cref="MemoryOptions"/> (environment variables <c>ENGRAM__…</c>).</summary>
    public const string ConfigurationSection = "Engram";

    /// <summary>The environment variable that turns logging on (a <see cref="LogLevel"/> name).</summary>
    public const string LogLevelVariable = "ENGRAM_LOG_LEVEL";

    private readonly IHost _host;

    private EngramSession(IHost host)
    {
        _host = host;
        Memory = host.Services.GetRequiredService<IMemory>();
    }

    /// <summary>Gets the memory.</summary>
    public IMemory Memory { get; }

    /// <summary>Gets the host's services.</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>Opens the engine over a data directory, creating the directory when needed.</summary>
    /// <param name="dataDirectory">The data directory.</param>
    /// <param name="cancellationToken">A token to cancel the start.</param>
    /// <returns>The started session; dispose it to stop the host.</returns>
    /// <exception cref="CliDataException">The directory cannot be created.</exception>
    /// <param name="settings">Configuration values that override appsettings.json and the environment (<c>--set</c>).</param>
    /// <param name="configureServices">Adds host services (for example an MCP server) after the engine is registered.</param>
    public static async Task<EngramSession> OpenAsync(
        string dataDirectory,
        CancellationToken cancellationToken,
        IReadOnlyList<KeyValuePair<string, string?>>? settings = null,
        Action<IServiceCollection, IConfiguration>? configureServices = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        var fullPath = Path.GetFullPath(dataDirectory);
        try
        {
            Directory.CreateDirectory(fullPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliDataException($"Data directory '{dataDirectory}' cannot be created: {ex.Message}", ex);
        }

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = "engram",
            ContentRootPath = fullPath,
            DisableDefaults = true,
        });
        ConfigureLogging(builder.Logging);
        builder.Services.AddSingleton<IHostLifetime, CliHostLifetime>();
        // Configuration, later sources winning: ./appsettings.json, ENGRAM__… environment variables
        // (ENGRAM__RETRIEVAL__VECTORWEIGHT=0.3 sets Engram:Retrieval:VectorWeight), then --set KEY=VALUE.
        builder.Configuration.AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), optional: true);
        builder.Configuration.AddEnvironmentVariables();
        if (settings is { Count: > 0 })
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Services.Configure<MemoryOptions>(builder.Configuration.GetSection(ConfigurationSection));
        builder.Services.AddEngram()
            .WithSqliteStore(Path.Combine(fullPath, DatabaseFileName))
            .WithConfiguredProviders(builder.Configuration);
        configureServices?.Invoke(builder.Services, builder.Configuration);

        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
            return new EngramSession(host);
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    /// <summary>Waits until a hosted service stops the application (for example when an MCP client closes stdin).</summary>
    /// <param name="cancellationToken">A token to stop waiting.</param>
    /// <returns>A task that completes when the host is shutting down.</returns>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken) => _host.WaitForShutdownAsync(cancellationToken);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync(CancellationToken.None);
        }
        finally
        {
            if (_host is IAsyncDisposable asyncDisposable)
            {
                await asyncDisposable.DisposeAsync();
            }
            else
            {
                _host.Dispose();
            }
        }
    }

    private static void ConfigureLogging(ILoggingBuilder logging)
    {
        logging.ClearProviders();
        var level = Environment.GetEnvironmentVariable(LogLevelVariable);
        if (Enum.TryParse<LogLevel>(level, ignoreCase: true, out var minimum) && minimum != LogLevel.None)
        {
            logging.SetMinimumLevel(minimum);
            logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        }
        else
        {
            logging.SetMinimumLevel(LogLevel.None);
        }
    }

    /// <summary>A lifetime that neither waits for nor handles console signals: the CLI handles Ctrl+C itself.</summary>
    private sealed class CliHostLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
