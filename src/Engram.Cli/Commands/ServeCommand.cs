using System.CommandLine;
using Engram.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Engram.Cli.Commands;

/// <summary>
/// <c>engram serve [--urls URL] [--data DIR]</c>: hosts Engram's Mem0-compatible REST server (the same application as
/// <c>Engram.Server</c>) over the data directory until Ctrl+C or SIGTERM. On first start it creates an API key and prints
/// it once (or registers <c>ENGRAM_API_KEY</c>); then it prints the listening address. Logs go to standard error
/// (Warning and above; <c>ENGRAM_LOG_LEVEL</c> changes the level).
/// </summary>
internal static class ServeCommand
{
    /// <summary>Creates the command.</summary>
    /// <param name="context">The CLI context.</param>
    /// <returns>The command.</returns>
    public static Command Create(CliContext context)
    {
        var urls = new Option<string?>("--urls")
        {
            Description = $"The address(es) to listen on, ';'-separated; port 0 picks a free port. Default: {EngramServerOptions.DefaultUrls} (loopback only).",
            HelpName = "URL",
        };
        var store = new Option<string?>("--store")
        {
            Description = "The store: sqlite (default, engram.db in the data directory) or postgres (sets Engram:Store:Provider).",
            HelpName = "PROVIDER",
        };
        var connection = new Option<string?>("--connection")
        {
            Description = "The PostgreSQL connection string for --store postgres (sets Engram:Store:ConnectionString).",
            HelpName = "CONNECTION",
        };
        var command = new Command(
            "serve",
            "Serve the Mem0 Platform REST API (Mem0's official clients work unchanged: set their host to this address).");
        command.Options.Add(urls);
        command.Options.Add(store);
        command.Options.Add(connection);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var dataDirectory = Path.GetFullPath(context.Globals.GetDataDirectory(parseResult));
            var listen = parseResult.GetValue(urls);
            if (listen is not null && string.IsNullOrWhiteSpace(listen))
            {
                throw new CliUsageException("--urls must name at least one address, for example http://127.0.0.1:8765.");
            }

            try
            {
                Directory.CreateDirectory(dataDirectory);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new CliDataException($"Data directory '{dataDirectory}' cannot be created: {ex.Message}", ex);
            }

            // Configuration, later sources winning: DIR/appsettings.json and environment variables (WebApplication's
            // defaults), ./appsettings.json as for the other commands, then --set KEY=VALUE and the data directory.
            var settings = context.Globals.GetSettings(parseResult);
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = dataDirectory });
            ConfigureLogging(builder.Logging);
            builder.Configuration.AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), optional: true);
            builder.Configuration.AddInMemoryCollection(settings);
            if (parseResult.GetValue(store) is { } provider)
            {
                builder.Configuration.AddInMemoryCollection([new KeyValuePair<string, string?>(PostgresMemoryBuilderExtensions.ProviderKey, provider)]);
            }

            if (parseResult.GetValue(connection) is { } connectionString)
            {
                builder.Configuration.AddInMemoryCollection([new KeyValuePair<string, string?>(PostgresMemoryBuilderExtensions.ConnectionStringKey, connectionString)]);
            }

            builder.Configuration.AddInMemoryCollection(
                [new KeyValuePair<string, string?>($"{EngramServerOptions.SectionName}:{nameof(EngramServerOptions.DataDirectory)}", dataDirectory)]);
            if (listen is not null)
            {
                builder.WebHost.UseUrls(listen);
            }

            builder.Services.AddSingleton(new ServerConsole(context.Stdout));
            builder.AddEngramServer();

            await using var app = builder.Build();
            app.MapEngramServer();
            await app.StartAsync(cancellationToken);
            await context.Stdout.WriteLineAsync(
                $"Engram is serving the Mem0 API on {string.Join(", ", app.Urls)} (data: {dataDirectory}). Press Ctrl+C to stop.");
            await context.Stdout.WriteLineAsync($"Dashboard: {app.Urls.First().TrimEnd('/')}/ui/ (sign in with an API key).");
            await context.Stdout.FlushAsync(cancellationToken);
            await app.WaitForShutdownAsync(cancellationToken);
            return ExitCodes.Success;
        });
        return command;
    }

    private static void ConfigureLogging(ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        var level = Environment.GetEnvironmentVariable(Hosting.EngramSession.LogLevelVariable);
        if (Enum.TryParse<LogLevel>(level, ignoreCase: true, out var minimum))
        {
            logging.SetMinimumLevel(minimum);
            return;
        }

        // By default: warnings and errors, but a failed start is reported once, as the command's own one-line error.
        logging.SetMinimumLevel(LogLevel.Warning);
        logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
    }
}
