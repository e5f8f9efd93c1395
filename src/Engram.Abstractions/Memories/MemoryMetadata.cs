using System.Collections.Frozen;
using System.Text.Json;

namespace Engram;

/// <summary>Helpers to build and validate memory metadata (a JSON object's members).</summary>
public static class MemoryMetadata
{
    /// <summary>
    /// The keys Mem0 strips from metadata (<c>user_id</c>, <c>agent_id</c>, <c>run_id</c>, <c>actor_id</c>; issues #4490, #6277,
    /// #6655): the engine drops them from metadata on add and update and logs a warning. Identity never comes from metadata
    /// (the scope is its own field), so every other key — <c>session_id</c>, <c>app_id</c>, <c>org_id</c>, <c>project_id</c>,
    /// <c>""</c> — is plain metadata.
    /// </summary>
    public static readonly FrozenSet<string> IdentityKeys =
        FrozenSet.Create(StringComparer.Ordinal, "user_id", "agent_id", "run_id", "actor_id");

    /// <summary>An empty metadata dictionary.</summary>
    public static readonly IReadOnlyDictionary<string, JsonElement> Empty = FrozenDictionary<string, JsonElement>.Empty;

    /// <summary>Parses metadata from a JSON object text.</summary>
    /// <param name="json">A JSON object, for example <c>{"topic":"travel","priority":2}</c>.</param>
    /// <returns>The members of the object.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is <see langword="null"/>.</exception>
    /// <exception cref="MemoryValidationException">The text is not valid JSON or not a JSON object.</exception>
    public static IReadOnlyDictionary<string, JsonElement> Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonElement element;
        try
        {
            using var doc = JsonDocument.Parse(json);
            element = doc.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new MemoryValidationException($"Metadata is not valid JSON: {ex.Message}", "metadata", ex);
        }

        return FromJsonElement(element);
    }

    /// <summary>Reads metadata from a JSON element that must be an object.</summary>
    /// <param name="element">The JSON object.</param>
    /// <returns>The members of the object (cloned, so the source document may be disposed).</returns>
    /// <exception cref="MemoryValidationException"><paramref name="element"/> is not a JSON object.</exception>
    public static IReadOnlyDictionary<string, JsonElement> FromJsonElement(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Null || element.ValueKind == JsonValueKind.Undefined)
        {
            return Empty;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new MemoryValidationException($"Metadata must be a JSON object, not {element.ValueKind}.", "metadata");
        }

        var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            result[property.Name] = property.Value.Clone();
        }

        return result;
    }

    /// <summary>Builds metadata from .NET values, serialized with <see cref="JsonSerializer"/>'s defaults.</summary>
    /// <param name="values">Key/value pairs; values may be strings, numbers, booleans, arrays or objects.</param>
    /// <returns>The metadata dictionary.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> is <see langword="null"/>.</exception>
    public static IReadOnlyDictionary<string, JsonElement> From(params IEnumerable<KeyValuePair<string, object?>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (key, value) in values)
        {
            result[key] = value is JsonElement e ? e.Clone() : JsonSerializer.SerializeToElement(value);
        }

        return result;
    }

    /// <summary>Serializes metadata to a compact JSON object text.</summary>
    /// <param name="metadata">The metadata.</param>
    /// <returns>A JSON object, <c>{}</c> when empty.</returns>
    public static string ToJson(IReadOnlyDictionary<string, JsonElement> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in metadata)
            {
                writer.WritePropertyName(key);
                value.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
