using Spectre.Console;

namespace Engram.Cli.Output;

/// <summary>Creates Spectre.Console consoles over the CLI's writers.</summary>
internal static class SpectreConsoles
{
    /// <summary>The width used when the output is not a terminal, so that tables are not squeezed to 80 columns.</summary>
    public const int RedirectedWidth = 160;

    /// <summary>
    /// Creates a console writing to <paramref name="writer"/>: with colours and live rendering on a terminal, and plain
    /// text (no ANSI escape codes, not interactive) when the writer is redirected or is not the process console.
    /// </summary>
    /// <param name="writer">The writer.</param>
    /// <returns>The console.</returns>
    public static IAnsiConsole Create(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var output = new AnsiConsoleOutput(writer);
        var isTerminal = output.IsTerminal;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = isTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = isTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = isTerminal ? InteractionSupport.Detect : InteractionSupport.No,
            Out = output,
        });
        if (!isTerminal)
        {
            console.Profile.Width = RedirectedWidth;
        }

        return console;
    }
}
