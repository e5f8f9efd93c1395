using Engram.Cli;

// engram: parses the command line, calls the library and formats the result; see ExitCodes for the exit codes.
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

return await EngramCli.RunAsync(args, Console.Out, Console.Error, cancellation.Token);
