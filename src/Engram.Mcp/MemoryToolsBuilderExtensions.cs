using Engram.Mcp;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Engram's MCP tools on an MCP server.</summary>
public static class MemoryToolsBuilderExtensions
{
    /// <summary>Adds the <see cref="MemoryTools"/> (add_memory, search_memories, …) to the server.</summary>
    /// <param name="builder">The MCP server builder.</param>
    /// <param name="configure">Configures the tool options (default user id, default limit).</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IMcpServerBuilder WithMemoryTools(this IMcpServerBuilder builder, Action<MemoryToolsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<MemoryToolsOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return builder.WithTools<MemoryTools>();
    }
}
