using System.CommandLine;
using Engram.Cli.Locomo;
using Engram.Cli.Output;

namespace Engram.Cli.Commands;

/// <summary>
/// <c>engram import locomo FILE</c>: ingests LoCoMo conversations into the <c>--data</c> store, one add per turn
/// (benchmarks.md §1). Progress goes to stderr; with <c>--output json</c> each acknowledged add prints
/// <c>{"sample_id","dia_id","ids"}</c> on its own line once the add has returned (so the memories are durable), then a
/// summary line.
/// </summary>
internal static class ImportCommand
{
    /// <summary>Creates the command.</summary>
    /// <param name="context">The CLI context.</param>
    /// <returns>The command.</returns>
    public static Command Create(CliContext context)
    {
        var locomo = new Command("locomo", "Import LoCoMo conversations: one memory scope per conversation (user_id = sample_id), one add per turn.");
        var arguments = new LocomoArguments();
        arguments.AddTo(locomo);
        var mode = new Option<string>("--mode")
        {
            Description = "raw: one memory per turn (infer=false); extracted: memories from the fact extractor (infer=true).",
            HelpName = "raw|extracted",
            DefaultValueFactory = _ => "raw",
        };
        mode.AcceptOnlyFromAmong("raw", "extracted");
        locomo.Options.Add(mode);
        locomo.SetAction(async (parseResult, cancellationToken) =>
        {
            var ingestMode = LocomoModeNames.Parse(parseResult.GetValue(mode), allowBoth: false)[0];
            var dataset = await LocomoDataset.LoadAsync(arguments.GetFile(parseResult), cancellationToken);
            var samples = dataset.Select(arguments.GetSamples(parseResult));
            var formatter = context.CreateFormatter(parseResult);
            await using var session = await context.OpenAsync(parseResult, cancellationToken);
            var ingestor = new LocomoIngestor(session.Memory);
            var summary = await SpectreLocomoProgress.RunAsync(
                context.Stderr,
                progress => ingestor.IngestAsync(
                    samples,
                    ingestMode,
                    progress,
                    (ack, _) =>
                    {
                        formatter.WriteImportAcknowledgement(ack);
                        return Task.CompletedTask;
                    },
                    cancellationToken));
            formatter.WriteImportSummary(ingestMode, summary);
            return ExitCodes.Success;
        });

        var command = new Command("import", "Import a benchmark dataset into the --data store.");
        command.Subcommands.Add(locomo);
        return command;
    }
}
