namespace Engram.Cli.Output;

/// <summary>The output formats of <c>--output</c>.</summary>
internal enum OutputFormat
{
    /// <summary>Human-readable tables (Spectre.Console; no ANSI codes when the output is redirected).</summary>
    Table,

    /// <summary>Machine-readable JSON with snake_case keys.</summary>
    Json,
}
