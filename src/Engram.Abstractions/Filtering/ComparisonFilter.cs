using System.Text.Json;

namespace Engram;

/// <summary>A field compared with a value.</summary>
/// <param name="Field">The field.</param>
/// <param name="Operator">The comparison.</param>
/// <param name="Value">
/// The value: a string, number, boolean or null for <see cref="FilterOperator.Eq"/>/<see cref="FilterOperator.Ne"/>;
/// a string or number for the range operators; an array for <see cref="FilterOperator.In"/>/<see cref="FilterOperator.Nin"/>;
/// a string for <see cref="FilterOperator.Contains"/>/<see cref="FilterOperator.IContains"/>.
/// </param>
public sealed record ComparisonFilter(FilterField Field, FilterOperator Operator, JsonElement Value) : MemoryFilter;
