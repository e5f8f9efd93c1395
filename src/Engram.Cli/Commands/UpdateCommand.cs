using System.CommandLine;

namespace Engram.Cli.Commands;

/// <summary><c>engram update ID</c>: changes a memory's text, metadata or expiration (Mem0 <c>update</c>).</summary>
internal static class UpdateCommand
{
    /// <summary>Creates the command.</summary>
    /// <param name="context">The CLI context.</param>
    /// <returns>The command.</returns>
    public static Command Create(CliContext context)
    {
        var id = new Argument<string>("ID") { Description = "The memory id." };
        var text = new Option<string?>("--text", "-t") { Description = "The new text.", HelpName = "TEXT" };
        var metadata = new Option<string?>("--metadata", "-m") { Description = "Metadata JSON merged into the existing metadata.", HelpName = "JSON" };
        var expires = OptionParsers.Date("--expires", "A new expiration date.");
        var clearExpiration = new Option<bool>("--clear-expiration") { Description = "Remove the expiration date." };

        var command = new Command("update", "Change a memory's text, metadata or expiration date and print it.");
        command.Arguments.Add(id);
        command.Options.Add(text);
        command.Options.Add(metadata);
        command.Options.Add(expires);
        command.Options.Add(clearExpiration);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var memoryId = GetCommand.RequireId(parseResult.GetValue(id));
            var newExpiry = parseResult.GetValue(expires);
            var clear = parseResult.GetValue(clearExpiration);
            if (newExpiry is not null && clear)
            {
                throw new CliUsageException("--expires and --clear-expiration cannot be combined.");
            }

            var newText = parseResult.GetValue(text);
            if (newText is not null && string.IsNullOrWhiteSpace(newText))
            {
                throw new CliUsageException("--text must not be empty.");
            }

            var request = new UpdateMemoryRequest
            {
                MemoryId = memoryId,
                Text = newText,
                Metadata = CliJson.ParseMetadata(parseResult.GetValue(metadata)),
                ExpirationDate = newExpiry,
                ClearExpirationDate = clear,
            };

            var formatter = context.CreateFormatter(parseResult);
            await using var session = await context.OpenAsync(parseResult, cancellationToken);
            var item = await session.Memory.UpdateAsync(request, cancellationToken);
            formatter.WriteMemory(item);
            return ExitCodes.Success;
        });
        return command;
    }
}
