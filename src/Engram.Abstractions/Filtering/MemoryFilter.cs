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

    /// <summary>
    /// Gets a value indicating whether the filter restricts a scope field (<c>user_id</c>, <c>agent_id</c>, <c>app_id</c>,
    /// <c>run_id</c>) for every match: an equality, a list or a wildcard at the top level or under <c>AND</c>, or in every
    /// branch of an <c>OR</c>. Mem0 requires this of every read ("at least one entity id in filters").
    /// </summary>
    /// <returns><see langword="true"/> when every matching memory is constrained by a scope condition.</returns>
    public bool ConstrainsScope() => this switch
    {
        AndFilter and => and.Filters.Any(f => f.ConstrainsScope()),
        OrFilter or => or.Filters.Count > 0 && or.Filters.All(f => f.ConstrainsScope()),
        ComparisonFilter c => c.Field.IsScope && c.Operator is FilterOperator.Eq or FilterOperator.In && c.Value.ValueKind != JsonValueKind.Null,
        ExistsFilter e => e.Field.IsScope,
        _ => false,
    };

    /// <summary>
    /// The most values a filter may hold: one per comparison or existence test, one per item of an <c>in</c>/<c>nin</c>
    /// list. Stores bind each value as a statement parameter (SQLite allows 32,766 per statement, and some conditions bind
    /// two), so a larger filter is refused rather than sent to the store.
    /// </summary>
    public const int MaxValues = 10_000;

    /// <summary>Counts the values the filter holds (see <see cref="MaxValues"/>).</summary>
    /// <returns>The number of comparisons and existence tests, with each <c>in</c>/<c>nin</c> list item counted once.</returns>
    public int CountValues() => this switch
    {
        AndFilter and => Sum(and.Filters),
        OrFilter or => Sum(or.Filters),
        NotFilter not => Sum(not.Filters),
        ComparisonFilter { Value.ValueKind: JsonValueKind.Array } c => Math.Max(1, c.Value.GetArrayLength()),
        _ => 1,
    };

    /// <summary>Refuses a filter that holds more than <see cref="MaxValues"/> values.</summary>
    /// <param name="filter">The filter, or <see langword="null"/> (nothing to check).</param>
    /// <param name="parameterName">The request field to name in the error.</param>
    /// <exception cref="MemoryValidationException">The filter holds more than <see cref="MaxValues"/> values.</exception>
    public static void ThrowIfTooLarge(MemoryFilter? filter, string parameterName = "filters")
    {
        var count = filter?.CountValues() ?? 0;
        if (count > MaxValues)
        {
            throw new MemoryValidationException(
                $"The filters hold {count} values; at most {MaxValues} are accepted (each condition and each item of an 'in' or 'nin' list counts).",
                parameterName);
        }
    }

    private static int Sum(IReadOnlyList<MemoryFilter> filters)
    {
        var total = 0;
        foreach (var filter in filters)
        {
            total += filter.CountValues();
        }

        return total;
    }

    /// <summary>Creates an equality condition.</summary>
    /// <param name="field">The field.</param>
    /// <param name="value">The value, serialized with <see cref="JsonSerializer"/>'s defaults.</param>
    /// <returns>The condition.</returns>
    public static ComparisonFilter Equal(FilterField field, object? value) =>
        new(field, FilterOperator.Eq, value is JsonElement e ? e : JsonSerializer.SerializeToElement(value));
}
