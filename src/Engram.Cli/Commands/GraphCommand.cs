using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Engram.Cli.Output;

namespace Engram.Cli.Commands;

/// <summary>
/// <c>engram graph ENTITY [--user ID] [--all]</c>: prints an entity's neighbourhood in the memory graph, one relation
/// per line (<c>source —relationship→ destination</c>, with the source memory and, with <c>--all</c>, invalidated ones),
/// or a JSON array with <c>--output json</c>.
/// </summary>
internal static class GraphCommand
{
    /// <summary>Creates the command.</summary>
    /// <param name="context">The CLI context.</param>
    /// <returns>The command.</returns>
    public static Command Create(CliContext context)
    {
        var entity = new Argument<string>("ENTITY") { Description = "The entity, e.g. a person or place (any case; spaces allowed)." };
        var user = new Option<string?>("--user", "-u") { Description = "Only relations of this user's memories.", HelpName = "ID" };
        var all = new Option<bool>("--all") { Description = "Include relations contradicted by newer memories." };
        var command = new Command("graph", "Print an entity's relations in the memory graph (its one-hop neighbourhood).");
        command.Arguments.Add(entity);
        command.Options.Add(user);
        command.Options.Add(all);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var name = parseResult.GetValue(entity);
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new CliUsageException("Name the entity: engram graph ENTITY.");
            }

            await using var session = await context.OpenAsync(parseResult, cancellationToken);
            var userId = parseResult.GetValue(user);
            var relations = await session.Memory.GetRelationsAsync(name, userId is null ? null : MemoryScope.ForUser(userId), parseResult.GetValue(all), cancellationToken);
            if (context.Globals.GetFormat(parseResult) == OutputFormat.Json)
            {
                await context.Stdout.WriteLineAsync(JsonSerializer.Serialize(
                    relations.Select(r => new Dictionary<string, string?>
                    {
                        ["source"] = r.Source,
                        ["relationship"] = r.Relationship,
                        ["target"] = r.Destination,
                        ["memory_id"] = r.MemoryId,
                        ["invalidated_at"] = r.InvalidatedAt?.ToString("O", CultureInfo.InvariantCulture),
                    }).ToList(),
                    CliJsonContext.Default.ListDictionaryStringString).AsMemory(), cancellationToken);
                return ExitCodes.Success;
            }

            if (relations.Count == 0)
            {
                await context.Stdout.WriteLineAsync($"No relations for '{name}'.");
            }

            foreach (var r in relations)
            {
                var invalidated = r.InvalidatedAt is { } at ? string.Create(CultureInfo.InvariantCulture, $"  (invalidated {at:yyyy-MM-dd HH:mm})") : string.Empty;
                await context.Stdout.WriteLineAsync($"{r.Source} —{r.Relationship}→ {r.Destination}  [memory {r.MemoryId}]{invalidated}".AsMemory(), cancellationToken);
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
