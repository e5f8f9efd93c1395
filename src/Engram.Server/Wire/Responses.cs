using System.Text.Json;
using System.Text.Json.Serialization;

namespace Engram.Server;

// Wire responses (mem0-reference.md §5.2). Null members are written as null, never left out, so clients see every key.

/// <summary>A memory as get and list return it: the run id is called <c>session_id</c>.</summary>
internal sealed record MemoryResponse
{
    public required string Id { get; init; }

    public required string Memory { get; init; }

    public string? UserId { get; init; }

    public string? AgentId { get; init; }

    public string? AppId { get; init; }

    public string? SessionId { get; init; }

    public IReadOnlyDictionary<string, JsonElement>? Metadata { get; init; }

    public required IReadOnlyList<string> Categories { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    public DateOnly? ExpirationDate { get; init; }

    public required string Hash { get; init; }

    /// <summary>When the fact was said (the add call's <c>timestamp</c>), else the ingestion time.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>The memory that superseded this one (Mem0 <c>replaced_by</c>).</summary>
    public string? ReplacedBy { get; init; }

    /// <summary><c>active</c>, <c>superseded</c> or <c>expired</c>.</summary>
    public required string LifecycleState { get; init; }

    public string? ActorId { get; init; }

    public string? Role { get; init; }

    public string? AttributedTo { get; init; }

    /// <summary>Mem0's <c>immutable</c>: updates of the memory are refused.</summary>
    public bool Immutable { get; init; }
}

/// <summary>A search hit: the run id is called <c>run_id</c>, and <c>score</c> is added.</summary>
internal sealed record SearchHitResponse
{
    public required string Id { get; init; }

    public required string Memory { get; init; }

    public string? UserId { get; init; }

    public string? AgentId { get; init; }

    public string? AppId { get; init; }

    public string? RunId { get; init; }

    public IReadOnlyDictionary<string, JsonElement>? Metadata { get; init; }

    public required IReadOnlyList<string> Categories { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    public DateOnly? ExpirationDate { get; init; }

    public required string Hash { get; init; }

    public required DateTimeOffset Timestamp { get; init; }

    public string? ReplacedBy { get; init; }

    public string? ActorId { get; init; }

    public string? Role { get; init; }

    public string? AttributedTo { get; init; }

    /// <summary>Mem0's <c>immutable</c>: updates of the memory are refused.</summary>
    public bool Immutable { get; init; }

    public required double Score { get; init; }

    /// <summary>The reranker's relevance, only when the search was reranked (Mem0 <c>rerank_score</c>).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? RerankScore { get; init; }

    /// <summary>Only with <c>explain: true</c> (Engram extension).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ScoreDetailsResponse? ScoreDetails { get; init; }
}

/// <summary>Why a hit scored what it did (Engram's explain).</summary>
internal sealed record ScoreDetailsResponse
{
    public required string Fusion { get; init; }

    public required double RawScore { get; init; }

    public required double Threshold { get; init; }

    public required IReadOnlyList<SignalResponse> Signals { get; init; }

    public required IReadOnlyList<string> SourceMessageIds { get; init; }
}

/// <summary>One signal's share of a fused score.</summary>
internal sealed record SignalResponse(string Name, double RawValue, double Value, double Weight, double Contribution, int? Rank);

/// <summary><c>{"results": [...]}</c>.</summary>
internal sealed record ResultsResponse<T>(IReadOnlyList<T> Results);

/// <summary>Mem0's paginated envelope: <c>{count, next, previous, results}</c>.</summary>
internal sealed record PageResponse<T>(long Count, string? Next, string? Previous, IReadOnlyList<T> Results);

/// <summary>One memory an add created: <c>{"id", "data": {"memory"}, "event"}</c> (also a webhook's <c>event_details</c>).</summary>
internal sealed record AddResultResponse(string Id, AddResultData Data, string Event);

/// <summary>The <c>data</c> of <see cref="AddResultResponse"/>.</summary>
internal sealed record AddResultData(string Memory);

/// <summary>Synchronous add (<c>infer: false</c>): <c>{"message", "results": [...]}</c>.</summary>
internal sealed record AddSyncResponse(string Message, IReadOnlyList<AddResultResponse> Results);

/// <summary>Asynchronous add on <c>/v3/memories/add/</c>: <c>{"event_id", "status": "PENDING"}</c>.</summary>
internal sealed record AddQueuedResponse(string EventId, string Status);

/// <summary>Asynchronous add on the legacy <c>/v1/memories/</c>: one element of <c>[{"message", "status", "event_id"}]</c>.</summary>
internal sealed record LegacyAddQueuedResponse(string Message, string Status, string EventId);

/// <summary>Legacy <c>output_format: v1.1</c> add result: <c>{"results": [...], "relations": []}</c>.</summary>
internal sealed record LegacyAddResultsResponse(IReadOnlyList<AddResultResponse> Results, IReadOnlyList<JsonElement> Relations);

/// <summary><c>{"message": "..."}</c>.</summary>
internal sealed record MessageResponse(string Message);

/// <summary><c>GET /v1/ping/</c>.</summary>
internal sealed record PingResponse(string Status, string OrgId, string ProjectId, string? UserEmail, string? Embedder);

/// <summary>One row of <c>GET /v1/memories/{id}/history/</c>; the run id is called <c>session_id</c>.</summary>
internal sealed record HistoryResponse
{
    public required string Id { get; init; }

