using System.CommandLine;

namespace Engram.Cli.Commands;

/// <summary><c>engram get ID</c>: one memory (Mem0 <c>get</c>); exit code 3 when no memory has the id.</summary>
internal static class GetCommand
{
    /// <summary>Creates the command.</summary>
    /// <param name="context">The CLI context.</param>
    /// <returns>The command.</returns>
    public static Command Create(CliContext context)
    {
        var id = new Argument<string>("ID") { Description = "The memory id." };
        var command = new Command("get", "Show one memory (expired and superseded ones too).");
        command.Arguments.Add(id);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var memoryId = RequireId(parseResult.GetValue(id));
            var formatter = context.CreateFormatter(parseResult);
            await using var session = await context.OpenAsync(parseResult, cancellationToken);
            var item = await session.Memory.GetAsync(memoryId, cancellationToken) ?? throw new MemoryNotFoundException(memoryId);
            formatter.WriteMemory(item);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Checks a memory id argument.</summary>
    /// <param name="id">The value.</param>
    /// <returns>The trimmed id.</returns>
    /// <exception cref="CliUsageException">The id is blank.</exception>
    public static string RequireId(string? id) =>
        string.IsNullOrWhiteSpace(id) ? throw new CliUsageException("ID must not be empty.") : id.Trim();
}
