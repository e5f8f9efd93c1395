using System.CommandLine;

namespace Engram.Cli.Commands;

/// <summary><c>engram list</c>: one page of a scope's memories, newest first (Mem0 <c>get_all</c>).</summary>
internal static class ListCommand
{
    /// <summary>Creates the command.</summary>
    /// <param name="context">The CLI context.</param>
    /// <returns>The command.</returns>
    public static Command Create(CliContext context)
    {
        var scope = new ScopeOptions();
        var filters = new Option<string?>("--filters", "-f") { Description = "Mem0 filter JSON.", HelpName = "JSON" };
        var page = OptionParsers.Int("--page", "The 1-based page number.", 1);
        var pageSize = OptionParsers.Int("--page-size", "The page size (1..1000).", 100);
        var showExpired = new Option<bool>("--show-expired") { Description = "Include expired memories." };
        var latestOnly = new Option<bool>("--latest-only") { Description = "Hide superseded memories." };

        var command = new Command("list", "List memories of a scope, newest first.");
        scope.AddTo(command);
        command.Options.Add(filters);
        command.Options.Add(page);
        command.Options.Add(pageSize);
        command.Options.Add(showExpired);
        command.Options.Add(latestOnly);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var request = new ListMemoriesRequest
            {
                Scope = scope.ReadOptional(parseResult),
                Filter = CliJson.ParseFilter(parseResult.GetValue(filters)),
                Page = parseResult.GetValue(page) ?? 1,
                PageSize = parseResult.GetValue(pageSize) ?? 100,
                ShowExpired = parseResult.GetValue(showExpired),
                LatestOnly = parseResult.GetValue(latestOnly),
            };

            var formatter = context.CreateFormatter(parseResult);
            await using var session = await context.OpenAsync(parseResult, cancellationToken);
            var result = await session.Memory.ListAsync(request, cancellationToken);
            formatter.WriteList(result);
            return ExitCodes.Success;
        });
        return command;
    }
}
