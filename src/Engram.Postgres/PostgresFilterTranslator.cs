using System.Globalization;
using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using static Engram.StoreFilterValues;

namespace Engram.Postgres;

/// <summary>
/// Translates a <see cref="MemoryQuery"/> (project, Mem0 filter tree, expiry and supersession) into a PostgreSQL boolean
/// expression over the alias <c>m</c> of <c>memories</c>, with bound parameters only.
/// </summary>
/// <remarks>
/// Mirrors the SQLite translator's semantics: text compares byte-wise (<c>COLLATE "C"</c>), a bare date means the whole
/// UTC day, metadata equality matches a scalar or an element of an array (jsonb containment), and a comparison on a
/// missing value is false (so <c>ne</c>/<c>nin</c>/<c>not</c> include rows where it is missing). Not thread-safe; one
/// instance per statement.
/// </remarks>
internal sealed class PostgresFilterTranslator : StoreFilterTranslator
{
    private readonly List<NpgsqlParameter> _parameters = [];

    private PostgresFilterTranslator()
    {
    }

    /// <summary>Appends the query's predicate to <paramref name="sql"/>.</summary>
    /// <returns>The parameters the predicate uses (named <c>f0</c>, <c>f1</c>, …).</returns>
    /// <exception cref="MemoryValidationException">The filter uses an operator or value the field cannot take.</exception>
    public static List<NpgsqlParameter> AppendQuery(MemoryQuery query, StringBuilder sql)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentException.ThrowIfNullOrEmpty(query.ProjectId);
        MemoryFilter.ThrowIfTooLarge(query.Filter);
        var translator = new PostgresFilterTranslator();
        sql.Append("m.project_id = ").Append(translator.Bind(query.ProjectId));
        if (query.Filter is not null)
        {
            sql.Append(" AND ");
            translator.Append(query.Filter, sql);
        }

        if (query.ExcludeExpiredBefore is { } today)
        {
            sql.Append(" AND (m.expiration_date IS NULL OR m.expiration_date >= ").Append(translator.Bind(PostgresValues.FormatDate(today))).Append(')');
        }

        if (query.ExcludeSuperseded)
        {
            sql.Append(" AND m.superseded_by IS NULL");
        }

