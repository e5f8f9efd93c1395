using System.Text.Json;

namespace Engram;

/// <summary>
/// Parses Mem0's filter JSON (<c>mem0-reference.md</c> §1.4) into a <see cref="MemoryFilter"/> tree.
/// </summary>
/// <remarks>
/// <para>Grammar, as in Mem0 OSS and Platform:</para>
/// <list type="bullet">
/// <item><c>{"key": value}</c> is equality; sibling keys are ANDed; a list value means <c>in</c>; <c>"*"</c> means "present and not null".</item>
/// <item><c>{"key": {"op": value, …}}</c> with <c>eq, ne, gt, gte, lt, lte, in, nin, contains, icontains</c> (a <c>$</c> prefix is accepted); several operators are ANDed.</item>
/// <item><c>{"AND": [f, …]}</c>, <c>{"OR": [f, …]}</c>, <c>{"NOT": [f, …]}</c> nest (also <c>$and</c>/<c>$or</c>/<c>$not</c>); <c>NOT</c> means none of its filters holds.</item>
/// <item><c>{"metadata": {"k": value}}</c> tests metadata keys explicitly; any key that is not a built-in field name is a metadata key too.
/// An object value that is not an operator object (<c>{"metadata": {"a": {"b": 1}}}</c>) is an equality on that nested value.</item>
/// <item>Scope keys may be snake_case or camelCase (<c>user_id</c>, <c>userId</c>); <c>session_id</c> is <c>run_id</c>.</item>
/// </list>
/// <para>Nesting deeper than <see cref="MaxDepth"/> levels, and more than <see cref="MemoryFilter.MaxValues"/> values in all,
/// are rejected. The parser is stateless and thread-safe.</para>
/// </remarks>
public static class MemoryFilterParser
{
    /// <summary>The deepest nesting of logical operators accepted.</summary>
    public const int MaxDepth = 32;

    private static readonly string[] OperatorNames = ["eq", "ne", "gt", "gte", "lt", "lte", "in", "nin", "contains", "icontains"];

    // Operators of other filter languages (MongoDB, Django, SQL): an object using one is a mistaken operator, never a nested value.
    private static readonly string[] ForeignOperatorNames =
        ["between", "like", "ilike", "regex", "startswith", "endswith", "istartswith", "iendswith", "not_in", "neq"];

