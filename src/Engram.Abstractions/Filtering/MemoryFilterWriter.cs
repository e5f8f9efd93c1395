using System.Text;
using System.Text.Json;

namespace Engram;

/// <summary>
/// Writes a <see cref="MemoryFilter"/> back in Mem0's filter JSON, in the form <see cref="MemoryFilterParser"/> reads:
/// <c>{"AND": […]}</c>, <c>{"field": {"op": value}}</c>, <c>{"metadata": {"key": {"op": value}}}</c>, <c>{"field": "*"}</c>.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public static class MemoryFilterWriter
{
    private static readonly string[] OperatorNames = ["eq", "ne", "gt", "gte", "lt", "lte", "in", "nin", "contains", "icontains"];

    /// <summary>Serializes a filter to compact JSON text.</summary>
    /// <param name="filter">The filter.</param>
    /// <returns>The JSON object.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="filter"/> is <see langword="null"/>.</exception>
    public static string ToJson(MemoryFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            Write(writer, filter);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Writes a filter as one JSON object.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="filter">The filter.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static void Write(Utf8JsonWriter writer, MemoryFilter filter)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(filter);
        writer.WriteStartObject();
        switch (filter)
        {
            case AndFilter and:
                WriteList(writer, "AND", and.Filters);
                break;
            case OrFilter or:
                WriteList(writer, "OR", or.Filters);
                break;
            case NotFilter not:
                WriteList(writer, "NOT", not.Filters);
                break;
            case ComparisonFilter comparison:
                WriteField(writer, comparison.Field, w =>
                {
                    w.WriteStartObject();
                    w.WritePropertyName(OperatorNames[(int)comparison.Operator]);
                    comparison.Value.WriteTo(w);
                    w.WriteEndObject();
                });
                break;
            case ExistsFilter exists:
                WriteField(writer, exists.Field, w => w.WriteStringValue("*"));
                break;
        }

        writer.WriteEndObject();
    }

    private static void WriteList(Utf8JsonWriter writer, string name, IReadOnlyList<MemoryFilter> filters)
    {
        writer.WriteStartArray(name);
        foreach (var inner in filters)
        {
            Write(writer, inner);
        }

        writer.WriteEndArray();
    }

    private static void WriteField(Utf8JsonWriter writer, FilterField field, Action<Utf8JsonWriter> value)
    {
        if (field.Kind == FilterFieldKind.Metadata)
        {
            writer.WriteStartObject("metadata");
            writer.WritePropertyName(field.MetadataKey!);
            value(writer);
            writer.WriteEndObject();
        }
        else
        {
            writer.WritePropertyName(FilterFieldNames.ToName(field.Kind));
            value(writer);
        }
    }
}
