using System.Text.Json;

namespace Engram;

/// <summary>
/// A condition on memories, in the abstract syntax of Mem0's filter language: logical <see cref="AndFilter"/>,
/// <see cref="OrFilter"/> and <see cref="NotFilter"/> over <see cref="ComparisonFilter"/> and <see cref="ExistsFilter"/>.
/// </summary>
/// <remarks>
/// Parse Mem0's JSON form with <see cref="Parse(string)"/>; stores translate the tree to their query language.
/// Immutable and thread-safe.
/// </remarks>
public abstract record MemoryFilter
{
    private protected MemoryFilter() { }

    /// <summary>
    /// Parses Mem0's filter JSON (see <see cref="MemoryFilterParser"/> for the grammar), for example
    /// <c>{"AND":[{"user_id":"alice"},{"created_at":{"gte":"2026-01-01"}}]}</c>.
    /// </summary>
    /// <param name="json">The filter JSON object.</param>
    /// <returns>The filter tree.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is <see langword="null"/>.</exception>
    /// <exception cref="MemoryValidationException">The JSON is malformed, or uses an unknown operator or a wrong value type.</exception>
    public static MemoryFilter Parse(string json) => MemoryFilterParser.Parse(json);

    /// <summary>Parses Mem0's filter JSON from an element.</summary>
    /// <param name="element">The filter JSON object.</param>
    /// <returns>The filter tree.</returns>
    /// <exception cref="MemoryValidationException">The JSON uses an unknown operator or a wrong value type.</exception>
    public static MemoryFilter Parse(JsonElement element) => MemoryFilterParser.Parse(element);

    /// <summary>Combines filters so that all must hold; <see langword="null"/> entries are skipped.</summary>
    /// <param name="filters">The filters.</param>
    /// <returns>The conjunction, the single filter when only one is left, or <see langword="null"/> when none is.</returns>
    public static MemoryFilter? AllOf(params IEnumerable<MemoryFilter?> filters)
    {
        var list = new List<MemoryFilter>();
        foreach (var filter in filters)
        {
            if (filter is AndFilter and)
            {
                list.AddRange(and.Filters);
            }
            else if (filter is not null)
            {
                list.Add(filter);
            }
        }

        return list.Count switch
        {
            0 => null,
            1 => list[0],
            _ => new AndFilter(list),
        };
    }

    /// <summary>Creates an equality condition.</summary>
    /// <param name="field">The field.</param>
    /// <param name="value">The value, serialized with <see cref="JsonSerializer"/>'s defaults.</param>
    /// <returns>The condition.</returns>
    public static ComparisonFilter Equal(FilterField field, object? value) =>
        new(field, FilterOperator.Eq, value is JsonElement e ? e : JsonSerializer.SerializeToElement(value));
}

/// <summary>All the inner filters hold (Mem0 <c>AND</c>).</summary>
/// <param name="Filters">The inner filters; an empty list matches everything.</param>
public sealed record AndFilter(IReadOnlyList<MemoryFilter> Filters) : MemoryFilter;

/// <summary>At least one inner filter holds (Mem0 <c>OR</c>).</summary>
/// <param name="Filters">The inner filters; an empty list matches nothing.</param>
public sealed record OrFilter(IReadOnlyList<MemoryFilter> Filters) : MemoryFilter;

/// <summary>None of the inner filters holds (Mem0 <c>NOT</c>, with Qdrant's <c>must_not</c> meaning for a list).</summary>
/// <param name="Filters">The inner filters.</param>
public sealed record NotFilter(IReadOnlyList<MemoryFilter> Filters) : MemoryFilter;

/// <summary>A field compared with a value.</summary>
/// <param name="Field">The field.</param>
/// <param name="Operator">The comparison.</param>
/// <param name="Value">
/// The value: a string, number, boolean or null for <see cref="FilterOperator.Eq"/>/<see cref="FilterOperator.Ne"/>;
/// a string or number for the range operators; an array for <see cref="FilterOperator.In"/>/<see cref="FilterOperator.Nin"/>;
/// a string for <see cref="FilterOperator.Contains"/>/<see cref="FilterOperator.IContains"/>.
/// </param>
public sealed record ComparisonFilter(FilterField Field, FilterOperator Operator, JsonElement Value) : MemoryFilter;

/// <summary>The field is present and not null (Mem0's <c>"*"</c> wildcard, with pgvector's "field exists" meaning).</summary>
/// <param name="Field">The field.</param>
public sealed record ExistsFilter(FilterField Field) : MemoryFilter;

/// <summary>Comparison operators of Mem0's filter language.</summary>
public enum FilterOperator
{
    /// <summary>Equal (<c>eq</c>; also a plain value).</summary>
    Eq,

    /// <summary>Not equal (<c>ne</c>); a missing field counts as not equal.</summary>
    Ne,

    /// <summary>Greater than (<c>gt</c>).</summary>
    Gt,

    /// <summary>Greater than or equal (<c>gte</c>).</summary>
    Gte,

    /// <summary>Less than (<c>lt</c>).</summary>
    Lt,

    /// <summary>Less than or equal (<c>lte</c>).</summary>
    Lte,

    /// <summary>Equal to one of a list (<c>in</c>; also a plain list value). For categories: has one of them.</summary>
    In,

    /// <summary>Equal to none of a list (<c>nin</c>).</summary>
    Nin,

    /// <summary>Contains a substring, case-sensitively (<c>contains</c>). For categories: has that category.</summary>
    Contains,

    /// <summary>Contains a substring, ignoring case (<c>icontains</c>).</summary>
    IContains,
}
