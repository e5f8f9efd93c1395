using System.CommandLine;
using System.CommandLine.Invocation;
using System.Data.Common;
using Engram.Cli.Commands;
using Microsoft.Extensions.Options;

namespace Engram.Cli;

/// <summary>
/// The <c>engram</c> command line, invocable in-process: commands parse their input, call <see cref="IMemory"/> and
/// format the result; results go to <c>stdout</c>, progress and errors to <c>stderr</c>.
/// </summary>
/// <remarks>See <see cref="ExitCodes"/> for the exit codes. Each call builds its own command tree; calls are independent.</remarks>
internal static class EngramCli
{
    /// <summary>The environment variable that adds the stack trace to unexpected failures.</summary>
    public const string DebugVariable = "ENGRAM_DEBUG";

    /// <summary>Runs the command line.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="stdout">Standard output.</param>
    /// <param name="stderr">Standard error.</param>
    /// <param name="cancellationToken">A token to cancel the command.</param>
    /// <returns>The exit code (see <see cref="ExitCodes"/>).</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);

        var root = CreateRootCommand(new CliContext(stdout, stderr, new GlobalOptions()));
        var parseResult = root.Parse(args);
        if (parseResult.Action is ParseErrorAction)
        {
            var message = parseResult.Errors.Count > 0 ? parseResult.Errors[0].Message : "invalid command line.";
            await WriteErrorAsync(stderr, $"{message} (see 'engram --help')");
            return ExitCodes.InvalidInput;
        }

        try
        {
            return await parseResult.InvokeAsync(
                new InvocationConfiguration
                {
                    Output = stdout,
                    Error = stderr,
                    EnableDefaultExceptionHandler = false,
                    ProcessTerminationTimeout = null,
                },
                cancellationToken);
        }
        catch (Exception ex)
        {
            var exitCode = ExitCodeFor(ex, cancellationToken);
            var message = exitCode switch
            {
                ExitCodes.Cancelled => "cancelled.",
                ExitCodes.UnexpectedFailure => $"unexpected failure ({ex.GetType().Name}): {ex.Message}",
                _ => ex.Message,
            };
            await WriteErrorAsync(stderr, message);
            if (exitCode == ExitCodes.UnexpectedFailure && Environment.GetEnvironmentVariable(DebugVariable) is "1" or "true")
            {
                await stderr.WriteLineAsync(ex.ToString());
            }

            return exitCode;
        }
    }

    /// <summary>Maps a failure to its exit code.</summary>
    /// <param name="exception">The failure.</param>
    /// <param name="cancellationToken">The command's token, to tell cancellation from timeouts.</param>
    /// <returns>The exit code.</returns>
    public static int ExitCodeFor(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        OperationCanceledException when cancellationToken.IsCancellationRequested => ExitCodes.Cancelled,
        MemoryValidationException or CliUsageException or OptionsValidationException or ArgumentException => ExitCodes.InvalidInput,
        MemoryNotFoundException => ExitCodes.NotFound,
        MemoryStoreException or CliDataException or DbException or IOException or UnauthorizedAccessException => ExitCodes.DataError,
        _ => ExitCodes.UnexpectedFailure,
    };

    private static RootCommand CreateRootCommand(CliContext context)
    {
        var root = new RootCommand(
            "engram: a memory layer for AI agents (Mem0-compatible operations over a local SQLite store). " + ExitCodes.HelpText);
        root.Options.Add(context.Globals.Data);
        root.Options.Add(context.Globals.Output);
        root.Options.Add(context.Globals.Settings);
        root.Subcommands.Add(AddCommand.Create(context));
        root.Subcommands.Add(SearchCommand.Create(context));
        root.Subcommands.Add(ListCommand.Create(context));
        root.Subcommands.Add(GetCommand.Create(context));
        root.Subcommands.Add(UpdateCommand.Create(context));
        root.Subcommands.Add(DeleteCommand.Create(context));
        root.Subcommands.Add(HistoryCommand.Create(context));
        root.Subcommands.Add(ImportCommand.Create(context));
        root.Subcommands.Add(ExportCommand.Create(context));
        root.Subcommands.Add(GraphCommand.Create(context));
        root.Subcommands.Add(EvalCommand.Create(context));
        root.Subcommands.Add(McpCommand.Create(context));
        root.Subcommands.Add(ChaosCommand.Create(context));
        root.Subcommands.Add(EventsCommand.Create(context));
        root.Subcommands.Add(ServeCommand.Create(context));
        root.Subcommands.Add(KeysCommand.Create(context));
        root.Subcommands.Add(BenchCommand.Create(context));
        root.Subcommands.Add(ReindexCommand.Create(context));
        return root;
    }

    private static Task WriteErrorAsync(TextWriter stderr, string message)
    {
        var oneLine = string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return stderr.WriteLineAsync($"error: {oneLine}");
    }
}
