using System.CommandLine;
using System.Globalization;
using Engram.Cli.Output;

namespace Engram.Cli.Commands;

/// <summary>
/// <c>engram export FILE [--no-embeddings]</c>: writes the <c>--data</c> store's project to FILE in the open JSONL format
/// <c>engram.memories</c> (docs/export.md), streaming. Prints the counts (a JSON object with <c>--output json</c>).
/// <c>engram import FILE</c> reads it back.
/// </summary>
internal static class ExportCommand
{
    /// <summary>Creates the command.</summary>
    /// <param name="context">The CLI context.</param>
    /// <returns>The command.</returns>
    public static Command Create(CliContext context)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "The JSONL file to write (replaced if it exists)." };
        var noEmbeddings = new Option<bool>("--no-embeddings") { Description = "Leave the vectors out (smaller; an import embeds again)." };
        var command = new Command("export", "Export every memory, its history and the raw messages to a JSONL file (format engram.memories v1).");
        command.Arguments.Add(file);
        command.Options.Add(noEmbeddings);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var path = parseResult.GetValue(file)!.FullName;
            await using var session = await context.OpenAsync(parseResult, cancellationToken);
            var engine = RequireEngine(session.Memory);
            MemoryArchiveSummary summary;
            var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
            await using (stream)
            {
                summary = await engine.ExportAsync(stream, !parseResult.GetValue(noEmbeddings), cancellationToken);
            }

            WriteSummary(context, parseResult, "Exported", summary, path);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The engine behind a session (export, import and the graph are engine operations, not part of <see cref="IMemory"/>).</summary>
    internal static MemoryEngine RequireEngine(IMemory memory) =>
        memory as MemoryEngine ?? throw new CliUsageException("This command needs Engram's own engine.");

    /// <summary>Prints the counts: a sentence, or <c>{"memories","history","messages","relations","skipped","file"}</c> with <c>--output json</c>.</summary>
    internal static void WriteSummary(CliContext context, ParseResult parseResult, string verb, MemoryArchiveSummary summary, string path)
    {
        if (context.Globals.GetFormat(parseResult) == OutputFormat.Json)
        {
            context.Stdout.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $$"""{"memories":{{summary.Memories}},"history":{{summary.History}},"messages":{{summary.Messages}},"relations":{{summary.Relations}},"skipped":{{summary.Skipped}},"file":{{System.Text.Json.JsonSerializer.Serialize(path, CliJsonContext.Default.String)}}}"""));
            return;
        }

        var skipped = summary.Skipped > 0 ? string.Create(CultureInfo.InvariantCulture, $" ({summary.Skipped} skipped: no text or no scope)") : string.Empty;
        context.Stdout.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{verb} {summary.Memories} memories, {summary.History} history entries, {summary.Messages} messages and {summary.Relations} relations{skipped}: {path}"));
    }
}
