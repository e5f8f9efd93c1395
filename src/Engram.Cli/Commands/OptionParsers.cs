using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Engram.Cli.Commands;

/// <summary>Typed options with one-line error messages (parse errors end with exit code 2).</summary>
internal static class OptionParsers
{
    /// <summary>Creates an optional integer option.</summary>
    /// <param name="name">The option name.</param>
    /// <param name="description">The description.</param>
    /// <param name="defaultValue">The default, or <see langword="null"/> for none.</param>
    /// <returns>The option.</returns>
    public static Option<int?> Int(string name, string description, int? defaultValue = null) => new(name)
    {
        Description = description,
        HelpName = "N",
        DefaultValueFactory = defaultValue is null ? null : _ => defaultValue,
        CustomParser = result => Parse(result, name, "an integer", static (string s, out int? v) =>
        {
            var ok = int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed);
            v = parsed;
            return ok;
        }),
    };

    /// <summary>Creates an optional number option.</summary>
    /// <param name="name">The option name.</param>
    /// <param name="description">The description.</param>
    /// <returns>The option.</returns>
    public static Option<double?> Double(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "X",
        CustomParser = result => Parse(result, name, "a number", static (string s, out double? v) =>
        {
            var ok = double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && double.IsFinite(parsed);
            v = parsed;
            return ok;
        }),
    };

    /// <summary>Creates an optional date option (<c>YYYY-MM-DD</c>).</summary>
    /// <param name="name">The option name.</param>
    /// <param name="description">The description.</param>
    /// <returns>The option.</returns>
    public static Option<DateOnly?> Date(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "YYYY-MM-DD",
        CustomParser = result => Parse(result, name, "a date as YYYY-MM-DD", static (string s, out DateOnly? v) =>
        {
            var ok = DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed);
            v = parsed;
            return ok;
        }),
    };

    /// <summary>Creates an optional ISO-8601 timestamp option (a timestamp without offset is taken as UTC).</summary>
    /// <param name="name">The option name.</param>
    /// <param name="description">The description.</param>
    /// <returns>The option.</returns>
    public static Option<DateTimeOffset?> Timestamp(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "ISO-8601",
        CustomParser = result => Parse(result, name, "an ISO-8601 timestamp such as 2026-01-31T14:00:00Z", static (string s, out DateTimeOffset? v) =>
        {
            var ok = DateTimeOffset.TryParse(
                s,
                CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
                out var parsed);
            v = parsed;
            return ok;
        }),
    };

    private delegate bool TryParser<T>(string text, out T value);

    private static T? Parse<T>(ArgumentResult result, string name, string expected, TryParser<T?> tryParse)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : string.Empty;
        if (tryParse(text.Trim(), out var value))
        {
            return value;
        }

        result.AddError($"{name} must be {expected}, not '{text}'.");
        return default;
    }
}
