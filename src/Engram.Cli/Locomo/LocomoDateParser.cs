using System.Globalization;
using System.Text.RegularExpressions;

namespace Engram.Cli.Locomo;

/// <summary>Parses LoCoMo session dates such as <c>1:56 pm on 8 May, 2023</c> (taken as UTC).</summary>
internal static partial class LocomoDateParser
{
    private static readonly string[] MonthNames =
        ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

    /// <summary>Parses a session date.</summary>
    /// <param name="text">The text, <c>h:mm am|pm on d Month, yyyy</c> (case-insensitive; the comma is optional; three-letter months accepted).</param>
    /// <param name="value">The date and time as UTC.</param>
    /// <returns><see langword="true"/> when the text is a valid date.</returns>
    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        if (text is null)
        {
            return false;
        }

        var match = DateRegex().Match(text.Trim());
        if (!match.Success)
        {
            return false;
        }

        var hour = int.Parse(match.Groups["hour"].Value, CultureInfo.InvariantCulture);
        var minute = int.Parse(match.Groups["minute"].Value, CultureInfo.InvariantCulture);
        var day = int.Parse(match.Groups["day"].Value, CultureInfo.InvariantCulture);
        var year = int.Parse(match.Groups["year"].Value, CultureInfo.InvariantCulture);
        var monthText = match.Groups["month"].Value.ToLowerInvariant();
        var month = Array.FindIndex(MonthNames, m => m == monthText || (monthText.Length >= 3 && m.StartsWith(monthText, StringComparison.Ordinal))) + 1;
        if (month == 0 || hour is < 1 or > 12 || minute > 59 || year < 1)
        {
            return false;
        }

        var pm = match.Groups["ampm"].Value.Equals("pm", StringComparison.OrdinalIgnoreCase);
        hour = (hour % 12) + (pm ? 12 : 0);
        if (day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        value = new DateTimeOffset(year, month, day, hour, minute, 0, TimeSpan.Zero);
        return true;
    }

    /// <summary>Parses a session date.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The date and time as UTC.</returns>
    /// <exception cref="FormatException">The text is not a LoCoMo date.</exception>
    public static DateTimeOffset Parse(string text) =>
        TryParse(text, out var value) ? value : throw new FormatException($"'{text}' is not a LoCoMo date such as '1:56 pm on 8 May, 2023'.");

    [GeneratedRegex(
        @"^(?<hour>\d{1,2}):(?<minute>\d{2})\s*(?<ampm>am|pm)\s+on\s+(?<day>\d{1,2})\s+(?<month>[A-Za-z]+),?\s+(?<year>\d{4})$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DateRegex();
}
