using System.CommandLine;

namespace Engram.Cli.Commands;

/// <summary>The arguments shared by <c>import locomo</c> and <c>eval locomo</c>.</summary>
internal sealed class LocomoArguments
{
    /// <summary>Gets the FILE argument.</summary>
    public Argument<string> File { get; } = new("FILE") { Description = "The LoCoMo JSON file (e.g. locomo10.json or locomo-dev.json)." };

    /// <summary>Gets the <c>--sample</c> option.</summary>
    public Option<string[]> Samples { get; } = new("--sample", "-s")
    {
        Description = "Only these conversations (sample_id, e.g. conv-26); repeatable. Default: all.",
        HelpName = "ID",
        AllowMultipleArgumentsPerToken = true,
    };

    /// <summary>Reads the selected sample ids.</summary>
    /// <param name="parseResult">The parse result.</param>
    /// <returns>The ids; empty for all.</returns>
    public IReadOnlyCollection<string> GetSamples(ParseResult parseResult) => parseResult.GetValue(Samples) ?? [];

    /// <summary>Reads the file path.</summary>
    /// <param name="parseResult">The parse result.</param>
    /// <returns>The path.</returns>
    /// <exception cref="CliUsageException">The path is blank.</exception>
    public string GetFile(ParseResult parseResult)
    {
        var path = parseResult.GetValue(File);
        return string.IsNullOrWhiteSpace(path) ? throw new CliUsageException("FILE must name a LoCoMo JSON file.") : path;
    }

    /// <summary>Adds the argument and options to a command.</summary>
    /// <param name="command">The command.</param>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Arguments.Add(File);
        command.Options.Add(Samples);
    }
}
