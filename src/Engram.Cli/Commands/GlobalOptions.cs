using System.CommandLine;
using Engram.Cli.Output;

namespace Engram.Cli.Commands;

/// <summary>The options every command accepts: <c>--data DIR</c> and <c>--output table|json</c>.</summary>
internal sealed class GlobalOptions
{
    /// <summary>The default data directory.</summary>
    public const string DefaultDataDirectory = "./engram-data";

    /// <summary>Gets the <c>--data</c> option.</summary>
    public Option<string> Data { get; } = new("--data", "-d")
    {
        Description = "The data directory; the database is DIR/engram.db. Created when missing.",
        HelpName = "DIR",
        DefaultValueFactory = _ => DefaultDataDirectory,
        Recursive = true,
    };

    /// <summary>Gets the <c>--output</c> option.</summary>
    public Option<string> Output { get; } = CreateOutputOption();

    /// <summary>Reads the output format.</summary>
    /// <param name="parseResult">The parse result.</param>
    /// <returns>The format.</returns>
    public OutputFormat GetFormat(ParseResult parseResult) =>
        string.Equals(parseResult.GetValue(Output), "json", StringComparison.OrdinalIgnoreCase) ? OutputFormat.Json : OutputFormat.Table;

    /// <summary>Reads the data directory.</summary>
    /// <param name="parseResult">The parse result.</param>
    /// <returns>The directory.</returns>
    /// <exception cref="CliUsageException">The value is blank.</exception>
    public string GetDataDirectory(ParseResult parseResult)
    {
        var value = parseResult.GetValue(Data);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new CliUsageException("--data must name a directory.");
        }

        return value;
    }

    private static Option<string> CreateOutputOption()
    {
        var option = new Option<string>("--output", "-o")
        {
            Description = "The output format: table (readable) or json (snake_case keys).",
            HelpName = "table|json",
            DefaultValueFactory = _ => "table",
            Recursive = true,
        };
        option.AcceptOnlyFromAmong("table", "json");
        return option;
    }
}
