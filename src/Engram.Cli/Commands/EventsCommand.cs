using System.CommandLine;
using Engram.Cli.Hosting;
using Engram.Server;
using Microsoft.Extensions.DependencyInjection;

namespace Engram.Cli.Commands;

/// <summary>
/// <c>engram events list</c> and <c>engram events retry ID|--failed</c>: the asynchronous adds of the default project.
/// A retried event goes back to PENDING and is processed here at once (a running <c>engram serve</c> over the same data
/// directory would pick it up at its next start; the store's atomic start means only one of them runs it).
/// </summary>
internal static class EventsCommand
{
    /// <summary>Creates the command.</summary>
    /// <param name="context">The CLI context.</param>
    /// <returns>The command.</returns>
    public static Command Create(CliContext context)
    {
        var command = new Command("events", "List asynchronous add events, or run failed ones again.");
        command.Subcommands.Add(CreateList(context));
        command.Subcommands.Add(CreateRetry(context));
        return command;
    }

    private static Command CreateList(CliContext context)
    {
        var pageSize = new Option<int>("--page-size") { Description = "How many events, newest first (1-1000).", DefaultValueFactory = _ => 50 };
        var list = new Command("list", "List the newest events: id, status, attempts, results, token usage, error.");
        list.Options.Add(pageSize);
        list.SetAction(async (parseResult, cancellationToken) =>
        {
            var size = parseResult.GetValue(pageSize);
            if (size is < 1 or > 1000)
            {
                throw new CliUsageException("--page-size must be between 1 and 1000.");
            }

            var formatter = context.CreateFormatter(parseResult);
            await using var session = await OpenAsync(context, parseResult, cancellationToken);
            var events = session.Services.GetRequiredService<IEventStore>();
            var page = await events.ListEventsAsync(ProjectOf(session), 0, size, cancellationToken);
            formatter.WriteEvents(page.Items);
            return ExitCodes.Success;
        });
        return list;
    }

    private static Command CreateRetry(CliContext context)
    {
        var id = new Argument<string?>("ID") { Description = "The failed event to run again.", Arity = ArgumentArity.ZeroOrOne };
        var failed = new Option<bool>("--failed") { Description = "Run every failed event again." };
        var retry = new Command("retry", "Run failed events again (their messages were kept), then show how they ended.");
        retry.Arguments.Add(id);
        retry.Options.Add(failed);
        retry.SetAction(async (parseResult, cancellationToken) =>
        {
            var eventId = parseResult.GetValue(id);
            var all = parseResult.GetValue(failed);
            if ((eventId is null) == !all)
            {
                throw new CliUsageException("Give either an event ID or --failed.");
            }

            var formatter = context.CreateFormatter(parseResult);
            await using var session = await OpenAsync(context, parseResult, cancellationToken);
            var events = session.Services.GetRequiredService<IEventStore>();
            var project = ProjectOf(session);
            if (eventId is not null && await events.GetEventAsync(project, eventId, cancellationToken) is null)
            {
                throw new MemoryNotFoundException(eventId);
            }

            var retried = await events.RetryEventsAsync(project, all ? null : eventId, cancellationToken);
            if (eventId is not null && retried.Count == 0)
            {
                throw new CliUsageException($"Event '{eventId}' is not FAILED; only failed events can be retried.");
            }

            var processor = session.Services.GetRequiredService<AddEventProcessor>();
            var finished = new List<StoredEvent>();
            foreach (var retriedId in retried)
            {
                await processor.ProcessAsync(project, retriedId, cancellationToken);
                if (await events.GetEventAsync(project, retriedId, cancellationToken) is { } after)
                {
                    finished.Add(after);
                }
            }

            formatter.WriteEvents(finished);
            return finished.All(e => e.Status == StoredEventStatus.Succeeded) ? ExitCodes.Success : ExitCodes.DataError;
        });
        return retry;
    }

    private static Task<EngramSession> OpenAsync(CliContext context, ParseResult parseResult, CancellationToken cancellationToken) =>
        EngramSession.OpenAsync(
            context.Globals.GetDataDirectory(parseResult),
            cancellationToken,
            context.Globals.GetSettings(parseResult),
            (services, configuration) =>
            {
                services.AddOptions<EngramServerOptions>();
                services.AddSingleton(sp => sp.GetRequiredService<IMemoryStore>() as IEventStore
                    ?? throw new InvalidOperationException("The store has no event queue."));
                services.AddSingleton<AddEventProcessor>();
            });

    private static string ProjectOf(EngramSession session) => session.Services.GetRequiredService<MemoryEngine>().ProjectId;
}
