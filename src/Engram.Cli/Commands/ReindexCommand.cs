using System.CommandLine;
using System.Globalization;
using Engram.Cli.Output;
using Microsoft.Extensions.DependencyInjection;

namespace Engram.Cli.Commands;

/// <summary>
/// <c>engram reindex [--batch-size N] [--store sqlite|postgres --connection CONNECTION]</c>: re-embeds every memory of
/// the store (every project, superseded and expired ones included) with the configured embedder (<c>Engram:Embedder:*</c>,
/// <c>--set</c>), then records it as the store's embedder (<see cref="MemoryEngine.ReindexAsync"/>). Resumable: a rerun
/// after Ctrl+C or a crash re-embeds only the memories not done yet. A progress bar goes to stderr; the summary to
/// stdout (a JSON object with <c>--output json</c>). Run it with the servers over the store stopped: until it completes,
/// writes and searches with the new embedder fail with an embedder mismatch.
/// </summary>
internal static class ReindexCommand
{
    /// <summary>Creates the command.</summary>
    /// <param name="context">The CLI context.</param>
    /// <returns>The command.</returns>
    public static Command Create(CliContext context)
    {
        var batchSize = new Option<int>("--batch-size")
        {
            Description = string.Create(
                CultureInfo.InvariantCulture,
                $"Memories embedded and written per transaction, 1..{VectorReindexOptions.MaxBatchSize} (a kill loses at most one batch)."),
            HelpName = "N",
            DefaultValueFactory = _ => VectorReindexOptions.DefaultBatchSize,
        };
        var store = new Option<string?>("--store")
        {
            Description = "The store: sqlite (default, engram.db in the data directory) or postgres (sets Engram:Store:Provider).",
            HelpName = "PROVIDER",
        };
        store.AcceptOnlyFromAmong("sqlite", "postgres");
        var connection = new Option<string?>("--connection")
        {
            Description = "The PostgreSQL connection string for --store postgres (sets Engram:Store:ConnectionString).",
            HelpName = "CONNECTION",
        };
        var command = new Command(
            "reindex",
            "Re-embed every memory with the configured embedder (Engram:Embedder:*, --set) and record it, after the embedder changed. " +
            "Resumable; run it with the servers stopped.");
        command.Options.Add(batchSize);
        command.Options.Add(store);
        command.Options.Add(connection);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var size = parseResult.GetValue(batchSize);
            if (size is < 1 or > VectorReindexOptions.MaxBatchSize)
            {
                throw new CliUsageException(string.Create(CultureInfo.InvariantCulture, $"--batch-size must be between 1 and {VectorReindexOptions.MaxBatchSize}, not {size}."));
            }

            var settings = new List<KeyValuePair<string, string?>>(context.Globals.GetSettings(parseResult));
            if (parseResult.GetValue(store) is { } provider)
            {
                settings.Add(new(PostgresMemoryBuilderExtensions.ProviderKey, provider));
            }

            if (parseResult.GetValue(connection) is { } connectionString)
            {
                settings.Add(new(PostgresMemoryBuilderExtensions.ConnectionStringKey, connectionString));
            }

            var formatter = context.CreateFormatter(parseResult);
            await using var session = await Hosting.EngramSession.OpenAsync(
                context.Globals.GetDataDirectory(parseResult), cancellationToken, settings, UseConfiguredStore);
            var engine = ExportCommand.RequireEngine(session.Memory);
            ReindexStageProgress? progress = null;
            try
            {
                var result = await SpectreStageProgress.RunAsync(context.Stderr, stages =>
                {
                    progress = new ReindexStageProgress(stages);
                    return engine.ReindexAsync(new VectorReindexOptions { BatchSize = size, Progress = progress }, cancellationToken);
                });
                formatter.WriteReindex(result);
                return ExitCodes.Success;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await context.Stderr.WriteLineAsync(string.Create(
                    CultureInfo.InvariantCulture,
                    $"reindex stopped after re-embedding {progress?.Reembedded ?? 0} memories; they stay done. Run `engram reindex` again to finish."));
                throw;
            }
        });
        return command;
    }

    /// <summary>Lets <c>Engram:Store:Provider=postgres</c> replace the SQLite store of the data directory, as <c>engram serve</c> does.</summary>
    private static void UseConfiguredStore(IServiceCollection services, Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        try
        {
            services.AddEngram().TryAddConfiguredPostgresStore(configuration);
        }
        catch (InvalidOperationException ex)
        {
            throw new CliUsageException(ex.Message);
        }
    }
}
