using System.Text;
using System.Text.Json;

namespace Engram.Server;

/// <summary>
/// Shapes exported memories by a JSON schema, deterministically (no language model):
/// <list type="bullet">
/// <item>When the schema's <c>properties</c> include an array of objects, the export is an object: that array holds one
/// entry per memory, projected on the item schema's properties; <c>count</c>, <c>total</c> and <c>total_memories</c>
/// properties hold the number of memories; other properties are <c>null</c>.</item>
/// <item>Otherwise the schema describes one memory and the export is a list of memories projected on its properties.</item>
/// <item>Without <c>properties</c>, every field of every memory is exported.</item>
/// </list>
/// A projected property takes the memory field of that name (<c>id</c>, <c>memory</c> — also <c>text</c>, <c>content</c>,
/// <c>data</c> —, <c>user_id</c>, <c>agent_id</c>, <c>app_id</c>, <c>run_id</c>/<c>session_id</c>, <c>categories</c>,
/// <c>metadata</c>, <c>created_at</c>, <c>updated_at</c>, <c>timestamp</c>, <c>expiration_date</c>, <c>hash</c>), else
/// the metadata value of that key, else <c>null</c>.
/// </summary>
internal static class ExportShaper
{
    private static readonly string[] AllFields =
        ["id", "memory", "user_id", "agent_id", "app_id", "run_id", "categories", "metadata", "created_at", "updated_at", "timestamp", "expiration_date", "hash"];

    private static readonly string[] CountNames = ["count", "total", "total_memories"];

    public static string Shape(JsonElement schema, IReadOnlyList<MemoryItem> items)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            var properties = Properties(schema);
            if (properties is { } props && props.EnumerateObject().FirstOrDefault(IsObjectArray) is { Value.ValueKind: JsonValueKind.Object } collection)
            {
                writer.WriteStartObject();
                foreach (var property in props.EnumerateObject())
                {
                    writer.WritePropertyName(property.Name);
                    if (property.NameEquals(collection.Name))
                    {
                        WriteItems(writer, Properties(property.Value.GetProperty("items")), items);
                    }
                    else if (Array.IndexOf(CountNames, property.Name) >= 0)
                    {
                        writer.WriteNumberValue(items.Count);
                    }
                    else
                    {
                        writer.WriteNullValue();
                    }
                }

                writer.WriteEndObject();
            }
            else
            {
                WriteItems(writer, properties, items);
            }
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static bool IsObjectArray(JsonProperty property) =>
        property.Value.ValueKind == JsonValueKind.Object
        && property.Value.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "array"
        && property.Value.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Object;

    private static JsonElement? Properties(JsonElement schema) =>
        schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object
            ? properties
            : null;

    private static void WriteItems(Utf8JsonWriter writer, JsonElement? properties, IReadOnlyList<MemoryItem> items)
    {
        var names = properties is { } props ? props.EnumerateObject().Select(p => p.Name).ToArray() : AllFields;
        writer.WriteStartArray();
        foreach (var item in items)
        {
            writer.WriteStartObject();
            foreach (var name in names)
            {
                writer.WritePropertyName(name);
                WriteField(writer, item, name);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteField(Utf8JsonWriter writer, MemoryItem item, string name)
    {
        switch (name)
        {
            case "id" or "memory_id":
                writer.WriteStringValue(item.Id);
                return;
            case "memory" or "text" or "content" or "data":
                writer.WriteStringValue(item.Memory);
                return;
            case "user_id":
                WriteNullable(writer, item.Scope.UserId);
                return;
            case "agent_id":
                WriteNullable(writer, item.Scope.AgentId);
                return;
            case "app_id":
                WriteNullable(writer, item.Scope.AppId);
                return;
            case "run_id" or "session_id":
                WriteNullable(writer, item.Scope.RunId);
                return;
            case "categories":
                writer.WriteStartArray();
                foreach (var category in item.Categories)
                {
                    writer.WriteStringValue(category);
                }

                writer.WriteEndArray();
                return;
            case "metadata":
                writer.WriteStartObject();
                foreach (var (key, value) in item.Metadata)
                {
                    writer.WritePropertyName(key);
                    value.WriteTo(writer);
                }

                writer.WriteEndObject();
                return;
            case "created_at":
                writer.WriteStringValue(item.CreatedAt);
                return;
            case "updated_at":
                writer.WriteStringValue(item.UpdatedAt);
                return;
            case "timestamp" or "observed_at":
                writer.WriteStringValue(item.ObservedAt);
                return;
            case "expiration_date":
                WriteNullable(writer, item.ExpirationDate?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
                return;
            case "hash":
                writer.WriteStringValue(item.Hash);
                return;
        }

        if (item.Metadata.TryGetValue(name, out var metadataValue))
        {
            metadataValue.WriteTo(writer);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    private static void WriteNullable(Utf8JsonWriter writer, string? value)
    {
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }
}
