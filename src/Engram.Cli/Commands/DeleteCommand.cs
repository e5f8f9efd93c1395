using System.CommandLine;

namespace Engram.Cli.Commands;

/// <summary>
/// <c>engram delete ID</c> (Mem0 <c>delete</c>; exit code 3 when no memory has the id) or
/// <c>engram delete --all</c> with scope options (Mem0 <c>delete_all</c>).
/// </summary>
internal static class DeleteCommand
{
    /// <summary>Creates the command.</summary>
    /// <param name="context">The CLI context.</param>
    /// <returns>The command.</returns>
    public static Command Create(CliContext context)
    {
        var id = new Argument<string?>("ID") { Description = "The memory id (omit with --all).", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all") { Description = "Delete every memory of the scope given with the scope options." };
        var scope = new ScopeOptions();

        var command = new Command("delete", "Delete one memory, or with --all every memory of a scope.");
        command.Arguments.Add(id);
        command.Options.Add(all);
        scope.AddTo(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var memoryId = parseResult.GetValue(id);
            var deleteAll = parseResult.GetValue(all);
            if (deleteAll && memoryId is not null)
            {
                throw new CliUsageException("Give either ID or --all, not both.");
            }

            if (!deleteAll && memoryId is null)
            {
                throw new CliUsageException("Give the ID of the memory to delete, or --all with scope options.");
            }

            if (!deleteAll && scope.IsAnyGiven(parseResult))
            {
                throw new CliUsageException("Scope options apply only with --all.");
            }

            var memoryScope = scope.Read(parseResult);
            var checkedId = deleteAll ? null : GetCommand.RequireId(memoryId);
            var formatter = context.CreateFormatter(parseResult);
            await using var session = await context.OpenAsync(parseResult, cancellationToken);
            if (checkedId is null)
            {
                var count = await session.Memory.DeleteAllAsync(memoryScope, cancellationToken);
                formatter.WriteDeletedAll(memoryScope, count);
            }
            else
            {
                await session.Memory.DeleteAsync(checkedId, cancellationToken);
                formatter.WriteDeleted(checkedId);
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
