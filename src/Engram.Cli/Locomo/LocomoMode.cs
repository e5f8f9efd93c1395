namespace Engram.Cli.Locomo;

/// <summary>How LoCoMo turns are ingested.</summary>
internal enum LocomoMode
{
    /// <summary><c>infer=false</c>: one memory per turn, stored verbatim.</summary>
    Raw,

    /// <summary><c>infer=true</c>: memories produced by the configured extractor, each carrying its turn's <c>dia_id</c>.</summary>
    Extracted,
}

/// <summary>Names of <see cref="LocomoMode"/> on the command line and in reports.</summary>
internal static class LocomoModeNames
{
    /// <summary>Gets the lower-case name (<c>raw</c>, <c>extracted</c>).</summary>
    /// <param name="mode">The mode.</param>
    /// <returns>The name.</returns>
    public static string ToName(LocomoMode mode) => mode == LocomoMode.Raw ? "raw" : "extracted";

    /// <summary>Parses <c>raw</c>, <c>extracted</c> or, when <paramref name="allowBoth"/>, <c>both</c>.</summary>
    /// <param name="name">The name.</param>
    /// <param name="allowBoth">Whether <c>both</c> is accepted.</param>
    /// <returns>The modes, in evaluation order.</returns>
    /// <exception cref="CliUsageException">The name is unknown.</exception>
    public static IReadOnlyList<LocomoMode> Parse(string? name, bool allowBoth) => name?.ToLowerInvariant() switch
    {
        "raw" => [LocomoMode.Raw],
        "extracted" => [LocomoMode.Extracted],
        "both" when allowBoth => [LocomoMode.Raw, LocomoMode.Extracted],
        _ => throw new CliUsageException($"--mode must be raw{(allowBoth ? ", extracted or both" : " or extracted")}, not '{name}'."),
    };
}
