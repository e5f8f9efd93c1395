using System.Text.Json;

namespace Engram.Sqlite.Tests;

/// <summary>Builders for store records in tests.</summary>
internal static class TestData
{
    public const string Project = "p1";

    public static readonly DateTimeOffset T0 = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public static readonly EmbeddingModel Model3 = new("test-embedder", 3);

    public static MemoryItem Item(
        string id,
        string text,
        MemoryScope? scope = null,
        DateTimeOffset? createdAt = null,
        IReadOnlyDictionary<string, JsonElement>? metadata = null,
        IReadOnlyList<string>? categories = null,
        DateOnly? expirationDate = null) => new()
        {
            Id = id,
            Memory = text,
            Hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)))[..32],
            Scope = scope ?? MemoryScope.ForUser("alice"),
            CreatedAt = createdAt ?? T0,
            UpdatedAt = createdAt ?? T0,
            ObservedAt = createdAt ?? T0,
            Metadata = metadata ?? MemoryMetadata.Empty,
            Categories = categories ?? [],
            ExpirationDate = expirationDate,
        };

    public static MemoryRecord Record(MemoryItem item, float[]? vector = null, IReadOnlyList<EntityMention>? entities = null, string? lexical = null) => new()
    {
        Item = item,
        LexicalText = lexical ?? item.Memory.ToLowerInvariant(),
        Embedding = vector ?? ReadOnlyMemory<float>.Empty,
        EmbeddingModel = vector is null ? null : new EmbeddingModel("test-embedder", vector.Length),
        Entities = entities,
    };

    public static MemoryRecord Record(string id, string text, MemoryScope? scope = null, float[]? vector = null, IReadOnlyList<EntityMention>? entities = null) =>
        Record(Item(id, text, scope), vector, entities);

    public static MemoryWriteBatch Inserts(params MemoryRecord[] records) => new() { ProjectId = Project, Inserts = records };

    public static MemoryQuery Query(MemoryFilter? filter = null, string project = Project) => new() { ProjectId = project, Filter = filter };

    public static float[] Unit(params float[] values)
    {
        var norm = MathF.Sqrt(values.Sum(v => v * v));
        return [.. values.Select(v => v / norm)];
    }

    public static EntityMention Entity(string key) => new(key, key, "PROPER");

    public static StoredMessage Message(string id, MemoryScope scope, string content, DateTimeOffset? at = null) => new()
    {
        Id = id,
        Scope = scope,
        Role = MemoryRoles.User,
        Content = content,
        ObservedAt = at ?? T0,
        CreatedAt = at ?? T0,
    };

    public static MemoryHistoryEntry History(string id, string memoryId, MemoryEventType type, DateTimeOffset at, string? oldMemory = null, string? newMemory = null) => new()
    {
        Id = id,
        MemoryId = memoryId,
        Event = type,
        OldMemory = oldMemory,
        NewMemory = newMemory,
        CreatedAt = at,
        IsDeleted = type == MemoryEventType.Delete,
    };
}
