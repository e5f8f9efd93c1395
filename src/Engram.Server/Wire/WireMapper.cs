using System.Text.Json;

namespace Engram.Server;

/// <summary>Maps domain records to Mem0's wire shapes (mem0-reference.md §1.3, §5.2).</summary>
internal static class WireMapper
{
    /// <summary>A memory as get and list return it (run id as <c>session_id</c>).</summary>
    public static MemoryResponse ToMemory(MemoryItem item, DateOnly todayUtc) => new()
    {
        Id = item.Id,
        Memory = item.Memory,
        UserId = item.Scope.UserId,
        AgentId = item.Scope.AgentId,
        AppId = item.Scope.AppId,
        SessionId = item.Scope.RunId,
        Metadata = item.Metadata.Count == 0 ? null : item.Metadata,
        Categories = item.Categories,
        CreatedAt = item.CreatedAt,
        UpdatedAt = item.UpdatedAt,
        ExpirationDate = item.ExpirationDate,
        Hash = item.Hash,
        Timestamp = item.ObservedAt,
        ReplacedBy = item.SupersededBy,
        LifecycleState = item.SupersededBy is not null ? "superseded" : item.IsExpired(todayUtc) ? "expired" : "active",
        ActorId = item.ActorId,
        Role = item.Role,
        AttributedTo = item.AttributedTo,
        Immutable = item.Immutable,
    };

    /// <summary>A search hit (run id as <c>run_id</c>, with <c>score</c>).</summary>
    public static SearchHitResponse ToHit(MemorySearchHit hit)
    {
        var item = hit.Item;
        return new SearchHitResponse
        {
            Id = item.Id,
            Memory = item.Memory,
            UserId = item.Scope.UserId,
            AgentId = item.Scope.AgentId,
            AppId = item.Scope.AppId,
            RunId = item.Scope.RunId,
            Metadata = item.Metadata.Count == 0 ? null : item.Metadata,
            Categories = item.Categories,
            CreatedAt = item.CreatedAt,
            UpdatedAt = item.UpdatedAt,
            ExpirationDate = item.ExpirationDate,
            Hash = item.Hash,
            Timestamp = item.ObservedAt,
            ReplacedBy = item.SupersededBy,
            ActorId = item.ActorId,
            Role = item.Role,
            AttributedTo = item.AttributedTo,
            Immutable = item.Immutable,
            Score = Math.Round(hit.Score, 6),
            RerankScore = hit.RerankScore is { } rerank ? Math.Round(rerank, 6) : null,
            ScoreDetails = hit.Explanation is { } explanation
                ? new ScoreDetailsResponse
                {
                    Fusion = explanation.Fusion,
                    RawScore = explanation.RawScore,
                    Threshold = explanation.Threshold,
                    Signals = explanation.Signals
                        .Select(s => new SignalResponse(s.Name, s.RawValue, s.Value, s.Weight, s.Contribution, s.Rank))
                        .ToList(),
                    SourceMessageIds = explanation.SourceMessageIds,
                }
                : null,
        };
    }

    /// <summary>One memory an add created, in the <c>{"id", "data": {"memory"}, "event"}</c> shape.</summary>
    public static AddResultResponse ToAddResult(MemoryEvent memoryEvent) =>
        new(memoryEvent.Id, new AddResultData(memoryEvent.Memory), MemoryEventTypeNames.ToName(memoryEvent.Event));

    /// <summary>An event; its payload is the stored request.</summary>
    public static EventResponse ToEvent(StoredEvent storedEvent)
    {
        JsonElement payload;
        try
        {
            using var document = JsonDocument.Parse(storedEvent.Payload);
            payload = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            payload = default;
        }

        return new EventResponse
        {
            Id = storedEvent.Id,
            EventType = storedEvent.EventType,
            Status = StatusName(storedEvent.Status),
            Payload = payload.ValueKind == JsonValueKind.Undefined ? JsonSerializer.SerializeToElement(string.Empty, ServerJsonContext.Default.String) : payload,
            Results = storedEvent.Results.Select(ToAddResult).ToList(),
            CreatedAt = storedEvent.CreatedAt,
            UpdatedAt = storedEvent.UpdatedAt,
            StartedAt = storedEvent.StartedAt,
            CompletedAt = storedEvent.CompletedAt,
            Latency = storedEvent.LatencyMilliseconds is { } latency ? Math.Round(latency, 3) : null,
            Error = storedEvent.Error,
            Usage = storedEvent.Usage is { } usage ? new UsageResponse(usage.InputTokens, usage.OutputTokens, usage.Calls) : null,
            Attempts = storedEvent.Attempts,
        };
    }

    /// <summary>Mem0's upper-case event status.</summary>
    public static string StatusName(StoredEventStatus status) => status switch
    {
        StoredEventStatus.Pending => "PENDING",
        StoredEventStatus.Running => "RUNNING",
        StoredEventStatus.Succeeded => "SUCCEEDED",
        _ => "FAILED",
    };

    /// <summary>Mem0's lower-case entity type.</summary>
    public static string KindName(ScopeKind kind) => kind switch
    {
        ScopeKind.User => "user",
        ScopeKind.Agent => "agent",
        ScopeKind.App => "app",
        _ => "run",
    };

    /// <summary>Parses Mem0's entity type (<c>user</c>, <c>agent</c>, <c>app</c>, <c>run</c>; plural and <c>session</c> accepted).</summary>
    public static ScopeKind ParseKind(string? type) => type?.Trim().ToLowerInvariant() switch
    {
        "user" or "users" => ScopeKind.User,
        "agent" or "agents" => ScopeKind.Agent,
        "app" or "apps" => ScopeKind.App,
        "run" or "runs" or "session" or "sessions" => ScopeKind.Run,
        _ => throw new MemoryValidationException($"Unknown entity type '{type}'; use user, agent, app or run.", "entity_type"),
    };

    /// <summary>A scope with one identifier of the given kind.</summary>
    public static MemoryScope ScopeOf(ScopeKind kind, string id) => kind switch
    {
        ScopeKind.User => new MemoryScope { UserId = id },
        ScopeKind.Agent => new MemoryScope { AgentId = id },
        ScopeKind.App => new MemoryScope { AppId = id },
        _ => new MemoryScope { RunId = id },
    };
}
