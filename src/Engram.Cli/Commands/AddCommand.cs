using System.CommandLine;

namespace Engram.Cli.Commands;

/// <summary><c>engram add TEXT</c>: stores a message and prints the memory events (Mem0 <c>add</c>).</summary>
internal static class AddCommand
{
    /// <summary>Creates the command.</summary>
    /// <param name="context">The CLI context.</param>
    /// <returns>The command.</returns>
    public static Command Create(CliContext context)
    {
        var text = new Argument<string>("TEXT") { Description = "The message text to remember." };
        var scope = new ScopeOptions();
        var metadata = new Option<string?>("--metadata", "-m") { Description = "Metadata as a JSON object, e.g. '{\"topic\":\"travel\"}'.", HelpName = "JSON" };
        var noInfer = new Option<bool>("--no-infer") { Description = "Store the text verbatim as one memory instead of extracting facts." };
        var timestamp = OptionParsers.Timestamp("--timestamp", "When the message was said (default: now); relative dates are resolved against it.");
        var expires = OptionParsers.Date("--expires", "The expiration date of the created memories.");
        var role = new Option<string>("--role")
        {
            Description = "The author role of the message.",
            HelpName = "user|assistant",
            DefaultValueFactory = _ => MemoryRoles.User,
        };
        role.AcceptOnlyFromAmong(MemoryRoles.User, MemoryRoles.Assistant);
        var name = new Option<string?>("--name") { Description = "The speaker's name (stored as actor_id).", HelpName = "SPEAKER" };

        var command = new Command("add", "Store a message as memories and print the events (id, event, memory).");
        command.Arguments.Add(text);
        scope.AddTo(command);
        command.Options.Add(metadata);
        command.Options.Add(noInfer);
        command.Options.Add(timestamp);
        command.Options.Add(expires);
        command.Options.Add(role);
        command.Options.Add(name);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var content = parseResult.GetValue(text);
            if (string.IsNullOrWhiteSpace(content))
            {
                throw new CliUsageException("TEXT must not be empty.");
            }

            var request = new AddMemoriesRequest
            {
                Messages = [new MemoryMessage { Role = parseResult.GetValue(role) ?? MemoryRoles.User, Content = content, Name = parseResult.GetValue(name) }],
                Scope = scope.Read(parseResult),
                Metadata = CliJson.ParseMetadata(parseResult.GetValue(metadata)),
                Infer = !parseResult.GetValue(noInfer),
                Timestamp = parseResult.GetValue(timestamp),
                ExpirationDate = parseResult.GetValue(expires),
            };

            var formatter = context.CreateFormatter(parseResult);
            await using var session = await context.OpenAsync(parseResult, cancellationToken);
            var result = await session.Memory.AddAsync(request, cancellationToken);
            formatter.WriteAdd(result);
            return ExitCodes.Success;
        });
        return command;
    }
}