    /// <summary>Parses filter JSON text.</summary>
    /// <param name="json">A JSON object.</param>
    /// <returns>The filter tree.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is <see langword="null"/>.</exception>
    /// <exception cref="MemoryValidationException">The JSON is malformed or breaks the grammar.</exception>
    public static MemoryFilter Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = (MaxDepth * 2) + 8 });
            return Parse(document.RootElement);
        }
        catch (JsonException ex)
        {
            throw new MemoryValidationException($"Filters are not valid JSON: {ex.Message}", "filters", ex);
        }
    }

    /// <summary>Parses a filter JSON element.</summary>
    /// <param name="element">A JSON object.</param>
    /// <returns>The filter tree (values are cloned, so the source document may be disposed).</returns>
    /// <exception cref="MemoryValidationException">The JSON breaks the grammar, or holds more than <see cref="MemoryFilter.MaxValues"/> values.</exception>
    public static MemoryFilter Parse(JsonElement element)
    {
        var filter = ParseObject(element, 0);
        MemoryFilter.ThrowIfTooLarge(filter);
        return filter;
    }

    private static MemoryFilter ParseObject(JsonElement element, int depth)
    {
        if (depth > MaxDepth)
        {
            throw Invalid($"Filters are nested deeper than {MaxDepth} levels.");
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Invalid($"A filter must be a JSON object, not {Describe(element)}.");
        }

        var conditions = new List<MemoryFilter>();
        foreach (var property in element.EnumerateObject())
        {
            var logical = LogicalName(property.Name);
            if (logical is not null)
            {
                var inner = ParseList(property.Name, property.Value, depth + 1);
                conditions.Add(logical switch
                {
                    "AND" => new AndFilter(inner),
                    "OR" => new OrFilter(inner),
                    _ => new NotFilter(inner),
                });
            }
            else if (property.Name == "metadata" && property.Value.ValueKind == JsonValueKind.Object && !IsOperatorObject(property.Value))
            {
                foreach (var meta in property.Value.EnumerateObject())
                {
                    conditions.AddRange(ParseField(FieldFor(meta.Name, metadata: true), meta.Name, meta.Value));
                }
            }
            else
            {
                conditions.AddRange(ParseField(FieldFor(property.Name, metadata: false), property.Name, property.Value));
            }
        }

        return conditions.Count == 1 ? conditions[0] : new AndFilter(conditions);
    }

    private static List<MemoryFilter> ParseList(string name, JsonElement value, int depth)
    {
        var result = new List<MemoryFilter>();
        switch (value.ValueKind)
        {
            case JsonValueKind.Array:
                foreach (var item in value.EnumerateArray())
                {
                    result.Add(ParseObject(item, depth));
                }

                break;
            case JsonValueKind.Object:
                result.Add(ParseObject(value, depth));
                break;
            default:
                throw Invalid($"'{name}' must be a list of filter objects, not {Describe(value)}.");
        }

        return result;
    }

    private static FilterField FieldFor(string key, bool metadata)
    {
        if (metadata)
        {
            if (!FilterField.IsValidMetadataKey(key))
            {
                throw Invalid($"Invalid metadata key '{key}' in filters: {FilterField.MetadataKeyRule}");
            }

            return FilterField.Metadata(key);
        }

        return FilterFieldNames.Resolve(key);
    }

    private static List<MemoryFilter> ParseField(FilterField field, string key, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String when value.GetString() == "*":
                return [new ExistsFilter(field)];
            case JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null:
                return [Comparison(field, key, FilterOperator.Eq, value)];
            case JsonValueKind.Array:
                return [Comparison(field, key, FilterOperator.In, value)];
            case JsonValueKind.Object when field.Kind == FilterFieldKind.Metadata && IsNestedValue(value):
                // A nested value, not operators: equality on the whole value (Mem0's metadata filter).
                return [Comparison(field, key, FilterOperator.Eq, value)];
            case JsonValueKind.Object:
                var result = new List<MemoryFilter>();
                foreach (var op in value.EnumerateObject())
                {
                    var name = op.Name.StartsWith('$') ? op.Name[1..] : op.Name;
                    var index = Array.IndexOf(OperatorNames, name.ToLowerInvariant());
                    if (index < 0)
                    {
                        throw Invalid($"Unknown filter operator '{op.Name}' for '{key}'. Supported operators: {string.Join(", ", OperatorNames)}.");
                    }

                    if (op.Value.ValueKind == JsonValueKind.String && op.Value.GetString() == "*" && index == 0)
                    {
                        result.Add(new ExistsFilter(field));
                        continue;
                    }

                    result.Add(Comparison(field, key, (FilterOperator)index, op.Value));
                }

                if (result.Count == 0)
                {
                    throw Invalid($"The condition for '{key}' is an empty object; give a value or an operator such as {{\"eq\": …}}.");
                }

                return result;
            default:
                throw Invalid($"Unsupported value for '{key}': {Describe(value)}.");
        }
    }

    private static ComparisonFilter Comparison(FilterField field, string key, FilterOperator op, JsonElement value)
    {
        var name = OperatorNames[(int)op];
        switch (op)
        {
            case FilterOperator.Eq or FilterOperator.Ne:
                if (value.ValueKind is JsonValueKind.Array || (value.ValueKind is JsonValueKind.Object && field.Kind != FilterFieldKind.Metadata))
                {
                    throw Invalid($"'{name}' on '{key}' needs a string, number, boolean or null{(field.Kind == FilterFieldKind.Metadata ? " or an object" : string.Empty)}, not {Describe(value)}.");
                }

                break;
            case FilterOperator.Gt or FilterOperator.Gte or FilterOperator.Lt or FilterOperator.Lte:
                if (value.ValueKind is not (JsonValueKind.String or JsonValueKind.Number))
                {
                    throw Invalid($"'{name}' on '{key}' needs a number or a string (dates as ISO-8601), not {Describe(value)}.");
                }

                break;
            case FilterOperator.In or FilterOperator.Nin:
                if (value.ValueKind != JsonValueKind.Array)
                {
                    throw Invalid($"'{name}' on '{key}' needs a list of values, not {Describe(value)}.");
                }

                foreach (var item in value.EnumerateArray())
                {
                    if (item.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
                    {
                        throw Invalid($"'{name}' on '{key}' needs a list of strings, numbers or booleans; found {Describe(item)}.");
                    }
                }

                break;
            case FilterOperator.Contains or FilterOperator.IContains:
                if (value.ValueKind != JsonValueKind.String)
                {
                    throw Invalid($"'{name}' on '{key}' needs a string, not {Describe(value)}.");
                }

                break;
        }

        return new ComparisonFilter(field, op, value.Clone());
    }

    /// <summary>
    /// Whether an object is a nested metadata value rather than operators: not empty, and no key is an operator — ours,
    /// <c>$</c>-prefixed, or one of another filter language (<c>between</c>, <c>like</c>, …), whose use is a mistake to report.
    /// </summary>
    private static bool IsNestedValue(JsonElement value) =>
        value.EnumerateObject().Any()
        && !IsOperatorObject(value)
        && !value.EnumerateObject().Any(p => p.Name.StartsWith('$') || Array.IndexOf(ForeignOperatorNames, p.Name.ToLowerInvariant()) >= 0);

    private static bool IsOperatorObject(JsonElement value)
    {
        foreach (var property in value.EnumerateObject())
        {
            var name = property.Name.StartsWith('$') ? property.Name[1..] : property.Name;
            if (Array.IndexOf(OperatorNames, name.ToLowerInvariant()) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    private static string? LogicalName(string key) => key switch
    {
        "AND" or "$and" or "and" => "AND",
        "OR" or "$or" or "or" => "OR",
        "NOT" or "$not" or "not" => "NOT",
        _ => null,
    };

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    private static MemoryValidationException Invalid(string message) => new(message, "filters");
}
