using System.CommandLine;
using Engram.Cli.Locomo;
using Engram.Cli.Output;

namespace Engram.Cli.Commands;

/// <summary>
/// <c>engram import locomo FILE</c>: ingests LoCoMo conversations into the <c>--data</c> store, one add per turn
/// (benchmarks.md §1). Progress goes to stderr; with <c>--output json</c> each acknowledged add prints
/// <c>{"sample_id","dia_id","ids"}</c> on its own line once the add has returned (so the memories are durable), then a
/// summary line. <c>engram import FILE</c> imports an export file (<see cref="MemoryEngine.ImportAsync"/>).
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
            var summary = await SpectreStageProgress.RunAsync(
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

        // engram import FILE: an engram.memories export (engram export) or a Mem0 export file.
        var file = new Argument<FileInfo?>("FILE")
        {
            Description = "An engram export (JSONL, engram export) or a Mem0 export (the JSON of POST /v1/exports/get/).",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var command = new Command("import", "Import an export file (engram or Mem0), or a benchmark dataset (import locomo), into the --data store.");
        command.Arguments.Add(file);
        command.Subcommands.Add(locomo);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var input = parseResult.GetValue(file) ?? throw new CliUsageException("Name the file to import: engram import FILE (or engram import locomo FILE).");
            if (!input.Exists)
            {
                throw new CliUsageException($"The file '{input.FullName}' does not exist.");
            }

            await using var session = await context.OpenAsync(parseResult, cancellationToken);
            var engine = ExportCommand.RequireEngine(session.Memory);
            MemoryArchiveSummary summary;
            var stream = new FileStream(input.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
            await using (stream)
            {
                summary = await engine.ImportAsync(stream, cancellationToken);
            }

            ExportCommand.WriteSummary(context, parseResult, "Imported", summary, input.FullName);
            return ExitCodes.Success;
        });
        return command;
    }
}
