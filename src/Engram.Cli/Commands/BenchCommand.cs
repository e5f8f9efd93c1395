using System.CommandLine;
using Engram.Cli.Bench;
using Engram.Cli.Output;

namespace Engram.Cli.Commands;

/// <summary>
/// <c>engram bench</c>: the macro benchmark (issue 6) on the real engine and SQLite store, in a temporary directory
/// unless <c>--dir</c> names one to keep and reuse (<c>--data</c> is not used).
/// </summary>
internal static class BenchCommand
{
    /// <summary>The help text of <c>bench</c>.</summary>
    public const string Description =
        "Benchmark the engine on synthetic memories (1k per user by default): batched and one-by-one add throughput (infer=false), " +
        "search p50/p95/p99 user-scoped and project-wide (engine and vector search alone), cold start and resident memory in a fresh " +
        "process, database size, and the vector bytes read per query beside this machine's memory bandwidth. Prints each target of " +
        "docs/performance.md with its measured value. Runs in a temporary directory unless --dir is given (--data is ignored).";

    /// <summary>Creates the command.</summary>
    /// <param name="context">The CLI context.</param>
    /// <returns>The command.</returns>
    public static Command Create(CliContext context)
    {
        var defaults = new BenchOptions();
        var memories = OptionParsers.Int("--memories", "The memories ingested in batches (e.g. 10000, 100000, 1000000).", defaults.Memories);
        memories.Aliases.Add("-n");
        var perUser = OptionParsers.Int("--per-user", "Memories per user; users = memories / per-user.", defaults.MemoriesPerUser);
        var batchSize = OptionParsers.Int("--batch-size", "Messages per batched add (one memory each with infer=false).", defaults.BatchSize);
        var workers = OptionParsers.Int("--ingest-workers", "Batched adds running at once during the ingest (each on its own users).", defaults.IngestWorkers);
        var singleAdds = OptionParsers.Int("--single-adds", "One-message adds timed after the batched ingest (0 to skip).", defaults.SingleAdds);
        var queries = OptionParsers.Int("--queries", "Timed user-scoped searches.", defaults.Queries);
        var projectQueries = OptionParsers.Int("--project-queries", "Timed project-wide searches (user_id \"*\").", defaults.ProjectQueries);
        var recallQueries = OptionParsers.Int("--recall-queries", "Vector searches of each kind compared with an exact scan to measure recall (0 to skip).", defaults.RecallQueries);
        var topK = OptionParsers.Int("--top-k", "Results per search (1..1000).", defaults.TopK);
        topK.Aliases.Add("-k");
        var bandwidthMb = OptionParsers.Int("--bandwidth-mb", "The buffer read to measure memory bandwidth, in MiB (≥ 16).", (int)(defaults.BandwidthBytes >> 20));
        var seed = OptionParsers.Int("--seed", "The seed of the synthetic memories and queries.", defaults.Seed);
        var directory = new Option<string?>("--dir")
        {
            Description = "Keep the benchmark database in DIR and reuse it when it was built with the same sizes and seed (ingest is then not measured).",
            HelpName = "DIR",
        };
        var fresh = new Option<bool>("--fresh") { Description = "Rebuild the database in --dir even when it could be reused." };
        var noColdStart = new Option<bool>("--no-cold-start") { Description = "Skip the child process that measures cold start and resident memory." };
        var noIndex = new Option<bool>("--no-index") { Description = "Run without the SQLite store's in-memory index (the SQL paths), to compare." };

        var store = new Option<string?>("--store") { Description = "The store: sqlite (default) or postgres (needs --connection; cold start is then not measured).", HelpName = "PROVIDER" };
        var connection = new Option<string?>("--connection") { Description = "The PostgreSQL connection string for --store postgres; the project 'default' there is reset.", HelpName = "CONNECTION" };

        var command = new Command("bench", Description);
        foreach (var option in new Option[] { memories, perUser, batchSize, workers, singleAdds, queries, projectQueries, recallQueries, topK, bandwidthMb, seed, directory, fresh, noColdStart, noIndex, store, connection })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var postgres = parseResult.GetValue(store) switch
            {
                null or "sqlite" => null,
                "postgres" => parseResult.GetValue(connection) ?? throw new CliUsageException("--store postgres needs --connection CONNECTION."),
                var other => throw new CliUsageException($"Unknown store '{other}': use sqlite or postgres."),
            };
            var options = new BenchOptions
            {
                PostgresConnection = postgres,
                Memories = Positive(parseResult.GetValue(memories), "--memories"),
                MemoriesPerUser = Positive(parseResult.GetValue(perUser), "--per-user"),
                BatchSize = Positive(parseResult.GetValue(batchSize), "--batch-size"),
                IngestWorkers = Range(parseResult.GetValue(workers), "--ingest-workers", 1, 64),
                SingleAdds = NonNegative(parseResult.GetValue(singleAdds), "--single-adds"),
                Queries = Positive(parseResult.GetValue(queries), "--queries"),
                ProjectQueries = Positive(parseResult.GetValue(projectQueries), "--project-queries"),
                RecallQueries = NonNegative(parseResult.GetValue(recallQueries), "--recall-queries"),
                TopK = Range(parseResult.GetValue(topK), "--top-k", 1, 1000),
                BandwidthBytes = (long)Range(parseResult.GetValue(bandwidthMb), "--bandwidth-mb", 16, 16_384) << 20,
                Seed = parseResult.GetValue(seed) ?? defaults.Seed,
                Directory = parseResult.GetValue(directory),
                Fresh = parseResult.GetValue(fresh),
                ColdStart = !parseResult.GetValue(noColdStart) && postgres is null,
                InMemoryIndex = !parseResult.GetValue(noIndex),
            };

            var format = context.Globals.GetFormat(parseResult);
            var report = await SpectreStageProgress.RunAsync(context.Stderr, progress => new BenchRunner(options, progress).RunAsync(cancellationToken));
            if (format == OutputFormat.Json)
            {
                BenchReportWriter.WriteJson(context.Stdout, report);
            }
            else
            {
                BenchReportWriter.WriteTable(context.Stdout, report);
            }

            return ExitCodes.Success;
        });

        command.Subcommands.Add(CreateProbe(context));
        return command;
    }

    // The child process of the cold-start measurement; not for people, so hidden from help.
    private static Command CreateProbe(CliContext context)
    {
        var directory = new Option<string>("--dir") { Required = true };
        var user = new Option<string>("--user") { Required = true };
        var query = new Option<string>("--query") { Required = true };
        var noIndex = new Option<bool>("--no-index");
        var probe = new Command("probe", "Cold-start probe (used by engram bench).") { Hidden = true };
        probe.Options.Add(directory);
        probe.Options.Add(user);
        probe.Options.Add(query);
        probe.Options.Add(noIndex);
        probe.SetAction(async (parseResult, cancellationToken) =>
        {
            await ColdStartProbe.RunChildAsync(
                parseResult.GetRequiredValue(directory),
                parseResult.GetRequiredValue(user),
                parseResult.GetRequiredValue(query),
                !parseResult.GetValue(noIndex),
                context.Stdout,
                cancellationToken);
            return ExitCodes.Success;
        });
        return probe;
    }

    private static int Positive(int? value, string name) => Range(value, name, 1, int.MaxValue);

    private static int NonNegative(int? value, string name) => Range(value, name, 0, int.MaxValue);

    private static int Range(int? value, string name, int minimum, int maximum) => value switch
    {
        null => throw new CliUsageException($"{name} needs a value."),
        { } v when v < minimum || v > maximum => throw new CliUsageException($"{name} must be between {minimum:N0} and {maximum:N0}, not {v:N0}."),
        { } v => v,
    };
}
