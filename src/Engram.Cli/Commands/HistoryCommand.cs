using System.CommandLine;

namespace Engram.Cli.Commands;

/// <summary><c>engram history ID</c>: a memory's change history, oldest first (Mem0 <c>history</c>; empty for an unknown id).</summary>
internal static class HistoryCommand
{
    /// <summary>Creates the command.</summary>
    /// <param name="context">The CLI context.</param>
    /// <returns>The command.</returns>
    public static Command Create(CliContext context)
    {
        var id = new Argument<string>("ID") { Description = "The memory id." };
        var command = new Command("history", "Show a memory's change history, oldest first.");
        command.Arguments.Add(id);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var memoryId = GetCommand.RequireId(parseResult.GetValue(id));
            var formatter = context.CreateFormatter(parseResult);
            await using var session = await context.OpenAsync(parseResult, cancellationToken);
            var entries = await session.Memory.GetHistoryAsync(memoryId, cancellationToken);
            formatter.WriteHistory(memoryId, entries);
            return ExitCodes.Success;
        });
        return command;
    }
}
