using System.CommandLine;

namespace Engram.Cli.Commands;

/// <summary><c>engram search QUERY</c>: hybrid search within a scope (Mem0 <c>search</c>).</summary>
internal static class SearchCommand
{
    /// <summary>Creates the command.</summary>
    /// <param name="context">The CLI context.</param>
    /// <returns>The command.</returns>
    public static Command Create(CliContext context)
    {
        var query = new Argument<string>("QUERY") { Description = "The natural-language query." };
        var scope = new ScopeOptions();
        var filters = new Option<string?>("--filters", "-f") { Description = "Mem0 filter JSON, e.g. '{\"AND\":[{\"created_at\":{\"gte\":\"2026-01-01\"}}]}'.", HelpName = "JSON" };
        var topK = OptionParsers.Int("--top-k", "The number of results (1..1000; default: the engine's, 20).");
        topK.Aliases.Add("-k");
        var threshold = OptionParsers.Double("--threshold", "The minimum fused score in [0, 1] (default: the engine's, 0.1).");
        var explain = new Option<bool>("--explain") { Description = "Show each signal's contribution to the score, and the dropped candidates." };
        var showExpired = new Option<bool>("--show-expired") { Description = "Include expired memories." };
        var allVersions = new Option<bool>("--all-versions") { Description = "Include superseded memories." };

        var command = new Command("search", "Search memories; prints rank, score, memory and id.");
        command.Arguments.Add(query);
        scope.AddTo(command);
        command.Options.Add(filters);
        command.Options.Add(topK);
        command.Options.Add(threshold);
        command.Options.Add(explain);
        command.Options.Add(showExpired);
        command.Options.Add(allVersions);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var request = new SearchMemoriesRequest
            {
                Query = parseResult.GetValue(query) ?? string.Empty,
                Scope = scope.ReadOptional(parseResult),
                Filter = CliJson.ParseFilter(parseResult.GetValue(filters)),
                TopK = parseResult.GetValue(topK),
                Threshold = parseResult.GetValue(threshold),
                Explain = parseResult.GetValue(explain),
                ShowExpired = parseResult.GetValue(showExpired),
                LatestOnly = !parseResult.GetValue(allVersions),
            };

            var formatter = context.CreateFormatter(parseResult);
            await using var session = await context.OpenAsync(parseResult, cancellationToken);
            var result = await session.Memory.SearchAsync(request, cancellationToken);
            formatter.WriteSearch(result, request.Explain);
            return ExitCodes.Success;
        });
        return command;
    }
}