        return translator._parameters;
    }

    private string Bind(string value) => Bind(value, NpgsqlDbType.Text);

    private string Bind(object value, NpgsqlDbType type)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"f{_parameters.Count}");
        _parameters.Add(new NpgsqlParameter(name, type) { Value = value });
        return "@" + name;
    }

    /// <inheritdoc/>
    protected override string True => "true";

    /// <inheritdoc/>
    protected override string False => "false";

    /// <inheritdoc/>
    protected override void AppendExists(FilterField field, StringBuilder sql)
    {
        switch (field.Kind)
        {
            case FilterFieldKind.Categories:
                sql.Append("(jsonb_array_length(m.categories) > 0)");
                break;
            case FilterFieldKind.Metadata:
                sql.Append("(coalesce(jsonb_typeof(m.metadata -> ").Append(Bind(field.MetadataKey!)).Append("), 'null') <> 'null')");
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
        sql.Append(", false))");
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
            sql.Append("false");
            return;
        }

        if (filter.Field.Kind == FilterFieldKind.Categories)
        {
            var names = items.Where(i => i.ValueKind != JsonValueKind.Null).Select(TextOf).ToArray();
            sql.Append('(');
            if (items.Any(i => i.ValueKind == JsonValueKind.Null))
            {
                sql.Append("jsonb_array_length(m.categories) = 0 OR ");
            }

            sql.Append(names.Length == 0 ? "false" : $"jsonb_exists_any(m.categories, {Bind(names, NpgsqlDbType.Array | NpgsqlDbType.Text)})");
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
                sql.Append("(strpos(").Append(column).Append(", ").Append(Bind(text)).Append(") > 0)");
                break;
            case FilterOperator.IContains:
                sql.Append("(strpos(lower(").Append(column).Append("), ").Append(Bind(text.ToLowerInvariant())).Append(") > 0)");
                break;
            default:
                sql.Append('(').Append(column).Append(" COLLATE \"C\" ").Append(SqlOperator(op)).Append(' ').Append(Bind(text)).Append(')');
                break;
        }
    }

    private void AppendTimestamp(FilterFieldKind kind, FilterOperator op, JsonElement value, StringBuilder sql)
    {
        var column = Column(kind);
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
                sql.Append('(').Append(column).Append(" >= ").Append(Bind(start)).Append(" AND ").Append(column).Append(" < ").Append(Bind(nextDay)).Append(')');
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

        sql.Append('(').Append(column).Append(' ').Append(SqlOperator(op)).Append(' ').Append(Bind(ParseDate(value))).Append(')');
    }

    private void AppendCategories(FilterOperator op, JsonElement value, StringBuilder sql)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            RequireEq(op, value, "categories");
            sql.Append("(jsonb_array_length(m.categories) = 0)");
            return;
        }

        switch (op)
        {
            case FilterOperator.Eq or FilterOperator.Contains:
                sql.Append("(m.categories @> jsonb_build_array(").Append(Bind(TextOf(value))).Append("::text))");
                break;
            case FilterOperator.IContains:
                sql.Append("EXISTS (SELECT 1 FROM jsonb_array_elements_text(m.categories) c(v) WHERE strpos(lower(c.v), ")
                    .Append(Bind(TextOf(value).ToLowerInvariant())).Append(") > 0)");
                break;
            default:
                throw Unsupported(op, "categories");
        }
    }

    private void AppendMetadata(FilterField field, FilterOperator op, JsonElement value, StringBuilder sql)
    {
        var key = field.MetadataKey!;
        var extract = $"(m.metadata -> {Bind(key)})";
        var type = $"jsonb_typeof({extract})";
        if (value.ValueKind == JsonValueKind.Null)
        {
            RequireEq(op, value, field.ToString());
            sql.Append("(coalesce(").Append(type).Append(", 'null') = 'null')");
            return;
        }

        CheckNumber(value);
        switch (op)
        {
            case FilterOperator.Eq when value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False:
                // jsonb containment: a scalar equal to the value (numbers compare numerically), or an array holding one.
                sql.Append("coalesce(").Append(extract).Append(" @> ").Append(Bind(value.GetRawText(), NpgsqlDbType.Jsonb)).Append(", false)");
                break;
            case FilterOperator.Eq when value.ValueKind == JsonValueKind.Object:
                // A nested object equal to the value (jsonb equality: key order does not matter).
                sql.Append("coalesce(").Append(extract).Append(" = ").Append(Bind(value.GetRawText(), NpgsqlDbType.Jsonb)).Append(", false)");
                break;
            case FilterOperator.Eq:
                sql.Append('(').Append(type).Append(" = 'string' AND (").Append(extract).Append(" #>> '{}') = ").Append(Bind(TextOf(value))).Append(')');
                break;
            case FilterOperator.Gt or FilterOperator.Gte or FilterOperator.Lt or FilterOperator.Lte:
                sql.Append(value.ValueKind switch
                {
                    JsonValueKind.Number => $"({type} = 'number' AND {extract} {SqlOperator(op)} {Bind(value.GetRawText(), NpgsqlDbType.Jsonb)})",
                    JsonValueKind.True or JsonValueKind.False => "false",
                    _ => $"({type} = 'string' AND ({extract} #>> '{{}}') COLLATE \"C\" {SqlOperator(op)} {Bind(TextOf(value))})",
                });
                break;
            case FilterOperator.Contains or FilterOperator.IContains:
                {
                    // A substring of the text, or of a text element of an array.
                    var ignoreCase = op == FilterOperator.IContains;
                    var needle = Bind(ignoreCase ? TextOf(value).ToLowerInvariant() : TextOf(value));
                    string Haystack(string expression) => ignoreCase ? $"lower({expression})" : expression;
                    sql.Append("(CASE ").Append(type)
                        .Append(" WHEN 'string' THEN strpos(").Append(Haystack($"({extract} #>> '{{}}')")).Append(", ").Append(needle).Append(") > 0")
                        .Append(" WHEN 'array' THEN EXISTS (SELECT 1 FROM jsonb_array_elements(").Append(extract).Append(") j(v) WHERE jsonb_typeof(j.v) = 'string' AND strpos(")
                        .Append(Haystack("(j.v #>> '{}')")).Append(", ").Append(needle).Append(") > 0)")
                        .Append(" ELSE false END)");
                    break;
                }

            default:
                throw Unsupported(op, field.ToString());
        }
    }

    private static void CheckNumber(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Number && !value.TryGetInt64(out _) && !(value.TryGetDouble(out var real) && double.IsFinite(real)))
        {
            throw new MemoryValidationException($"The number {value.GetRawText()} in filters is out of range.", "filters");
        }
    }
}
