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

    /// <summary>Gets the repeatable <c>--set KEY=VALUE</c> option: configuration that overrides appsettings.json and environment variables.</summary>
    public Option<string[]> Settings { get; } = new("--set")
    {
        Description = "A configuration value, repeatable: --set Engram:Llm:Provider=ollama --set Engram:Llm:Model=llama3.1. Overrides appsettings.json and ENGRAM__… environment variables.",
        HelpName = "KEY=VALUE",
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

    /// <summary>Reads the <c>--set</c> values.</summary>
    /// <param name="parseResult">The parse result.</param>
    /// <returns>The key/value pairs, in command-line order.</returns>
    /// <exception cref="CliUsageException">A value is not <c>KEY=VALUE</c>.</exception>
    public IReadOnlyList<KeyValuePair<string, string?>> GetSettings(ParseResult parseResult)
    {
        var result = new List<KeyValuePair<string, string?>>();
        foreach (var setting in parseResult.GetValue(Settings) ?? [])
        {
            var separator = setting.IndexOf('=', StringComparison.Ordinal);
            if (separator <= 0)
            {
                throw new CliUsageException($"--set expects KEY=VALUE, not '{setting}'.");
            }

            result.Add(new(setting[..separator].Trim(), setting[(separator + 1)..]));
        }

        return result;
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
