using System.CommandLine;
using Engram.Cli.Hosting;
using Engram.Mcp;
using Microsoft.Extensions.DependencyInjection;

namespace Engram.Cli.Commands;

/// <summary>
/// <c>engram mcp</c>: serves Engram's MCP tools over stdio for coding agents and desktop assistants. Standard output
/// carries only the MCP protocol; every log line goes to standard error (<c>ENGRAM_LOG_LEVEL</c>).
/// </summary>
internal static class McpCommand
{
    /// <summary>Creates the command.</summary>
    /// <param name="context">The CLI context.</param>
    /// <returns>The command.</returns>
    public static Command Create(CliContext context)
    {
        var user = new Option<string?>("--default-user")
        {
            Description = "The user id used when a tool call names no scope (default: Engram:Mcp:DefaultUserId, else mem0-mcp).",
            HelpName = "ID",
        };
        var command = new Command("mcp", "Serve the memory tools over MCP on stdio (add_memory, search_memories, get_memories, get_memory, update_memory, delete_memory, delete_all_memories, list_entities, delete_entities).");
        command.Options.Add(user);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var defaultUser = parseResult.GetValue(user);
            await using var session = await EngramSession.OpenAsync(
                context.Globals.GetDataDirectory(parseResult),
                cancellationToken,
                context.Globals.GetSettings(parseResult),
                (services, configuration) =>
                {
                    services.Configure<MemoryToolsOptions>(configuration.GetSection("Engram:Mcp"));
                    services.AddSingleton(sp => sp.GetRequiredService<IMemoryStore>() as IScopeCatalog ?? throw new InvalidOperationException("The store cannot list scopes."));
                    services.AddMcpServer(o => o.ServerInfo = new() { Name = "engram", Version = typeof(McpCommand).Assembly.GetName().Version?.ToString() ?? "1.0" })
                        .WithStdioServerTransport()
                        .WithMemoryTools(o =>
                        {
                            if (!string.IsNullOrWhiteSpace(defaultUser))
                            {
                                o.DefaultUserId = defaultUser;
                            }
                        });
                });
            await session.WaitForShutdownAsync(cancellationToken);
            return ExitCodes.Success;
        });
        return command;
    }
}
