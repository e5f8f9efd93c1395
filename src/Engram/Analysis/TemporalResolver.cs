using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace Engram;

#pragma warning disable CA1822 // Instance members by design: callers hold an instance (Default or injected), so a configurable analyzer can replace it later without an API break.
/// <summary>
/// Resolves relative date expressions ("yesterday", "last week", "two months ago") against the observation date and
/// finds absolute dates, so stored facts carry absolute time (Mem0's prompt rule: the observation date is the only
/// anchor; "the week of May 15, 2023").
/// </summary>
/// <remarks>
/// <para>Expressions (case-insensitive) and what they resolve to, for an observation date <i>d</i>:</para>
/// <list type="bullet">
/// <item><description><c>today</c>, <c>tonight</c>, <c>this morning|afternoon|evening</c> → <i>d</i>;
/// <c>yesterday</c>, <c>last night</c> → <i>d</i>−1; <c>the day before yesterday</c> → <i>d</i>−2; <c>tomorrow</c> →
/// <i>d</i>+1; <c>the day after tomorrow</c> → <i>d</i>+2.</description></item>
/// <item><description><c>last|this|next week</c>: ISO 8601 weeks, Monday to Sunday, labelled "the week of
/// <i>Monday</i>"; <c>weekend</c>: Saturday and Sunday of that week; <c>month</c>: the calendar month; <c>year</c>:
/// the calendar year.</description></item>
/// <item><description>Seasons (<c>spring</c>, <c>summer</c>, <c>fall</c>/<c>autumn</c>, <c>winter</c>) use the
/// meteorological Northern-Hemisphere calendar (Mar–May, Jun–Aug, Sep–Nov, Dec–Feb): <c>last</c> is the latest one
/// that ended before <i>d</i>, <c>next</c> the first that starts after <i>d</i>, <c>this</c> the one containing
/// <i>d</i>, else the one of <i>d</i>'s year.</description></item>
/// <item><description>Weekdays may be abbreviated where unambiguous (<c>last Fri</c>, <c>on Tues</c>; not
/// <c>Mon</c>, <c>Sat</c>, <c>Sun</c>, which are also words). <c>last &lt;weekday&gt;</c>: the latest such day strictly before <i>d</i>; <c>next
/// &lt;weekday&gt;</c>: the first strictly after; <c>this &lt;weekday&gt;</c>: that day of <i>d</i>'s week;
/// <c>on &lt;weekday&gt;</c>: the most recent one strictly before <i>d</i>, or the next one when the clause is in
/// the future tense (<c>will</c>, <c>'ll</c>, <c>gonna</c>, <c>shall</c>, <c>plan(s|ning)</c> earlier in the
/// sentence).</description></item>
/// <item><description><c>N days|weeks|months|years ago</c> and <c>in N days|weeks|months|years</c>, with N as digits,
/// <c>one</c>…<c>twelve</c>, <c>a</c>/<c>an</c> (1), <c>a couple (of)</c> (2) or <c>a few</c> (3): days give a date,
/// weeks the week containing the shifted date, months its month, years its year.</description></item>
/// <item><description>Vague expressions (<c>recently</c>, <c>lately</c>, <c>the other day</c>) are left
/// unresolved.</description></item>
/// <item><description>Absolute dates are reported with <see cref="ResolvedDate.Label"/> as written and the text left
/// unchanged: <c>May 7, 2023</c>, <c>May 7th 2023</c>, <c>7 May 2023</c>, <c>7th of May, 2023</c>,
/// <c>2023-05-07</c>, <c>May 2023</c> (the month), <c>in 2022</c> (the year). A day and month without a year
/// (<c>May 7</c>, <c>7 May</c>) takes the observation's year and is annotated like a relative expression.</description></item>
/// </list>
/// <para>
/// Annotation is idempotent: an expression already followed by a parenthesis is reported but not annotated again.
/// Dates use the calendar date of <c>observedAt</c> in its own offset (Engram passes UTC). English month names.
/// Stateless and thread-safe.
/// </para>
/// </remarks>
public sealed class TemporalResolver
{
    private static readonly string[] MonthNames =
        ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

