using System.Text.Json;

namespace Engram.Cli.Output;

/// <summary>A memory on the wire (Mem0's <c>MemoryItem</c> keys: <c>id</c>, <c>memory</c>, <c>hash</c>, <c>user_id</c>, …).</summary>
internal record MemoryDto
{
    public required string Id { get; init; }

    public required string Memory { get; init; }

    public string? Hash { get; init; }

    public string? UserId { get; init; }

    public string? AgentId { get; init; }

    public string? AppId { get; init; }

    public string? RunId { get; init; }

    public IReadOnlyDictionary<string, JsonElement>? Metadata { get; init; }

    public IReadOnlyList<string>? Categories { get; init; }

    public string? Role { get; init; }

    public string? ActorId { get; init; }

    public string? AttributedTo { get; init; }

    public DateTimeOffset? CreatedAt { get; init; }

    public DateTimeOffset? UpdatedAt { get; init; }

    public DateTimeOffset? ObservedAt { get; init; }

    public DateOnly? ExpirationDate { get; init; }

    public string? SupersededBy { get; init; }

    public DateTimeOffset? ValidTo { get; init; }

    public IReadOnlyList<string>? SourceMessageIds { get; init; }

    public static MemoryDto From(MemoryItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return new MemoryDto
        {
            Id = item.Id,
            Memory = item.Memory,
            Hash = item.Hash,
            UserId = item.Scope.UserId,
            AgentId = item.Scope.AgentId,
            AppId = item.Scope.AppId,
            RunId = item.Scope.RunId,
            Metadata = item.Metadata,
            Categories = item.Categories,
            Role = item.Role,
            ActorId = item.ActorId,
            AttributedTo = item.AttributedTo,
            CreatedAt = item.CreatedAt,
            UpdatedAt = item.UpdatedAt,
            ObservedAt = item.ObservedAt,
            ExpirationDate = item.ExpirationDate,
            SupersededBy = item.SupersededBy,
            ValidTo = item.ValidTo,
            SourceMessageIds = item.SourceMessageIds,
        };
    }
}
