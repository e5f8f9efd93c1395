using System.CommandLine;
using Engram.Cli.Hosting;
using Engram.Cli.Output;

namespace Engram.Cli.Commands;

/// <summary>What every command needs: the output writers and the global options.</summary>
/// <param name="Stdout">Standard output: results only.</param>
/// <param name="Stderr">Standard error: progress and errors.</param>
/// <param name="Globals">The global options.</param>
internal sealed record CliContext(TextWriter Stdout, TextWriter Stderr, GlobalOptions Globals)
{
    /// <summary>Creates the formatter chosen with <c>--output</c>.</summary>
    /// <param name="parseResult">The parse result.</param>
    /// <returns>The formatter, writing to <see cref="Stdout"/>.</returns>
    public IOutputFormatter CreateFormatter(ParseResult parseResult) => Globals.GetFormat(parseResult) == OutputFormat.Json
        ? new JsonOutputFormatter(Stdout)
        : new TableOutputFormatter(Stdout);

    /// <summary>Opens the engine over the <c>--data</c> directory.</summary>
    /// <param name="parseResult">The parse result.</param>
    /// <param name="cancellationToken">A token to cancel the start.</param>
    /// <returns>The session.</returns>
    public Task<EngramSession> OpenAsync(ParseResult parseResult, CancellationToken cancellationToken) =>
        EngramSession.OpenAsync(Globals.GetDataDirectory(parseResult), cancellationToken, Globals.GetSettings(parseResult));
}