    private static readonly FrozenDictionary<string, int> MonthsByName = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["january"] = 1, ["jan"] = 1, ["february"] = 2, ["feb"] = 2, ["march"] = 3, ["mar"] = 3, ["april"] = 4,
        ["apr"] = 4, ["may"] = 5, ["june"] = 6, ["jun"] = 6, ["july"] = 7, ["jul"] = 7, ["august"] = 8, ["aug"] = 8,
        ["september"] = 9, ["sep"] = 9, ["sept"] = 9, ["october"] = 10, ["oct"] = 10, ["november"] = 11, ["nov"] = 11,
        ["december"] = 12, ["dec"] = 12,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, int> WeekdaysByName = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["monday"] = 0, ["tuesday"] = 1, ["wednesday"] = 2, ["thursday"] = 3, ["friday"] = 4, ["saturday"] = 5, ["sunday"] = 6,
        ["tue"] = 1, ["tues"] = 1, ["wed"] = 2, ["thu"] = 3, ["thur"] = 3, ["thurs"] = 3, ["fri"] = 4,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, int> NumberWords = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["one"] = 1, ["two"] = 2, ["three"] = 3, ["four"] = 4, ["five"] = 5, ["six"] = 6, ["seven"] = 7, ["eight"] = 8,
        ["nine"] = 9, ["ten"] = 10, ["eleven"] = 11, ["twelve"] = 12,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenSet<string> FutureMarkers = FrozenSet.Create(StringComparer.Ordinal,
        ["will", "ll", "gonna", "shall", "plan", "plans", "planning", "planned"]);

    /// <summary>Initializes a new instance. The resolver is stateless; <see cref="Default"/> can be shared instead.</summary>
    public TemporalResolver()
    {
    }

    /// <summary>Gets a shared instance (stateless; safe to use from any thread).</summary>
    public static TemporalResolver Default { get; } = new();

    private enum Unit
    {
        Day,
        Week,
        Weekend,
        Month,
        Year,
        Season,
    }

    /// <summary>Finds date expressions in <paramref name="text"/> and adds the absolute form after each relative one.</summary>
    /// <param name="text">The text; may be empty.</param>
    /// <param name="observedAt">When the text was said: the anchor of relative expressions (its calendar date is used).</param>
    /// <returns>The annotated text and the dates found, in text order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    public TemporalResolution Resolve(string text, DateTimeOffset observedAt)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = Scan(text);
        if (words.Count == 0)
        {
            return new TemporalResolution { Text = text, Dates = [] };
        }

        var anchor = DateOnly.FromDateTime(observedAt.DateTime);
        var dates = new List<ResolvedDate>();
        var i = 0;
        while (i < words.Count)
        {
            var match = MatchAbsolute(text, words, i, anchor) ?? TryMatchRelative(text, words, i, anchor);
            if (match is null)
            {
                i++;
                continue;
            }

            var (resolved, lastWord) = match.Value;
            dates.Add(resolved);
            i = lastWord + 1;
        }

        if (dates.Count == 0)
        {
            return new TemporalResolution { Text = text, Dates = [] };
        }

