namespace Engram.Mcp;

/// <summary>Options of the MCP tools, bound from <c>Engram:Mcp</c>.</summary>
public sealed class MemoryToolsOptions
{
    /// <summary>
    /// Gets or sets the user id used when a tool call names no scope (Mem0's MCP server reads <c>MEM0_DEFAULT_USER_ID</c>).
    /// </summary>
    /// <value>Defaults to <c>mem0-mcp</c>, Mem0's default.</value>
    public string DefaultUserId { get; set; } = "mem0-mcp";

    /// <summary>Gets or sets the number of results of <c>search_memories</c> when the call gives no limit.</summary>
    /// <value>Defaults to 10.</value>
    public int DefaultLimit { get; set; } = 10;
}
