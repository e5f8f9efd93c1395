using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using static Engram.StoreFilterValues;

namespace Engram.Sqlite;

/// <summary>
/// Translates a <see cref="MemoryQuery"/> (project, <see cref="MemoryFilter"/> tree, expiry and supersession) into a
/// parameterised SQL condition over the <c>memories</c> table aliased <c>m</c>.
/// </summary>
/// <remarks>
/// <para>Every generated leaf is either true, false, or NULL meaning false, so AND and OR compose as in two-valued
/// logic; NOT wraps its operand in <c>coalesce(…, 0)</c> so that "none of the inner filters holds" also counts rows
/// where a field is missing. User values only ever reach SQL as parameters.</para>
/// <para>One instance per command; not thread-safe.</para>
/// </remarks>
internal sealed class SqliteFilterTranslator : StoreFilterTranslator
{
    /// <summary>The name of the case-folding SQL function registered on a connection when <see cref="UsesFunctions"/>.</summary>
    public const string CaseFoldFunction = "engram_casefold";

    private readonly SqliteCommand _command;
    private readonly bool _scopeIndexFirst;
    private int _next;

    private SqliteFilterTranslator(SqliteCommand command, bool scopeIndexFirst)
    {
        _command = command;
        _scopeIndexFirst = scopeIndexFirst;
    }

    /// <summary>The name of the JSON equality SQL function (<see cref="JsonElement.DeepEquals"/>: key order and number forms do not matter).</summary>
    public const string JsonEqualFunction = "engram_json_equal";

    /// <summary>Gets a value indicating whether the condition calls <see cref="CaseFoldFunction"/> or <see cref="JsonEqualFunction"/>.</summary>
    public bool UsesFunctions { get; private set; }

    /// <summary>Appends the full condition for a query (project, filter, expiry, supersession) and binds its parameters.</summary>
    /// <param name="query">The query.</param>
    /// <param name="command">The command that receives the parameters.</param>
    /// <param name="sql">The SQL being built; receives a condition with no leading <c>AND</c>.</param>
    /// <returns>The translator, telling whether the case-folding function must be registered.</returns>
    /// <exception cref="MemoryValidationException">The filter uses an operator a field does not support, or a malformed date.</exception>
    public static SqliteFilterTranslator AppendQuery(MemoryQuery query, SqliteCommand command, StringBuilder sql)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentException.ThrowIfNullOrEmpty(query.ProjectId);
        // At most MaxValues values, each binding at most two parameters: far under SQLite's 32,766.
        MemoryFilter.ThrowIfTooLarge(query.Filter);
        var translator = new SqliteFilterTranslator(command, MemoryIndexFilter.NarrowsByScope(query.Filter));
        sql.Append("m.project_id = ").Append(translator.Bind(query.ProjectId));
        if (query.Filter is not null)
        {
            sql.Append(" AND ");
            translator.Append(query.Filter, sql);
        }

        if (query.ExcludeExpiredBefore is { } today)
        {
            sql.Append(" AND (m.expiration_date IS NULL OR m.expiration_date >= ")
                .Append(translator.Bind(SqliteValues.FormatDate(today))).Append(')');
        }

        if (query.ExcludeSuperseded)
        {
            sql.Append(" AND m.superseded_by IS NULL");
        }

