namespace Engram.Cli;

/// <summary>
/// The exit codes of <c>engram</c>:
/// <list type="table">
/// <item><term>0</term><description>success.</description></item>
/// <item><term>1</term><description>unexpected failure (a bug; set <c>ENGRAM_DEBUG=1</c> for the stack trace).</description></item>
/// <item><term>2</term><description>invalid input or usage: unknown option, wrong type, bad JSON in <c>--metadata</c>/<c>--filters</c>,
/// empty query, missing scope, … (<see cref="MemoryValidationException"/>). Nothing was written.</description></item>
/// <item><term>3</term><description>not found: no memory has the id (<see cref="MemoryNotFoundException"/>).</description></item>
/// <item><term>4</term><description>data or store error: the store failed or its file is corrupt (<see cref="MemoryStoreException"/>,
/// including <see cref="EmbeddingMismatchException"/>), or an input file (LoCoMo, corrections) is missing or malformed.</description></item>
/// <item><term>130</term><description>cancelled (Ctrl+C).</description></item>
/// </list>
/// Every failure prints one line, <c>error: …</c>, on standard error and nothing on standard output.
/// </summary>
internal static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Success = 0;

    /// <summary>Unexpected failure.</summary>
    public const int UnexpectedFailure = 1;

    /// <summary>Invalid input or usage.</summary>
    public const int InvalidInput = 2;

    /// <summary>Memory not found.</summary>
    public const int NotFound = 3;

    /// <summary>Data or store error.</summary>
    public const int DataError = 4;

    /// <summary>Cancelled by the user.</summary>
    public const int Cancelled = 130;

    /// <summary>The exit-code list shown in <c>engram --help</c>.</summary>
    public const string HelpText =
        "Exit codes: 0 success; 1 unexpected failure; 2 invalid input or usage (bad option, bad JSON, empty query, missing scope); " +
        "3 memory not found; 4 data or store error (store failure, corrupt database, missing or malformed input file); 130 cancelled. " +
        "Errors print one line 'error: ...' on stderr.";
}
