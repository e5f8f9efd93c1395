using System.Text.Json;
using System.Text.Json.Serialization;

namespace Engram.Mcp;

/// <summary>Source-generated JSON for tool results: snake_case, as Mem0's API and MCP server answer.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(McpMemory))]
[JsonSerializable(typeof(McpResults<McpMemory>))]
[JsonSerializable(typeof(McpPage))]
[JsonSerializable(typeof(McpMessage))]
[JsonSerializable(typeof(McpResults<McpEvent>))]
[JsonSerializable(typeof(McpResults<McpEntity>))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class McpJson : JsonSerializerContext;

/// <summary>A list of results, Mem0's <c>{"results": [...]}</c>.</summary>
/// <typeparam name="T">The item type.</typeparam>
/// <param name="Results">The items.</param>
internal sealed record McpResults<T>(IReadOnlyList<T> Results);

/// <summary>A page of memories, Mem0's list envelope.</summary>
internal sealed record McpPage(long Count, int Page, int PageSize, IReadOnlyList<McpMemory> Results);

/// <summary>A plain acknowledgement.</summary>
internal sealed record McpMessage(string Message);

/// <summary>One change made by add_memory.</summary>
internal sealed record McpEvent(string Id, string Memory, string Event);

/// <summary>A user, agent, app or run that has memories.</summary>
internal sealed record McpEntity(string Id, string Type, long TotalMemories, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
