using System.CommandLine;

namespace Engram.Cli.Commands;

/// <summary>The scope options <c>--user</c>, <c>--agent</c>, <c>--app</c> and <c>--run</c> (Mem0's user_id, agent_id, app_id, run_id).</summary>
internal sealed class ScopeOptions
{
    /// <summary>Gets the <c>--user</c> option.</summary>
    public Option<string?> User { get; } = new("--user", "-u") { Description = "The user id (Mem0 user_id).", HelpName = "ID" };

    /// <summary>Gets the <c>--agent</c> option.</summary>
    public Option<string?> Agent { get; } = new("--agent") { Description = "The agent id (Mem0 agent_id).", HelpName = "ID" };

    /// <summary>Gets the <c>--app</c> option.</summary>
    public Option<string?> App { get; } = new("--app") { Description = "The app id (Mem0 app_id).", HelpName = "ID" };

    /// <summary>Gets the <c>--run</c> option.</summary>
    public Option<string?> Run { get; } = new("--run") { Description = "The run or session id (Mem0 run_id).", HelpName = "ID" };

    /// <summary>Adds the options to a command.</summary>
    /// <param name="command">The command.</param>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(User);
        command.Options.Add(Agent);
        command.Options.Add(App);
        command.Options.Add(Run);
    }

    /// <summary>Tells whether any scope option was given.</summary>
    /// <param name="parseResult">The parse result.</param>
    /// <returns><see langword="true"/> when at least one was given.</returns>
    public bool IsAnyGiven(ParseResult parseResult) =>
        parseResult.GetResult(User) is not null || parseResult.GetResult(Agent) is not null
        || parseResult.GetResult(App) is not null || parseResult.GetResult(Run) is not null;

    /// <summary>Reads the scope; the engine validates it (an empty scope is rejected there).</summary>
    /// <param name="parseResult">The parse result.</param>
    /// <returns>The scope, possibly empty.</returns>
    public MemoryScope Read(ParseResult parseResult) => new()
    {
        UserId = parseResult.GetValue(User),
        AgentId = parseResult.GetValue(Agent),
        AppId = parseResult.GetValue(App),
        RunId = parseResult.GetValue(Run),
    };

    /// <summary>Reads the scope, or <see langword="null"/> when no scope option was given (a filter may name the scope instead).</summary>
    /// <param name="parseResult">The parse result.</param>
    /// <returns>The scope or <see langword="null"/>.</returns>
    public MemoryScope? ReadOptional(ParseResult parseResult) => IsAnyGiven(parseResult) ? Read(parseResult) : null;
}
