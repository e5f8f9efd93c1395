using System.Globalization;
using System.Text.Json;

namespace Engram;

/// <summary>
/// The open, versioned JSONL export format <c>engram.memories</c> version 1: UTF-8, one JSON object per line. The first
/// line is the header <c>{"format":"engram.memories","version":1,"project_id","created_at","embeddings":bool}</c>; every
/// other line has a <c>type</c>: <c>message</c>, <c>memory</c>, <c>history</c> or <c>relation</c> (written in that order). Field names are
/// snake_case; timestamps are ISO 8601 UTC with a 7-digit fraction (lossless); vectors are JSON arrays of float32 in
/// shortest round-trip form. Specified in docs/export.md.
/// </summary>
/// <remarks>Thread-safe (stateless). A reader ignores unknown fields and unknown line types, so later minor additions stay readable.</remarks>
internal static class MemoryArchiveFormat
{
    public const string FormatName = "engram.memories";
    public const int Version = 1;

    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    public static void WriteHeader(Utf8JsonWriter writer, string projectId, DateTimeOffset createdAt, bool embeddings)
    {
        writer.WriteStartObject();
        writer.WriteString("format", FormatName);
        writer.WriteNumber("version", Version);
        writer.WriteString("project_id", projectId);
        writer.WriteString("created_at", Timestamp(createdAt));
        writer.WriteBoolean("embeddings", embeddings);
        writer.WriteEndObject();
    }