        return translator;
    }

    /// <summary>
    /// Registers <see cref="CaseFoldFunction"/> (ordinal invariant lower-casing, Unicode-aware) and <see cref="JsonEqualFunction"/>
    /// on a connection.
    /// </summary>
    /// <param name="connection">An open connection.</param>
    public static void RegisterFunctions(SqliteConnection connection)
    {
        connection.CreateFunction<string?, string?>(CaseFoldFunction, static s => s?.ToLowerInvariant(), isDeterministic: true);
        connection.CreateFunction<string?, string?, bool>(JsonEqualFunction, static (a, b) => JsonTextEquals(a, b), isDeterministic: true);
    }

    private static bool JsonTextEquals(string? left, string? right)
    {
        if (left is null || right is null)
        {
            return false;
        }

        using var a = JsonDocument.Parse(left);
        using var b = JsonDocument.Parse(right);
        return JsonElement.DeepEquals(a.RootElement, b.RootElement);
    }

    private string Bind(object? value)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"@f{_next++}");
        _command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return name;
    }

    /// <inheritdoc/>
    protected override string True => "1";

    /// <inheritdoc/>
    protected override string False => "0";

    /// <inheritdoc/>
    protected override void AppendExists(FilterField field, StringBuilder sql)
    {
        switch (field.Kind)
        {
            case FilterFieldKind.Categories:
                sql.Append("(json_array_length(m.categories) > 0)");
                break;
            case FilterFieldKind.Metadata:
                sql.Append("(json_extract(m.metadata, ").Append(BindPath(field)).Append(") IS NOT NULL)");
                break;
            default:
                sql.Append('(').Append(Column(field.Kind)).Append(" IS NOT NULL)");
                break;
        }
    }

    /// <inheritdoc/>
    protected override void AppendComparison(ComparisonFilter filter, StringBuilder sql)
    {
        switch (filter.Operator)
        {
            case FilterOperator.Ne:
                Negate(sql, s => AppendPositive(filter with { Operator = FilterOperator.Eq }, s));
                break;
            case FilterOperator.Nin:
                Negate(sql, s => AppendPositive(filter with { Operator = FilterOperator.In }, s));
                break;
            default:
                AppendPositive(filter, sql);
                break;
        }
    }

    private static void Negate(StringBuilder sql, Action<StringBuilder> inner)
    {
        sql.Append("(NOT coalesce(");
        inner(sql);
        sql.Append(", 0))");
    }

    private void AppendPositive(ComparisonFilter filter, StringBuilder sql)
    {
        if (filter.Operator == FilterOperator.In)
        {
            AppendIn(filter, sql);
            return;
        }

        switch (filter.Field.Kind)
        {
            case FilterFieldKind.Categories:
                AppendCategories(filter.Operator, filter.Value, sql);
                break;
            case FilterFieldKind.Metadata:
                AppendMetadata(filter.Field, filter.Operator, filter.Value, sql);
                break;
            case FilterFieldKind.CreatedAt or FilterFieldKind.UpdatedAt or FilterFieldKind.ObservedAt:
                AppendTimestamp(filter.Field.Kind, filter.Operator, filter.Value, sql);
                break;
            case FilterFieldKind.ExpirationDate:
                AppendExpirationDate(filter.Operator, filter.Value, sql);
                break;
            default:
                AppendText(Column(filter.Field.Kind), filter.Operator, filter.Value, sql);
                break;
        }
    }

    private void AppendIn(ComparisonFilter filter, StringBuilder sql)
    {
        var items = filter.Value.ValueKind == JsonValueKind.Array ? [.. filter.Value.EnumerateArray()] : new List<JsonElement> { filter.Value };
        if (items.Count == 0)
        {
            sql.Append('0');
            return;
        }

        if (filter.Field.Kind == FilterFieldKind.Categories)
        {
            var names = items.Where(i => i.ValueKind != JsonValueKind.Null).Select(i => Bind(TextOf(i))).ToList();
            sql.Append('(');
            if (items.Any(i => i.ValueKind == JsonValueKind.Null))
            {
                sql.Append("json_array_length(m.categories) = 0 OR ");
            }

            sql.Append(names.Count == 0 ? "0" : $"EXISTS (SELECT 1 FROM json_each(m.categories) c WHERE c.value IN ({string.Join(", ", names)}))");
            sql.Append(')');
            return;
        }

        AppendBalanced(items.Count, " OR ", (i, s) => AppendPositive(filter with { Operator = FilterOperator.Eq, Value = items[i] }, s), sql);
    }

    private void AppendText(string column, FilterOperator op, JsonElement value, StringBuilder sql)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            RequireEq(op, value, column);
            sql.Append('(').Append(column).Append(" IS NULL)");
            return;
        }

        var text = TextOf(value);
        switch (op)
        {
            case FilterOperator.Contains:
                sql.Append("(instr(").Append(column).Append(", ").Append(Bind(text)).Append(") > 0)");
                break;
            case FilterOperator.IContains:
                UsesFunctions = true;
                sql.Append("(instr(").Append(CaseFoldFunction).Append('(').Append(column).Append("), ")
                    .Append(Bind(text.ToLowerInvariant())).Append(") > 0)");
                break;
            default:
                sql.Append('(').Append(column).Append(' ').Append(SqlOperator(op)).Append(' ').Append(Bind(text)).Append(')');
                break;
        }
    }

    private void AppendTimestamp(FilterFieldKind kind, FilterOperator op, JsonElement value, StringBuilder sql)
    {
        // Unary + keeps the value and its comparison but hides the column from the planner: with a scope equality in the
        // query, the scope's index narrows the rows far better than a created_at range over the whole project.
        var column = _scopeIndexFirst && kind == FilterFieldKind.CreatedAt ? "+" + Column(kind) : Column(kind);
        if (value.ValueKind == JsonValueKind.Null || op is FilterOperator.Contains or FilterOperator.IContains)
        {
            AppendText(column, op, value, sql);
            return;
        }

        var (start, nextDay) = ParseInstant(value, kind);
        if (nextDay is null)
        {
            sql.Append('(').Append(column).Append(' ').Append(SqlOperator(op)).Append(' ').Append(Bind(start)).Append(')');
            return;
        }

        // A bare date means the whole UTC day: eq = on that day, gt = after it, lte = up to its end.
        switch (op)
        {
            case FilterOperator.Eq:
                sql.Append('(').Append(column).Append(" >= ").Append(Bind(start)).Append(" AND ")
                    .Append(column).Append(" < ").Append(Bind(nextDay)).Append(')');
                break;
            case FilterOperator.Gt:
                sql.Append('(').Append(column).Append(" >= ").Append(Bind(nextDay)).Append(')');
                break;
            case FilterOperator.Gte:
                sql.Append('(').Append(column).Append(" >= ").Append(Bind(start)).Append(')');
                break;
            case FilterOperator.Lt:
                sql.Append('(').Append(column).Append(" < ").Append(Bind(start)).Append(')');
                break;
            case FilterOperator.Lte:
                sql.Append('(').Append(column).Append(" < ").Append(Bind(nextDay)).Append(')');
                break;
            default:
                throw Unsupported(op, FilterFieldNames.ToName(kind));
        }
    }

    private void AppendExpirationDate(FilterOperator op, JsonElement value, StringBuilder sql)
    {
        const string column = "m.expiration_date";
        if (value.ValueKind == JsonValueKind.Null || op is FilterOperator.Contains or FilterOperator.IContains)
        {
            AppendText(column, op, value, sql);
            return;
        }

        var date = ParseDate(value);
        sql.Append('(').Append(column).Append(' ').Append(SqlOperator(op)).Append(' ').Append(Bind(date)).Append(')');
    }

    private void AppendCategories(FilterOperator op, JsonElement value, StringBuilder sql)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            RequireEq(op, value, "categories");
            sql.Append("(json_array_length(m.categories) = 0)");
            return;
        }

        switch (op)
        {
            case FilterOperator.Eq or FilterOperator.Contains:
                sql.Append("EXISTS (SELECT 1 FROM json_each(m.categories) c WHERE c.value = ").Append(Bind(TextOf(value))).Append(')');
                break;
            case FilterOperator.IContains:
                UsesFunctions = true;
                sql.Append("EXISTS (SELECT 1 FROM json_each(m.categories) c WHERE instr(").Append(CaseFoldFunction)
                    .Append("(c.value), ").Append(Bind(TextOf(value).ToLowerInvariant())).Append(") > 0)");
                break;
            default:
                throw Unsupported(op, "categories");
        }
    }

    private void AppendMetadata(FilterField field, FilterOperator op, JsonElement value, StringBuilder sql)
    {
        var path = BindPath(field);
        var extract = $"json_extract(m.metadata, {path})";
        var type = $"json_type(m.metadata, {path})";
        if (value.ValueKind == JsonValueKind.Null)
        {
            RequireEq(op, value, field.ToString());
            sql.Append('(').Append(extract).Append(" IS NULL)");
            return;
        }

        switch (op)
        {
            case FilterOperator.Eq when value.ValueKind == JsonValueKind.Object:
                // A nested object equal to the value (json_extract gives an object as its JSON text).
                UsesFunctions = true;
                sql.Append('(').Append(type).Append(" = 'object' AND ").Append(JsonEqualFunction).Append('(').Append(extract).Append(", ")
                    .Append(Bind(value.GetRawText())).Append("))");
                break;
            case FilterOperator.Eq:
                {
                    // A scalar equal to the value, or an array holding an element equal to it.
                    var bound = BindScalar(value);
                    sql.Append('(').Append(ScalarMatch(type, extract, value, "=", bound))
                        .Append(" OR (").Append(type).Append(" = 'array' AND EXISTS (SELECT 1 FROM json_each(m.metadata, ").Append(path)
                        .Append(") j WHERE ").Append(ScalarMatch("j.type", "j.value", value, "=", bound)).Append(")))");
                    break;
                }

            case FilterOperator.Gt or FilterOperator.Gte or FilterOperator.Lt or FilterOperator.Lte:
                sql.Append(ScalarMatch(type, extract, value, SqlOperator(op), BindScalar(value)));
                break;
            case FilterOperator.Contains or FilterOperator.IContains:
                {
                    // A substring of the text, or of a text element of an array.
                    var ignoreCase = op == FilterOperator.IContains;
                    UsesFunctions |= ignoreCase;
                    var needle = Bind(ignoreCase ? TextOf(value).ToLowerInvariant() : TextOf(value));
                    string Haystack(string expression) => ignoreCase ? $"{CaseFoldFunction}({expression})" : expression;
                    sql.Append("((").Append(type).Append(" = 'text' AND instr(").Append(Haystack(extract)).Append(", ").Append(needle).Append(") > 0)")
                        .Append(" OR (").Append(type).Append(" = 'array' AND EXISTS (SELECT 1 FROM json_each(m.metadata, ").Append(path)
                        .Append(") j WHERE j.type = 'text' AND instr(").Append(Haystack("j.value")).Append(", ").Append(needle).Append(") > 0)))");
                    break;
                }

            default:
                throw Unsupported(op, field.ToString());
        }
    }

    private static string ScalarMatch(string type, string extract, JsonElement value, string op, string? bound) => value.ValueKind switch
    {
        JsonValueKind.True => op == "=" ? $"({type} = 'true')" : "0",
        JsonValueKind.False => op == "=" ? $"({type} = 'false')" : "0",
        JsonValueKind.Number => $"({type} IN ('integer', 'real') AND {extract} {op} {bound})",
        _ => $"({type} = 'text' AND {extract} {op} {bound})",
    };

    private string? BindScalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True or JsonValueKind.False => null,
        JsonValueKind.Number when value.TryGetInt64(out var integer) => Bind(integer),
        JsonValueKind.Number when value.TryGetDouble(out var real) && double.IsFinite(real) => Bind(real),
        JsonValueKind.Number => throw new MemoryValidationException($"The number {value.GetRawText()} in filters is out of range.", "filters"),
        _ => Bind(TextOf(value)),
    };

    private string BindPath(FilterField field)
    {
        // FilterField.Metadata guarantees the key has no '"' or control character.
        return Bind($"$.\"{field.MetadataKey}\"");
    }
}
