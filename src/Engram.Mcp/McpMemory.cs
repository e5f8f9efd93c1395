using System.Text.Json;
using System.Text.Json.Serialization;

namespace Engram.Mcp;

/// <summary>A memory as MCP tools return it: Mem0's snake_case shape.</summary>
public sealed record McpMemory
{
    /// <summary>Gets the memory id.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the memory text.</summary>
    public required string Memory { get; init; }

    /// <summary>Gets the search score in [0, 1] (search only).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Score { get; init; }

    /// <summary>Gets the user id.</summary>
    public string? UserId { get; init; }

    /// <summary>Gets the agent id.</summary>
    public string? AgentId { get; init; }

    /// <summary>Gets the app id.</summary>
    public string? AppId { get; init; }

    /// <summary>Gets the run id.</summary>
    public string? RunId { get; init; }

    /// <summary>Gets the metadata.</summary>
    public IReadOnlyDictionary<string, JsonElement>? Metadata { get; init; }

    /// <summary>Gets the categories.</summary>
    public IReadOnlyList<string> Categories { get; init; } = [];

    /// <summary>Gets when the memory was stored (UTC).</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when the memory last changed (UTC).</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Converts a memory.</summary>
    /// <param name="item">The memory.</param>
    /// <param name="score">The search score, if any.</param>
    /// <returns>The MCP shape.</returns>
    public static McpMemory From(MemoryItem item, double? score = null)
    {
        ArgumentNullException.ThrowIfNull(item);
        return new McpMemory
        {
            Id = item.Id,
            Memory = item.Memory,
            Score = score,
            UserId = item.Scope.UserId,
            AgentId = item.Scope.AgentId,
            AppId = item.Scope.AppId,
            RunId = item.Scope.RunId,
            Metadata = item.Metadata.Count == 0 ? null : item.Metadata,
            Categories = item.Categories,
            CreatedAt = item.CreatedAt,
            UpdatedAt = item.UpdatedAt,
        };
    }
}
