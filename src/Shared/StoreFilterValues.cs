using System.Globalization;
using System.Text.Json;

namespace Engram;

/// <summary>
/// The parts of filter translation that the SQLite and PostgreSQL stores share: the stored text forms of timestamps and
/// dates (fixed-width UTC, so text order is time order), how filter values become them, operator names and the scope
/// columns. Compiled into both store assemblies (linked source), so it stays internal to each.
/// </summary>
internal static class StoreFilterValues
{
    /// <summary>The stored timestamp format: fixed-width UTC with 100 ns ticks, so text order is time order.</summary>
    public const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    /// <summary>The stored date format.</summary>
    public const string DateFormat = "yyyy-MM-dd";

    /// <summary>Formats a timestamp as stored.</summary>
    public static string FormatTimestamp(DateTimeOffset value) => value.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture);

    /// <summary>Formats a date as stored.</summary>
    public static string FormatDate(DateOnly value) => value.ToString(DateFormat, CultureInfo.InvariantCulture);

    internal static (string Start, string? NextDay) ParseInstant(JsonElement value, FilterFieldKind kind)
    {
        if (value.ValueKind == JsonValueKind.Number)
        {
            if (!value.TryGetDouble(out var seconds) || !double.IsFinite(seconds) || Math.Abs(seconds) > 253402300799)
            {
                throw new MemoryValidationException($"Invalid Unix time {value.GetRawText()} for '{FilterFieldNames.ToName(kind)}'.", "filters");
            }

            return (FormatTimestamp(DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000))), null);
        }

        var text = value.ValueKind == JsonValueKind.String ? value.GetString()!.Trim() : value.GetRawText();
        if (DateOnly.TryParseExact(text, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            var start = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            return (FormatTimestamp(start), date < DateOnly.MaxValue ? FormatTimestamp(start.AddDays(1)) : "9999-12-31T23:59:59.9999999Z~");
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant))
        {
            return (FormatTimestamp(instant), null);
        }

        throw new MemoryValidationException(
            $"Invalid date '{text}' for '{FilterFieldNames.ToName(kind)}': use ISO-8601, for example 2026-01-31 or 2026-01-31T12:00:00Z.", "filters");
    }

    internal static string ParseDate(JsonElement value)
    {
        var text = value.ValueKind == JsonValueKind.String ? value.GetString()!.Trim() : value.GetRawText();
        if (DateOnly.TryParseExact(text, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return FormatDate(date);
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant))
        {
            return FormatDate(DateOnly.FromDateTime(instant.UtcDateTime));
        }

        throw new MemoryValidationException($"Invalid date '{text}' for 'expiration_date': use YYYY-MM-DD.", "filters");
    }

    internal static string TextOf(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => value.GetRawText(),
    };

    internal static void RequireEq(FilterOperator op, JsonElement value, string field)
    {
        if (op != FilterOperator.Eq)
        {
            throw new MemoryValidationException($"'{OperatorName(op)}' on '{field}' cannot take {value.ValueKind.ToString().ToLowerInvariant()}.", "filters");
        }
    }

    internal static string SqlOperator(FilterOperator op) => op switch
    {
        FilterOperator.Eq => "=",
        FilterOperator.Gt => ">",
        FilterOperator.Gte => ">=",
        FilterOperator.Lt => "<",
        FilterOperator.Lte => "<=",
        _ => throw new MemoryValidationException($"Operator '{OperatorName(op)}' cannot be used here.", "filters"),
    };

    internal static string OperatorName(FilterOperator op) => op.ToString().ToLowerInvariant();

    internal static MemoryValidationException Unsupported(FilterOperator op, string field) =>
        new($"Operator '{OperatorName(op)}' is not supported on '{field}'.", "filters");

    internal static string Column(FilterFieldKind kind) => kind switch
    {
        FilterFieldKind.Id => "m.id",
        FilterFieldKind.UserId => "m.user_id",
        FilterFieldKind.AgentId => "m.agent_id",
        FilterFieldKind.AppId => "m.app_id",
        FilterFieldKind.RunId => "m.run_id",
        FilterFieldKind.Memory => "m.memory",
        FilterFieldKind.Hash => "m.hash",
        FilterFieldKind.Role => "m.role",
        FilterFieldKind.ActorId => "m.actor_id",
        FilterFieldKind.AttributedTo => "m.attributed_to",
        FilterFieldKind.CreatedAt => "m.created_at",
        FilterFieldKind.UpdatedAt => "m.updated_at",
        FilterFieldKind.ObservedAt => "m.observed_at",
        FilterFieldKind.ExpirationDate => "m.expiration_date",
        _ => throw new MemoryValidationException($"Unsupported filter field '{FilterFieldNames.ToName(kind)}'.", "filters"),
    };
}