        return new TemporalResolution { Text = Annotate(text, dates), Dates = dates };
    }

    /// <summary>
    /// Parses a LoCoMo session timestamp such as <c>1:56 pm on 8 May, 2023</c> or <c>10:37 am on 27 June, 2023</c>
    /// (12-hour clock, English month name, comma optional) as a UTC time.
    /// </summary>
    /// <param name="value">The timestamp text; <see langword="null"/> or malformed input gives <see langword="false"/>.</param>
    /// <param name="result">The parsed time with a zero offset, or <see langword="default"/>.</param>
    /// <returns><see langword="true"/> when <paramref name="value"/> was a valid timestamp.</returns>
    public static bool TryParseLoCoMoDateTime(string? value, out DateTimeOffset result)
    {
        result = default;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        var span = value.AsSpan().Trim();
        var on = span.IndexOf(" on ", StringComparison.OrdinalIgnoreCase);
        if (on < 0 || !TryParseClock(span[..on].Trim(), out var hour, out var minute))
        {
            return false;
        }

        var datePart = span[(on + 4)..].Trim();
        Span<Range> parts = stackalloc Range[4];
        var count = datePart.SplitAny(parts, " ,", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (count != 3 ||
            !int.TryParse(datePart[parts[0]], NumberStyles.None, CultureInfo.InvariantCulture, out var day) ||
            !MonthsByName.TryGetValue(datePart[parts[1]].ToString().ToLowerInvariant(), out var month) ||
            !int.TryParse(datePart[parts[2]], NumberStyles.None, CultureInfo.InvariantCulture, out var year) ||
            year is < 1 or > 9999 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        result = new DateTimeOffset(year, month, day, hour, minute, 0, TimeSpan.Zero);
        return true;
    }

    private static bool TryParseClock(ReadOnlySpan<char> clock, out int hour, out int minute)
    {
        hour = 0;
        minute = 0;
        var colon = clock.IndexOf(':');
        if (colon <= 0)
        {
            return false;
        }

        var rest = clock[(colon + 1)..];
        var digits = 0;
        while (digits < rest.Length && char.IsAsciiDigit(rest[digits]))
        {
            digits++;
        }

        var meridiem = rest[digits..].Trim();
        var isPm = meridiem.Equals("pm", StringComparison.OrdinalIgnoreCase) || meridiem.Equals("p.m.", StringComparison.OrdinalIgnoreCase);
        var isAm = meridiem.Equals("am", StringComparison.OrdinalIgnoreCase) || meridiem.Equals("a.m.", StringComparison.OrdinalIgnoreCase);
        if (digits != 2 || (!isAm && !isPm) ||
            !int.TryParse(clock[..colon], NumberStyles.None, CultureInfo.InvariantCulture, out hour) ||
            !int.TryParse(rest[..digits], NumberStyles.None, CultureInfo.InvariantCulture, out minute) ||
            hour is < 1 or > 12 || minute > 59)
        {
            return false;
        }

        hour %= 12;
        if (isPm)
        {
            hour += 12;
        }

        return true;
    }

    private static string Annotate(string text, List<ResolvedDate> dates)
    {
        var builder = new StringBuilder(text.Length + (dates.Count * 24));
        var copied = 0;
        foreach (var date in dates)
        {
            if (!date.IsRelative)
            {
                continue;
            }

            var end = date.Index + date.Expression.Length;
            var next = end;
            while (next < text.Length && text[next] == ' ')
            {
                next++;
            }

            if (next < text.Length && text[next] == '(')
            {
                continue;
            }

            builder.Append(text, copied, end - copied).Append(" (").Append(date.Label).Append(')');
            copied = end;
        }

        builder.Append(text, copied, text.Length - copied);
        return builder.ToString();
    }

    // ---- Absolute dates -------------------------------------------------------------------------------------------

    private static (ResolvedDate Date, int LastWord)? MatchAbsolute(string text, List<Word> words, int i, DateOnly anchor)
    {
        var w = words[i];

        // 2023-05-07
        if (w.Lower.Length == 4 && IsYear(w.Lower, out var isoYear) && i + 2 < words.Count &&
            Gap(text, words, i) == "-" && Gap(text, words, i + 1) == "-" &&
            TryNumber(words[i + 1].Lower, 1, 12, out var isoMonth) && TryNumber(words[i + 2].Lower, 1, 31, out var isoDay) &&
            isoDay <= DateTime.DaysInMonth(isoYear, isoMonth))
        {
            var date = new DateOnly(isoYear, isoMonth, isoDay);
            return (Absolute(text, words, i, i + 2, date, date), i + 2);
        }

        // May 7, 2023 / May 7th 2023 / May 7 / May 2023
        if (MonthsByName.TryGetValue(w.Lower, out var month) && i + 1 < words.Count && IsDateGap(text, words, i))
        {
            if (TryDay(words[i + 1].Lower, out var day))
            {
                if (i + 2 < words.Count && IsDateGap(text, words, i + 1) && IsYear(words[i + 2].Lower, out var year))
                {
                    return DayMatch(text, words, i, i + 2, year, month, day, relative: false);
                }

                return IsCapitalised(text, w) ? DayMatch(text, words, i, i + 1, anchor.Year, month, day, relative: true) : null;
            }

            if (IsYear(words[i + 1].Lower, out var monthYear))
            {
                var first = new DateOnly(monthYear, month, 1);
                return (Absolute(text, words, i, i + 1, first, first.AddMonths(1).AddDays(-1)), i + 1);
            }
        }

        // 7 May 2023 / 7th of May, 2023 / 7 May
        if (TryDay(w.Lower, out var leadingDay) && i + 1 < words.Count && IsDateGap(text, words, i))
        {
            var m = i + 1;
            if (words[m].Lower == "of" && m + 1 < words.Count && IsDateGap(text, words, m))
            {
                m++;
            }

            if (MonthsByName.TryGetValue(words[m].Lower, out var dayMonth) && words[m].Lower.Length >= 3)
            {
                if (m + 1 < words.Count && IsDateGap(text, words, m) && IsYear(words[m + 1].Lower, out var year))
                {
                    return DayMatch(text, words, i, m + 1, year, dayMonth, leadingDay, relative: false);
                }

                return IsCapitalised(text, words[m]) ? DayMatch(text, words, i, m, anchor.Year, dayMonth, leadingDay, relative: true) : null;
            }
        }

        // in 2022 / during 2022
        if (w.Lower is "in" or "during" && i + 1 < words.Count && IsSpaceGap(text, words, i) && IsYear(words[i + 1].Lower, out var onlyYear) &&
            (i + 2 >= words.Count || !IsSpaceGap(text, words, i + 1) || !IsUnitWord(words[i + 2].Lower)))
        {
            return (Absolute(text, words, i + 1, i + 1, new DateOnly(onlyYear, 1, 1), new DateOnly(onlyYear, 12, 31)), i + 1);
        }

        return null;
    }

    private static bool IsCapitalised(string text, Word word) => char.IsUpper(text[word.Start]);

    private static bool IsUnitWord(string lower) => TryUnit(lower, out _);

    private static (ResolvedDate, int)? DayMatch(string text, List<Word> words, int first, int last, int year, int month, int day, bool relative)
    {
        if (day > DateTime.DaysInMonth(year, month))
        {
            return null;
        }

        var date = new DateOnly(year, month, day);
        if (!relative)
        {
            return (Absolute(text, words, first, last, date, date), last);
        }

        var expression = Substring(text, words, first, last);
        return (new ResolvedDate
        {
            Expression = expression,
            Start = date,
            End = date,
            Label = FormatDay(date),
            IsRelative = true,
            Index = words[first].Start,
        }, last);
    }

    private static ResolvedDate Absolute(string text, List<Word> words, int first, int last, DateOnly start, DateOnly end)
    {
        var expression = Substring(text, words, first, last);
        return new ResolvedDate { Expression = expression, Start = start, End = end, Label = expression, Index = words[first].Start };
    }

    private static bool IsYear(string lower, out int year)
    {
        year = 0;
        return lower.Length == 4 && TryNumber(lower, 1900, 2199, out year);
    }

    private static bool TryDay(string lower, out int day)
    {
        day = 0;
        var digits = 0;
        while (digits < lower.Length && char.IsAsciiDigit(lower[digits]))
        {
            digits++;
        }

        if (digits is 0 or > 2)
        {
            return false;
        }

        var suffix = lower.AsSpan(digits);
        return suffix is "" or "st" or "nd" or "rd" or "th" && TryNumber(lower[..digits], 1, 31, out day);
    }

    private static bool TryNumber(string lower, int min, int max, out int value) =>
        int.TryParse(lower, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;

    // ---- Relative dates -------------------------------------------------------------------------------------------

    /// <summary>Matches a relative expression; one whose date falls outside <see cref="DateOnly"/>'s range stays unresolved.</summary>
    private static (ResolvedDate Date, int LastWord)? TryMatchRelative(string text, List<Word> words, int i, DateOnly anchor)
    {
        try
        {
            return MatchRelative(text, words, i, anchor);
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private static (ResolvedDate Date, int LastWord)? MatchRelative(string text, List<Word> words, int i, DateOnly anchor)
    {
        var w = words[i].Lower;

        // the day before yesterday / the day after tomorrow (with or without "the")
        var dayStart = w == "the" ? i + 1 : i;
        if (dayStart + 2 < words.Count && words[dayStart].Lower == "day" && Joined(text, words, i, dayStart + 2))
        {
            var (middle, last) = (words[dayStart + 1].Lower, words[dayStart + 2].Lower);
            if (middle == "before" && last == "yesterday")
            {
                return Day(text, words, i, dayStart + 2, anchor.AddDays(-2));
            }

            if (middle == "after" && last == "tomorrow")
            {
                return Day(text, words, i, dayStart + 2, anchor.AddDays(2));
            }
        }

        switch (w)
        {
            case "today":
            case "tonight":
                return Day(text, words, i, i, anchor);
            case "yesterday":
                return Day(text, words, i, i, anchor.AddDays(-1));
            case "tomorrow":
                return Day(text, words, i, i, anchor.AddDays(1));
            default:
                break;
        }

        if (i + 1 < words.Count && Joined(text, words, i, i + 1))
        {
            var next = words[i + 1].Lower;
            if (w == "last" && next == "night")
            {
                return Day(text, words, i, i + 1, anchor.AddDays(-1));
            }

            if (w == "this" && next is "morning" or "afternoon" or "evening")
            {
                return Day(text, words, i, i + 1, anchor);
            }

            if (w is "last" or "this" or "next")
            {
                var direction = w switch { "last" => -1, "next" => 1, _ => 0 };
                var relative = LastThisNext(text, words, i, direction, next, anchor);
                if (relative is not null)
                {
                    return relative;
                }
            }

            if (w == "on" && WeekdaysByName.TryGetValue(next, out var weekday))
            {
                var future = IsFutureClause(text, words, i);
                return Day(text, words, i, i + 1, future ? NextWeekday(anchor, weekday) : PreviousWeekday(anchor, weekday));
            }
        }

        // N units ago
        if (TryQuantity(text, words, i, out var n, out var unitIndex) && unitIndex + 1 < words.Count &&
            TryUnit(words[unitIndex].Lower, out var unit) && words[unitIndex + 1].Lower == "ago" && Joined(text, words, unitIndex, unitIndex + 1))
        {
            return Shifted(text, words, i, unitIndex + 1, anchor, unit, -n);
        }

        // in N units
        if (w == "in" && i + 1 < words.Count && Joined(text, words, i, i + 1) && TryQuantity(text, words, i + 1, out var m, out var futureUnit) &&
            TryUnit(words[futureUnit].Lower, out var inUnit) &&
            (futureUnit + 1 >= words.Count || words[futureUnit + 1].Lower != "ago"))
        {
            return Shifted(text, words, i, futureUnit, anchor, inUnit, m);
        }

        return null;
    }

    private static (ResolvedDate, int)? LastThisNext(string text, List<Word> words, int i, int direction, string next, DateOnly anchor)
    {
        var mondayIndex = MondayIndex(anchor);
        var monday = anchor.AddDays(-mondayIndex);
        switch (next)
        {
            case "week":
                var weekStart = monday.AddDays(7 * direction);
                return Range(text, words, i, i + 1, weekStart, weekStart.AddDays(6), "the week of " + FormatDay(weekStart));
            case "weekend":
                var saturday = monday.AddDays((7 * direction) + 5);
                return Range(text, words, i, i + 1, saturday, saturday.AddDays(1), "the weekend of " + FormatDay(saturday));
            case "month":
                var month = new DateOnly(anchor.Year, anchor.Month, 1).AddMonths(direction);
                return Range(text, words, i, i + 1, month, month.AddMonths(1).AddDays(-1), FormatMonth(month));
            case "year":
                var year = anchor.Year + direction;
                return Range(text, words, i, i + 1, new DateOnly(year, 1, 1), new DateOnly(year, 12, 31), year.ToString(CultureInfo.InvariantCulture));
            case "spring":
            case "summer":
            case "fall":
            case "autumn":
            case "winter":
                var (start, end) = Season(next, direction, anchor);
                var label = next == "winter"
                    ? string.Create(CultureInfo.InvariantCulture, $"winter {start.Year}-{end.Year}")
                    : string.Create(CultureInfo.InvariantCulture, $"{next} {start.Year}");
                return Range(text, words, i, i + 1, start, end, label);
            default:
                if (WeekdaysByName.TryGetValue(next, out var weekday))
                {
                    var date = direction switch
                    {
                        < 0 => PreviousWeekday(anchor, weekday),
                        > 0 => NextWeekday(anchor, weekday),
                        _ => monday.AddDays(weekday),
                    };
                    return Day(text, words, i, i + 1, date);
                }

                return null;
        }
    }

    private static (DateOnly Start, DateOnly End) Season(string name, int direction, DateOnly anchor)
    {
        var startMonth = name switch
        {
            "spring" => 3,
            "summer" => 6,
            "fall" or "autumn" => 9,
            _ => 12,
        };

        (DateOnly Start, DateOnly End) Instance(int year)
        {
            var start = new DateOnly(year, startMonth, 1);
            return (start, start.AddMonths(3).AddDays(-1));
        }

        // The instance starting in the anchor's year, or for winter the one containing January/February.
        var baseYear = startMonth == 12 && anchor.Month <= 2 ? anchor.Year - 1 : anchor.Year;
        var current = Instance(baseYear);
        return direction switch
        {
            < 0 => current.End < anchor ? current : Instance(baseYear - 1),
            > 0 => current.Start > anchor ? current : Instance(baseYear + 1),
            _ => current,
        };
    }

    private static (ResolvedDate, int) Shifted(string text, List<Word> words, int first, int last, DateOnly anchor, Unit unit, int amount)
    {
        switch (unit)
        {
            case Unit.Day:
                return Day(text, words, first, last, anchor.AddDays(amount));
            case Unit.Week:
                var shifted = anchor.AddDays(7 * amount);
                var monday = shifted.AddDays(-MondayIndex(shifted));
                return Range(text, words, first, last, monday, monday.AddDays(6), "the week of " + FormatDay(monday));
            case Unit.Month:
                var month = new DateOnly(anchor.Year, anchor.Month, 1).AddMonths(amount);
                return Range(text, words, first, last, month, month.AddMonths(1).AddDays(-1), FormatMonth(month));
            default:
                var year = anchor.Year + amount;
                return Range(text, words, first, last, new DateOnly(year, 1, 1), new DateOnly(year, 12, 31), year.ToString(CultureInfo.InvariantCulture));
        }
    }

    private static bool TryQuantity(string text, List<Word> words, int i, out int value, out int unitIndex)
    {
        value = 0;
        unitIndex = -1;
        var w = words[i].Lower;
        if (w is "a" or "an")
        {
            if (i + 1 < words.Count && Joined(text, words, i, i + 1))
            {
                var next = words[i + 1].Lower;
                if (next == "few")
                {
                    return Plural(text, words, i + 2, i + 1, 3, out value, out unitIndex);
                }

                if (next == "couple")
                {
                    var unitAt = i + 2 < words.Count && words[i + 2].Lower == "of" && Joined(text, words, i + 1, i + 2) ? i + 3 : i + 2;
                    return Plural(text, words, unitAt, unitAt - 1, 2, out value, out unitIndex);
                }
            }

            value = 1;
            unitIndex = i + 1;
            return unitIndex < words.Count && Joined(text, words, i, unitIndex) && IsSingularUnit(words[unitIndex].Lower);
        }

        if (w == "few")
        {
            return Plural(text, words, i + 1, i, 3, out value, out unitIndex);
        }

        if (NumberWords.TryGetValue(w, out value) || (w.Length <= 3 && TryNumber(w, 1, 999, out value)))
        {
            unitIndex = i + 1;
            return unitIndex < words.Count && Joined(text, words, i, unitIndex);
        }

        return false;
    }

    private static bool Plural(string text, List<Word> words, int unitAt, int previous, int amount, out int value, out int unitIndex)
    {
        value = amount;
        unitIndex = unitAt;
        return unitAt < words.Count && Joined(text, words, previous, unitAt) && words[unitAt].Lower.EndsWith('s');
    }

    private static bool IsSingularUnit(string lower) => lower is "day" or "week" or "month" or "year";

    private static bool TryUnit(string lower, out Unit unit)
    {
        (var found, unit) = lower switch
        {
            "day" or "days" => (true, Unit.Day),
            "week" or "weeks" => (true, Unit.Week),
            "month" or "months" => (true, Unit.Month),
            "year" or "years" => (true, Unit.Year),
            _ => (false, Unit.Day),
        };
        return found;
    }

    private static bool IsFutureClause(string text, List<Word> words, int i)
    {
        for (var k = i - 1; k >= 0; k--)
        {
            if (SentenceBreakBetween(text, words[k].End, words[k + 1].Start))
            {
                return false;
            }

            if (FutureMarkers.Contains(words[k].Lower))
            {
                return true;
            }
        }

        return false;
    }

    private static bool SentenceBreakBetween(string text, int from, int to)
    {
        for (var c = from; c < to; c++)
        {
            if (text[c] is '.' or '!' or '?' or '\n')
            {
                return true;
            }
        }

        return false;
    }

    private static int MondayIndex(DateOnly date) => ((int)date.DayOfWeek + 6) % 7;

    private static DateOnly PreviousWeekday(DateOnly anchor, int weekday)
    {
        var delta = (MondayIndex(anchor) - weekday + 7) % 7;
        return anchor.AddDays(-(delta == 0 ? 7 : delta));
    }

    private static DateOnly NextWeekday(DateOnly anchor, int weekday)
    {
        var delta = (weekday - MondayIndex(anchor) + 7) % 7;
        return anchor.AddDays(delta == 0 ? 7 : delta);
    }

    private static (ResolvedDate, int) Day(string text, List<Word> words, int first, int last, DateOnly date) =>
        Range(text, words, first, last, date, date, FormatDay(date));

    private static (ResolvedDate, int) Range(string text, List<Word> words, int first, int last, DateOnly start, DateOnly end, string label) =>
        (new ResolvedDate
        {
            Expression = Substring(text, words, first, last),
            Start = start,
            End = end,
            Label = label,
            IsRelative = true,
            Index = words[first].Start,
        }, last);

    /// <summary>Formats a day as <c>7 May 2023</c>.</summary>
    private static string FormatDay(DateOnly date) =>
        string.Create(CultureInfo.InvariantCulture, $"{date.Day} {MonthNames[date.Month - 1]} {date.Year}");

    /// <summary>Formats a month as <c>April 2023</c>.</summary>
    private static string FormatMonth(DateOnly date) =>
        string.Create(CultureInfo.InvariantCulture, $"{MonthNames[date.Month - 1]} {date.Year}");

    // ---- Words ----------------------------------------------------------------------------------------------------

    private static string Substring(string text, List<Word> words, int first, int last) => text[words[first].Start..words[last].End];

    private static string Gap(string text, List<Word> words, int i) => text[words[i].End..words[i + 1].Start];

    /// <summary>Gets a value indicating whether only spaces separate words <paramref name="from"/> to <paramref name="to"/>.</summary>
    private static bool Joined(string text, List<Word> words, int from, int to)
    {
        for (var k = from; k < to; k++)
        {
            if (!IsSpaceGap(text, words, k))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsSpaceGap(string text, List<Word> words, int i)
    {
        var start = words[i].End;
        var end = words[i + 1].Start;
        if (end == start)
        {
            return false;
        }

        for (var c = start; c < end; c++)
        {
            if (!char.IsWhiteSpace(text[c]) || text[c] == '\n')
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsDateGap(string text, List<Word> words, int i)
    {
        var start = words[i].End;
        var end = words[i + 1].Start;
        if (end == start || end - start > 3)
        {
            return false;
        }

        for (var c = start; c < end; c++)
        {
            if (text[c] is not (' ' or ',' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Splits text into words: letters and digits, with a trailing possessive <c>'s</c> kept in the span.</summary>
    private static List<Word> Scan(string text)
    {
        var words = new List<Word>();
        var i = 0;
        while (i < text.Length)
        {
            if (!char.IsLetterOrDigit(text[i]))
            {
                i++;
                continue;
            }

            var start = i;
            while (i < text.Length && char.IsLetterOrDigit(text[i]))
            {
                i++;
            }

            var lower = Lower(text.AsSpan(start, i - start));
            if (i + 1 < text.Length && TextFolding.IsApostrophe(text[i]) && (text[i + 1] is 's' or 'S') &&
                (i + 2 >= text.Length || !char.IsLetterOrDigit(text[i + 2])))
            {
                i += 2;
            }

            words.Add(new Word(start, i, lower));
        }

        return words;
    }

    private static string Lower(ReadOnlySpan<char> value)
    {
        Span<char> buffer = value.Length <= 64 ? stackalloc char[value.Length] : new char[value.Length];
        for (var k = 0; k < value.Length; k++)
        {
            buffer[k] = char.ToLowerInvariant(value[k]);
        }

        return new string(buffer);
    }

    private readonly record struct Word(int Start, int End, string Lower);
}
#pragma warning restore CA1822