    public static void WriteMessage(Utf8JsonWriter writer, StoredMessage message)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "message");
        writer.WriteString("id", message.Id);
        WriteScope(writer, message.Scope);
        writer.WriteString("role", message.Role);
        writer.WriteString("name", message.Name);
        writer.WriteString("content", message.Content);
        writer.WriteString("external_id", message.ExternalId);
        writer.WriteString("observed_at", Timestamp(message.ObservedAt));
        writer.WriteString("created_at", Timestamp(message.CreatedAt));
        writer.WriteEndObject();
    }

    public static void WriteMemory(Utf8JsonWriter writer, MemoryRecord record)
    {
        var item = record.Item;
        writer.WriteStartObject();
        writer.WriteString("type", "memory");
        writer.WriteString("id", item.Id);
        writer.WriteString("memory", item.Memory);
        writer.WriteString("hash", item.Hash);
        WriteScope(writer, item.Scope);
        writer.WritePropertyName("metadata");
        writer.WriteRawValue(MemoryMetadata.ToJson(item.Metadata ?? MemoryMetadata.Empty));
        WriteStrings(writer, "categories", item.Categories ?? []);
        writer.WriteString("role", item.Role);
        writer.WriteString("actor_id", item.ActorId);
        writer.WriteString("attributed_to", item.AttributedTo);
        writer.WriteString("created_at", Timestamp(item.CreatedAt));
        writer.WriteString("updated_at", Timestamp(item.UpdatedAt));
        writer.WriteString("observed_at", Timestamp(item.ObservedAt));
        writer.WriteString("expiration_date", item.ExpirationDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        writer.WriteString("superseded_by", item.SupersededBy);
        writer.WriteString("valid_to", item.ValidTo is { } validTo ? Timestamp(validTo) : null);
        WriteStrings(writer, "source_message_ids", item.SourceMessageIds ?? []);
        if (item.Immutable)
        {
            writer.WriteBoolean("immutable", true);
        }

        writer.WriteString("lexical", record.LexicalText);
        writer.WriteStartArray("entities");
        foreach (var entity in record.Entities ?? [])
        {
            writer.WriteStartObject();
            writer.WriteString("key", entity.Key);
            writer.WriteString("name", entity.Name);
            writer.WriteString("type", entity.Type);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        if (!record.Embedding.IsEmpty && record.EmbeddingModel is { } model)
        {
            writer.WriteStartObject("embedding");
            writer.WriteString("model", model.Id);
            writer.WriteNumber("dimensions", model.Dimensions);
            writer.WriteStartArray("vector");
            foreach (var value in record.Embedding.Span)
            {
                writer.WriteNumberValue(value);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    public static void WriteHistory(Utf8JsonWriter writer, MemoryHistoryEntry entry)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "history");
        writer.WriteString("id", entry.Id);
        writer.WriteString("memory_id", entry.MemoryId);
        writer.WriteString("event", MemoryEventTypeNames.ToName(entry.Event));
        writer.WriteString("old_memory", entry.OldMemory);
        writer.WriteString("new_memory", entry.NewMemory);
        writer.WriteString("created_at", Timestamp(entry.CreatedAt));
        writer.WriteBoolean("is_deleted", entry.IsDeleted);
        writer.WriteString("actor_id", entry.ActorId);
        writer.WriteString("role", entry.Role);
        writer.WriteString("related_memory_id", entry.RelatedMemoryId);
        writer.WriteEndObject();
    }

    public static void WriteRelation(Utf8JsonWriter writer, GraphRelation relation)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "relation");
        WriteScope(writer, relation.Scope);
        writer.WriteString("source", relation.Source);
        writer.WriteString("relationship", relation.Relationship);
        writer.WriteString("destination", relation.Destination);
        writer.WriteString("memory_id", relation.MemoryId);
        writer.WriteString("created_at", Timestamp(relation.CreatedAt));
        writer.WriteString("invalidated_at", relation.InvalidatedAt is { } at ? Timestamp(at) : null);
        writer.WriteString("invalidated_by", relation.InvalidatedByMemoryId);
        writer.WriteEndObject();
    }

    public static GraphRelation ReadRelation(JsonElement line) => new()
    {
        Scope = ReadScope(line),
        Source = Required(line, "source"),
        Relationship = Required(line, "relationship"),
        Destination = Required(line, "destination"),
        MemoryId = Required(line, "memory_id"),
        CreatedAt = ParseTimestamp(Required(line, "created_at")),
        InvalidatedAt = Optional(line, "invalidated_at") is { } at ? ParseTimestamp(at) : null,
        InvalidatedByMemoryId = Optional(line, "invalidated_by"),
    };

    /// <summary>Tells whether a parsed first line is this format's header; throws for a newer version.</summary>
    /// <exception cref="MemoryValidationException">The header names a version this code does not read.</exception>
    public static bool IsHeader(JsonElement line)
    {
        if (line.ValueKind != JsonValueKind.Object || !line.TryGetProperty("format", out var format) || format.ValueKind != JsonValueKind.String
            || format.GetString() != FormatName)
        {
            return false;
        }

        if (!line.TryGetProperty("version", out var version) || !version.TryGetInt32(out var number) || number < 1 || number > Version)
        {
            throw new MemoryValidationException($"This {FormatName} file has a version this Engram cannot read (it reads 1 to {Version}).", "version");
        }

        return true;
    }

    public static StoredMessage ReadMessage(JsonElement line) => new()
    {
        Id = Required(line, "id"),
        Scope = ReadScope(line),
        Role = Required(line, "role"),
        Name = Optional(line, "name"),
        Content = Required(line, "content"),
        ExternalId = Optional(line, "external_id"),
        ObservedAt = ParseTimestamp(Required(line, "observed_at")),
        CreatedAt = ParseTimestamp(Required(line, "created_at")),
    };

    public static MemoryRecord ReadMemory(JsonElement line)
    {
        var item = new MemoryItem
        {
            Id = Required(line, "id"),
            Memory = Required(line, "memory"),
            Hash = Required(line, "hash"),
            Scope = ReadScope(line),
            Metadata = line.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
                ? MemoryMetadata.FromJsonElement(metadata)
                : MemoryMetadata.Empty,
            Categories = Strings(line, "categories"),
            Role = Optional(line, "role"),
            ActorId = Optional(line, "actor_id"),
            AttributedTo = Optional(line, "attributed_to"),
            CreatedAt = ParseTimestamp(Required(line, "created_at")),
            UpdatedAt = ParseTimestamp(Required(line, "updated_at")),
            ObservedAt = ParseTimestamp(Required(line, "observed_at")),
            ExpirationDate = Optional(line, "expiration_date") is { } date ? DateOnly.ParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture) : null,
            SupersededBy = Optional(line, "superseded_by"),
            ValidTo = Optional(line, "valid_to") is { } validTo ? ParseTimestamp(validTo) : null,
            SourceMessageIds = Strings(line, "source_message_ids"),
            Immutable = line.TryGetProperty("immutable", out var immutable) && immutable.ValueKind == JsonValueKind.True,
        };
        var entities = new List<EntityMention>();
        if (line.TryGetProperty("entities", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var entity in list.EnumerateArray())
            {
                entities.Add(new EntityMention(Required(entity, "key"), Required(entity, "name"), Optional(entity, "type") ?? string.Empty));
            }
        }

        var record = new MemoryRecord { Item = item, LexicalText = Optional(line, "lexical") ?? string.Empty, Entities = entities };
        if (line.TryGetProperty("embedding", out var embedding) && embedding.ValueKind == JsonValueKind.Object)
        {
            var vector = embedding.GetProperty("vector").EnumerateArray().Select(v => v.GetSingle()).ToArray();
            record = record with { Embedding = vector, EmbeddingModel = new EmbeddingModel(Required(embedding, "model"), embedding.GetProperty("dimensions").GetInt32()) };
        }

        return record;
    }

    public static MemoryHistoryEntry ReadHistory(JsonElement line) => new()
    {
        Id = Required(line, "id"),
        MemoryId = Required(line, "memory_id"),
        Event = MemoryEventTypeNames.Parse(Required(line, "event")),
        OldMemory = Optional(line, "old_memory"),
        NewMemory = Optional(line, "new_memory"),
        CreatedAt = ParseTimestamp(Required(line, "created_at")),
        IsDeleted = line.TryGetProperty("is_deleted", out var deleted) && deleted.ValueKind == JsonValueKind.True,
        ActorId = Optional(line, "actor_id"),
        Role = Optional(line, "role"),
        RelatedMemoryId = Optional(line, "related_memory_id"),
    };

    public static string Timestamp(DateTimeOffset value) => value.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture);

    public static DateTimeOffset ParseTimestamp(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    public static string? Optional(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static IReadOnlyList<string> Strings(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).ToList()
            : [];

    private static string Required(JsonElement element, string name) =>
        Optional(element, name) ?? throw new MemoryValidationException($"An export line lacks the string field '{name}'.", name);

    private static MemoryScope ReadScope(JsonElement line) => new()
    {
        UserId = Optional(line, "user_id"),
        AgentId = Optional(line, "agent_id"),
        AppId = Optional(line, "app_id"),
        RunId = Optional(line, "run_id") ?? Optional(line, "session_id"),
    };

    private static void WriteScope(Utf8JsonWriter writer, MemoryScope scope)
    {
        writer.WriteString("user_id", scope.UserId);
        writer.WriteString("agent_id", scope.AgentId);
        writer.WriteString("app_id", scope.AppId);
        writer.WriteString("run_id", scope.RunId);
    }

    private static void WriteStrings(Utf8JsonWriter writer, string name, IEnumerable<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }
}