    public required string MemoryId { get; init; }

    public required IReadOnlyList<HistoryInputResponse> Input { get; init; }

    public string? OldMemory { get; init; }

    public string? NewMemory { get; init; }

    public string? UserId { get; init; }

    public string? AgentId { get; init; }

    public string? AppId { get; init; }

    public string? SessionId { get; init; }

    public required IReadOnlyList<string> Categories { get; init; }

    public required string Event { get; init; }

    public IReadOnlyDictionary<string, JsonElement>? Metadata { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    public required bool IsDeleted { get; init; }

    public string? ActorId { get; init; }

    public string? Role { get; init; }

    /// <summary>For <c>SUPERSEDE</c> rows: the memory that replaced this one.</summary>
    public string? RelatedMemoryId { get; init; }
}

/// <summary>A source message of a memory, in a history row's <c>input</c>.</summary>
internal sealed record HistoryInputResponse(string Role, string Content);

/// <summary>One entity of <c>GET /v1/entities/</c>.</summary>
internal sealed record EntityResponse
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    public required string Type { get; init; }

    public required long TotalMemories { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    public required string Owner { get; init; }

    public IReadOnlyDictionary<string, JsonElement>? Metadata { get; init; }

    /// <summary>
    /// Engram extension, with <c>?enable_graph=true</c> only: the valid graph relations of the entity's memories
    /// (<c>[{"source", "relationship", "target"}]</c>, newest first, at most 200); absent otherwise.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<RelationTargetResponse>? Relations { get; init; }
}

/// <summary><c>GET /v1/entities/</c>: the paginated envelope plus totals per kind.</summary>
internal sealed record EntitiesResponse
{
    public required long Count { get; init; }

    public string? Next { get; init; }

    public string? Previous { get; init; }

    public required IReadOnlyList<EntityResponse> Results { get; init; }

    public required long TotalUsers { get; init; }

    public required long TotalAgents { get; init; }

    public required long TotalApps { get; init; }

    public required long TotalRuns { get; init; }
}

/// <summary>An asynchronous event (<c>GET /v1/event/{id}/</c>).</summary>
internal sealed record EventResponse
{
    public required string Id { get; init; }

    public required string EventType { get; init; }

    public required string Status { get; init; }

    public JsonElement Payload { get; init; }

    public IReadOnlyDictionary<string, JsonElement>? Metadata { get; init; }

    public required IReadOnlyList<AddResultResponse> Results { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>Processing time in milliseconds, once finished.</summary>
    public double? Latency { get; init; }

    public string? GraphStatus { get; init; }

    public string? Error { get; init; }

    public required int Attempts { get; init; }

    /// <summary>Engram extension: the language-model tokens the event spent (<c>null</c> offline).</summary>
    public UsageResponse? Usage { get; init; }

    /// <summary>
    /// Mem0g's add <c>relations</c> (<c>{"deleted_entities", "added_entities"}</c>) of a SUCCEEDED add with graph memory
    /// on, on <c>GET /v1/event/{id}/</c>; absent otherwise.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public AddRelationsResponse? Relations { get; init; }
}

/// <summary>Language-model usage of an event.</summary>
internal sealed record UsageResponse(long InputTokens, long OutputTokens, int Calls);

/// <summary><c>POST /v1/event/{id}/retry/</c> and <c>POST /v1/events/retry/</c>: the events put back in the queue.</summary>
internal sealed record RetryResponse(string Message, IReadOnlyList<string> EventIds);

/// <summary><c>POST /v1/feedback/</c>.</summary>
internal sealed record FeedbackResponse(string Id, string? Feedback, string? FeedbackReason);

/// <summary><c>POST /v1/exports/</c> (201).</summary>
internal sealed record ExportCreatedResponse(string Message, string Id);

/// <summary><c>POST /v1/exports/get/</c>: the export, its <c>data</c> shaped by the schema (docs/server.md).</summary>
internal sealed record ExportResponse
{
    public required string Id { get; init; }

    public required string Status { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required JsonElement Schema { get; init; }

    public required JsonElement Filters { get; init; }

    public string? ExportInstructions { get; init; }

    public required int Count { get; init; }

    public required JsonElement Data { get; init; }
}

/// <summary><c>GET /healthz</c>.</summary>
internal sealed record HealthResponse(string Status);
