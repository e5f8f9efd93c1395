using System.CommandLine;
using System.Text.Json;
using Engram.Cli.Chaos;
using Engram.Cli.Output;

namespace Engram.Cli.Commands;

/// <summary>
/// <c>engram chaos crash|concurrency</c>: the reliability suite's crash and concurrency scenarios (tests/Engram.Reliability.Tests)
/// at any size and for any number of rounds, against real <c>engram serve</c> processes in temporary directories.
/// Exit code 0 when every round held every guarantee, 4 otherwise.
/// </summary>
internal static class ChaosCommand
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Creates the command.</summary>
    /// <param name="context">The CLI context.</param>
    /// <returns>The command.</returns>
    public static Command Create(CliContext context)
    {
        var command = new Command("chaos", "Try to break the server: SIGKILL during async adds (crash) or many clients at once (concurrency); prints the figures of each round.");
        command.Subcommands.Add(CreateCrash(context));
        command.Subcommands.Add(CreateConcurrency(context));
        return command;
    }

    private static Command CreateCrash(CliContext context)
    {
        var adds = OptionParsers.Int("--adds", "Asynchronous adds acknowledged per round.", 5000);
        var kills = OptionParsers.Int("--kills", "SIGKILLs per round, at random acknowledgement counts.", 5);
        var concurrency = OptionParsers.Int("--concurrency", "Requests in flight at once.", 8);
        var (rounds, seed) = (Rounds(), Seed());
        var command = new Command("crash", "Stream async adds at engram serve, SIGKILL it at random points, restart, drain, and check every acknowledged add is present exactly once and integrity_check passes.");
        foreach (var option in new Option[] { adds, kills, concurrency, rounds, seed })
        {
            command.Options.Add(option);
        }

        command.SetAction((parseResult, cancellationToken) => RunRoundsAsync(context, parseResult, rounds, seed, async (directory, roundSeed) =>
        {
            var report = await CrashScenario.RunAsync(
                directory,
                Range(parseResult.GetValue(adds), "--adds", 2, 10_000_000),
                Range(parseResult.GetValue(kills), "--kills", 0, 10_000),
                Range(parseResult.GetValue(concurrency), "--concurrency", 1, 256),
                roundSeed,
                context.Stderr.WriteLine,
                cancellationToken);
            return (report.Passed, JsonSerializer.SerializeToElement(report, Json));
        }));
        return command;
    }

    private static Command CreateConcurrency(CliContext context)
    {
        var clients = OptionParsers.Int("--clients", "Clients running at once, each on its own user.", 64);
        var operations = OptionParsers.Int("--operations", "Mixed operations (add, search, update, delete, list) per client.", 200);
        var (rounds, seed) = (Rounds(), Seed());
        var command = new Command("concurrency", "Many REST clients at once against engram serve: counts 5xx and \"database is locked\", and compares every user's final memories with what the acknowledged operations imply.");
        foreach (var option in new Option[] { clients, operations, rounds, seed })
        {
            command.Options.Add(option);
        }

        command.SetAction((parseResult, cancellationToken) => RunRoundsAsync(context, parseResult, rounds, seed, async (directory, roundSeed) =>
        {
            var report = await ConcurrencyScenario.RunAsync(
                directory,
                Range(parseResult.GetValue(clients), "--clients", 1, 4096),
                Range(parseResult.GetValue(operations), "--operations", 1, 1_000_000),
                roundSeed,
                context.Stderr.WriteLine,
                cancellationToken);
            return (report.Passed, JsonSerializer.SerializeToElement(report, Json));
        }));
        return command;
    }

    private static async Task<int> RunRoundsAsync(
        CliContext context, ParseResult parseResult, Option<int?> rounds, Option<int?> seed, Func<string, int, Task<(bool Passed, JsonElement Report)>> round)
    {
        var count = Range(parseResult.GetValue(rounds), "--rounds", 1, 1_000_000);
        var firstSeed = parseResult.GetValue(seed) ?? Environment.TickCount;
        var json = context.Globals.GetFormat(parseResult) == OutputFormat.Json;
        var reports = new List<JsonElement>();
        var failed = 0;
        for (var i = 0; i < count; i++)
        {
            var directory = Path.Combine(Path.GetTempPath(), "engram-chaos-" + Guid.NewGuid().ToString("N"));
            try
            {
                await context.Stderr.WriteLineAsync($"round {i + 1}/{count} (seed {firstSeed + i})");
                var (passed, report) = await round(directory, firstSeed + i);
                failed += passed ? 0 : 1;
                reports.Add(report);
                if (!json)
                {
                    await context.Stdout.WriteLineAsync($"round {i + 1}: {(passed ? "passed" : "FAILED")} {report}");
                }
            }
            finally
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                try
                {
                    Directory.Delete(directory, recursive: true);
                }
                catch (IOException)
                {
                    // Best effort: a temporary directory.
                }
            }
        }

        if (json)
        {
            await context.Stdout.WriteLineAsync(JsonSerializer.Serialize(new { rounds = count, failed, reports }, Json));
        }

        return failed == 0 ? ExitCodes.Success : ExitCodes.DataError;
    }

    private static Option<int?> Rounds() => OptionParsers.Int("--rounds", "Rounds to run, each on a fresh data directory.", 1);

    private static Option<int?> Seed() => OptionParsers.Int("--seed", "The seed of the first round (each next round adds 1); random when absent.");

    private static int Range(int? value, string name, int min, int max) =>
        value is { } v && v >= min && v <= max ? v : throw new CliUsageException($"{name} must be between {min} and {max}.");
}
