using System.Text.Json;
using System.Text.Json.Serialization;

namespace Engram.Client;

// The Mem0 Platform wire shapes the client reads and writes (mem0-reference.md §5.2), snake_case through ClientJson.

internal sealed record WireMessage(string Role, string Content, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Name);

internal sealed record WireAdd
{
    public required IReadOnlyList<WireMessage> Messages { get; init; }

    public string? UserId { get; init; }

    public string? AgentId { get; init; }

    public string? AppId { get; init; }

    public string? RunId { get; init; }

    public IReadOnlyDictionary<string, JsonElement>? Metadata { get; init; }

    public bool Infer { get; init; }

    public DateTimeOffset? Timestamp { get; init; }

    public DateOnly? ExpirationDate { get; init; }

    public string? CustomInstructions { get; init; }

    public IReadOnlyList<IReadOnlyDictionary<string, string>>? CustomCategories { get; init; }

    public string? MemoryType { get; init; }

    public bool? EnableGraph { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Immutable { get; init; }
}

internal sealed record WireSearch
{
    public required string Query { get; init; }

    public required JsonElement Filters { get; init; }

    public int? TopK { get; init; }

    public double? Threshold { get; init; }

    public bool ShowExpired { get; init; }

    public bool LatestOnly { get; init; }

    public bool Explain { get; init; }

    public bool Rerank { get; init; }

    public DateTimeOffset? ReferenceDate { get; init; }
}

internal sealed record WireList(JsonElement Filters, bool ShowExpired, bool LatestOnly);

internal sealed record WireUpdate
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Text { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, JsonElement>? Metadata { get; init; }
}

internal sealed record WireMemory
{
    public required string Id { get; init; }

    public required string Memory { get; init; }

    public string? UserId { get; init; }

    public string? AgentId { get; init; }

    public string? AppId { get; init; }

    public string? RunId { get; init; }

    public string? SessionId { get; init; }

    public IReadOnlyDictionary<string, JsonElement>? Metadata { get; init; }

    public IReadOnlyList<string>? Categories { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public DateOnly? ExpirationDate { get; init; }

    public string? Hash { get; init; }

    public DateTimeOffset? Timestamp { get; init; }

    public string? ReplacedBy { get; init; }

    public string? ActorId { get; init; }

    public string? Role { get; init; }

    public string? AttributedTo { get; init; }

    public bool Immutable { get; init; }

    public double? Score { get; init; }

    public WireScoreDetails? ScoreDetails { get; init; }
}

internal sealed record WireScoreDetails(string Fusion, double RawScore, double Threshold, IReadOnlyList<WireSignal> Signals, IReadOnlyList<string> SourceMessageIds);

internal sealed record WireSignal(string Name, double RawValue, double Value, double Weight, double Contribution, int? Rank);

internal sealed record WireResults<T>(IReadOnlyList<T> Results);

internal sealed record WirePage<T>(long Count, string? Next, string? Previous, IReadOnlyList<T> Results);

internal sealed record WireAddResult(string Id, WireAddData? Data, string Event);

internal sealed record WireAddData(string Memory);

internal sealed record WireQueued(string EventId, string Status);

internal sealed record WireEvent
{
    public required string Id { get; init; }

    public required string Status { get; init; }

    public IReadOnlyList<WireAddResult>? Results { get; init; }

    public string? Error { get; init; }

    public double? Latency { get; init; }
}

internal sealed record WireHistory
{
    public required string Id { get; init; }

    public required string MemoryId { get; init; }

    public string? OldMemory { get; init; }

    public string? NewMemory { get; init; }

    public required string Event { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public bool IsDeleted { get; init; }

    public string? ActorId { get; init; }

    public string? Role { get; init; }

    public string? RelatedMemoryId { get; init; }
}

internal sealed record WireEntity(string Id, string Type, long TotalMemories);

/// <summary>One relation of <c>GET /v1/relations/</c> (Engram extension).</summary>
internal sealed record WireRelation(
    long Id, string Source, string Relationship, string Target, string MemoryId, string? UserId, string? AgentId, string? AppId, string? RunId,
    DateTimeOffset CreatedAt, DateTimeOffset? InvalidatedAt, string? InvalidatedBy);

internal sealed record WireProblem(string? Detail, string? Error);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(IReadOnlyList<WireRelation>))]
[JsonSerializable(typeof(WireAdd))]
[JsonSerializable(typeof(WireSearch))]
[JsonSerializable(typeof(WireList))]
[JsonSerializable(typeof(WireUpdate))]
[JsonSerializable(typeof(WireMemory))]
[JsonSerializable(typeof(WireResults<WireMemory>))]
[JsonSerializable(typeof(WirePage<WireMemory>))]
[JsonSerializable(typeof(WireResults<WireAddResult>))]
[JsonSerializable(typeof(WireQueued))]
[JsonSerializable(typeof(WireEvent))]
[JsonSerializable(typeof(IReadOnlyList<WireHistory>))]
[JsonSerializable(typeof(WirePage<WireEntity>))]
[JsonSerializable(typeof(WireProblem))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class ClientJson : JsonSerializerContext;
