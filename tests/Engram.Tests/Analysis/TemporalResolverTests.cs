namespace Engram.Tests.Analysis;

public sealed class TemporalResolverTests
{
    // Monday 8 May 2023, 13:56 UTC (LoCoMo conv-26 session 1).
    private static readonly DateTimeOffset Monday = new(2023, 5, 8, 13, 56, 0, TimeSpan.Zero);

    private static readonly TemporalResolver Resolver = new();

    private static ResolvedDate Single(string text, DateTimeOffset observedAt)
    {
        var resolution = Resolver.Resolve(text, observedAt);
        return Assert.Single(resolution.Dates);
    }

    private static void AssertRange(string text, DateTimeOffset observedAt, string start, string end, string label)
    {
        var date = Single(text, observedAt);
        Assert.Equal(DateOnly.Parse(start, System.Globalization.CultureInfo.InvariantCulture), date.Start);
        Assert.Equal(DateOnly.Parse(end, System.Globalization.CultureInfo.InvariantCulture), date.End);
        Assert.Equal(label, date.Label);
        Assert.True(date.IsRelative);
    }

    [Fact]
    public void Resolve_Yesterday_AppendsAbsoluteDate()
    {
        var resolution = Resolver.Resolve("I went hiking yesterday", Monday);

        Assert.Equal("I went hiking yesterday (7 May 2023)", resolution.Text);
        var date = Assert.Single(resolution.Dates);
        Assert.Equal("yesterday", date.Expression);
        Assert.Equal(new DateOnly(2023, 5, 7), date.Start);
        Assert.Equal(date.Start, date.End);
        Assert.Equal(14, date.Index);
    }

    [Theory]
    [InlineData("today", "2023-05-08", "8 May 2023")]
    [InlineData("tonight", "2023-05-08", "8 May 2023")]
    [InlineData("this morning", "2023-05-08", "8 May 2023")]
    [InlineData("yesterday", "2023-05-07", "7 May 2023")]
    [InlineData("last night", "2023-05-07", "7 May 2023")]
    [InlineData("the day before yesterday", "2023-05-06", "6 May 2023")]
    [InlineData("tomorrow", "2023-05-09", "9 May 2023")]
    [InlineData("the day after tomorrow", "2023-05-10", "10 May 2023")]
    [InlineData("last Friday", "2023-05-05", "5 May 2023")]
    [InlineData("last Monday", "2023-05-01", "1 May 2023")]
    [InlineData("last Fri", "2023-05-05", "5 May 2023")]
    [InlineData("next Friday", "2023-05-12", "12 May 2023")]
    [InlineData("next Monday", "2023-05-15", "15 May 2023")]
    [InlineData("this Friday", "2023-05-12", "12 May 2023")]
    [InlineData("on Saturday", "2023-05-06", "6 May 2023")]
    [InlineData("3 days ago", "2023-05-05", "5 May 2023")]
    [InlineData("two days ago", "2023-05-06", "6 May 2023")]
    [InlineData("a few days ago", "2023-05-05", "5 May 2023")]
    [InlineData("a couple of days ago", "2023-05-06", "6 May 2023")]
    [InlineData("a day ago", "2023-05-07", "7 May 2023")]
    [InlineData("in 2 days", "2023-05-10", "10 May 2023")]
    [InlineData("in twelve days", "2023-05-20", "20 May 2023")]
    public void Resolve_DayExpression_ResolvesToOneDay(string expression, string expected, string label)
    {
        AssertRange($"We met {expression}.", Monday, expected, expected, label);
        Assert.Equal($"We met {expression} ({label}).", Resolver.Resolve($"We met {expression}.", Monday).Text);
    }

    [Theory]
    [InlineData("last week", "2023-05-01", "2023-05-07", "the week of 1 May 2023")]
    [InlineData("this week", "2023-05-08", "2023-05-14", "the week of 8 May 2023")]
    [InlineData("next week", "2023-05-15", "2023-05-21", "the week of 15 May 2023")]
    [InlineData("two weeks ago", "2023-04-24", "2023-04-30", "the week of 24 April 2023")]
    [InlineData("a few weeks ago", "2023-04-17", "2023-04-23", "the week of 17 April 2023")]
    [InlineData("in a week", "2023-05-15", "2023-05-21", "the week of 15 May 2023")]
    [InlineData("last weekend", "2023-05-06", "2023-05-07", "the weekend of 6 May 2023")]
    [InlineData("this weekend", "2023-05-13", "2023-05-14", "the weekend of 13 May 2023")]
    [InlineData("next weekend", "2023-05-20", "2023-05-21", "the weekend of 20 May 2023")]
    [InlineData("last month", "2023-04-01", "2023-04-30", "April 2023")]
    [InlineData("this month", "2023-05-01", "2023-05-31", "May 2023")]
    [InlineData("next month", "2023-06-01", "2023-06-30", "June 2023")]
    [InlineData("a couple of months ago", "2023-03-01", "2023-03-31", "March 2023")]
    [InlineData("in three months", "2023-08-01", "2023-08-31", "August 2023")]
    [InlineData("last year", "2022-01-01", "2022-12-31", "2022")]
    [InlineData("this year", "2023-01-01", "2023-12-31", "2023")]
    [InlineData("next year", "2024-01-01", "2024-12-31", "2024")]
    [InlineData("a year ago", "2022-01-01", "2022-12-31", "2022")]
    [InlineData("a few years ago", "2020-01-01", "2020-12-31", "2020")]
    [InlineData("five years ago", "2018-01-01", "2018-12-31", "2018")]
    [InlineData("last summer", "2022-06-01", "2022-08-31", "summer 2022")]
    [InlineData("this summer", "2023-06-01", "2023-08-31", "summer 2023")]
    [InlineData("next summer", "2023-06-01", "2023-08-31", "summer 2023")]
    [InlineData("last spring", "2022-03-01", "2022-05-31", "spring 2022")]
    [InlineData("this spring", "2023-03-01", "2023-05-31", "spring 2023")]
    [InlineData("last fall", "2022-09-01", "2022-11-30", "fall 2022")]
    [InlineData("next autumn", "2023-09-01", "2023-11-30", "autumn 2023")]
    [InlineData("last winter", "2022-12-01", "2023-02-28", "winter 2022-2023")]
    [InlineData("next winter", "2023-12-01", "2024-02-29", "winter 2023-2024")]
    public void Resolve_RangeExpression_ResolvesToRange(string expression, string start, string end, string label)
    {
        AssertRange($"It happened {expression}, really.", Monday, start, end, label);
    }

    [Fact]
    public void Resolve_OnWeekdayInFutureClause_ResolvesForward()
    {
        AssertRange("I will see her on Friday.", Monday, "2023-05-12", "2023-05-12", "12 May 2023");
        AssertRange("We're planning a picnic on Sunday.", Monday, "2023-05-14", "2023-05-14", "14 May 2023");
    }

    [Fact]
    public void Resolve_OnWeekdayInPastClause_ResolvesBackward()
    {
        AssertRange("I'll tell you. We went out on Friday.", Monday, "2023-05-05", "2023-05-05", "5 May 2023");
    }

    [Fact]
    public void Resolve_SundayAnchor_UsesIsoWeekBoundaries()
    {
        var sunday = new DateTimeOffset(2023, 5, 14, 10, 0, 0, TimeSpan.Zero);
        AssertRange("this week", sunday, "2023-05-08", "2023-05-14", "the week of 8 May 2023");
        AssertRange("last week", sunday, "2023-05-01", "2023-05-07", "the week of 1 May 2023");
        AssertRange("last weekend", sunday, "2023-05-06", "2023-05-07", "the weekend of 6 May 2023");
        AssertRange("last Sunday", sunday, "2023-05-07", "2023-05-07", "7 May 2023");
    }

    [Fact]
    public void Resolve_NewYearAnchor_RollsBackIntoPreviousYear()
    {
        var january2 = new DateTimeOffset(2023, 1, 2, 9, 0, 0, TimeSpan.Zero);
        AssertRange("yesterday", january2, "2023-01-01", "2023-01-01", "1 January 2023");
        AssertRange("last month", january2, "2022-12-01", "2022-12-31", "December 2022");
        AssertRange("last week", january2, "2022-12-26", "2023-01-01", "the week of 26 December 2022");
        AssertRange("three days ago", january2, "2022-12-30", "2022-12-30", "30 December 2022");
        AssertRange("last winter", january2, "2021-12-01", "2022-02-28", "winter 2021-2022");
        AssertRange("this winter", january2, "2022-12-01", "2023-02-28", "winter 2022-2023");
    }

    [Fact]
    public void Resolve_NewYearsEveAnchor_RollsForwardIntoNextYear()
    {
        var december31 = new DateTimeOffset(2022, 12, 31, 23, 0, 0, TimeSpan.Zero);
        AssertRange("tomorrow", december31, "2023-01-01", "2023-01-01", "1 January 2023");
        AssertRange("next month", december31, "2023-01-01", "2023-01-31", "January 2023");
        AssertRange("next week", december31, "2023-01-02", "2023-01-08", "the week of 2 January 2023");
        AssertRange("this week", december31, "2022-12-26", "2023-01-01", "the week of 26 December 2022");
    }

    [Fact]
    public void Resolve_MonthEndAnchor_ShiftsByCalendarMonth()
    {
        var march31 = new DateTimeOffset(2023, 3, 31, 12, 0, 0, TimeSpan.Zero);
        AssertRange("a month ago", march31, "2023-02-01", "2023-02-28", "February 2023");
        AssertRange("next month", march31, "2023-04-01", "2023-04-30", "April 2023");
    }

    [Theory]
    [InlineData("I have been hiking a lot recently.")]
    [InlineData("Lately I feel great.")]
    [InlineData("We met the other day.")]
    [InlineData("The last time we spoke was fun.")]
    [InlineData("I did it in a way that worked.")]
    [InlineData("")]
    public void Resolve_VagueOrNoExpression_LeavesTextUnchanged(string text)
    {
        var resolution = Resolver.Resolve(text, Monday);
        Assert.Equal(text, resolution.Text);
        Assert.Empty(resolution.Dates);
    }

    [Theory]
    [InlineData("We married on May 7, 2023 in Rome.", "May 7, 2023", "2023-05-07", "2023-05-07")]
    [InlineData("We married on May 7th 2023.", "May 7th 2023", "2023-05-07", "2023-05-07")]
    [InlineData("We married on 7 May 2023.", "7 May 2023", "2023-05-07", "2023-05-07")]
    [InlineData("We married on 7th of May, 2023.", "7th of May, 2023", "2023-05-07", "2023-05-07")]
    [InlineData("We married on 2023-05-07.", "2023-05-07", "2023-05-07", "2023-05-07")]
    [InlineData("We married in May 2023.", "May 2023", "2023-05-01", "2023-05-31")]
    [InlineData("We married in 2019.", "2019", "2019-01-01", "2019-12-31")]
    public void Resolve_AbsoluteDate_ReportsItAsWrittenWithoutRewriting(string text, string expression, string start, string end)
    {
        var resolution = Resolver.Resolve(text, Monday);

        Assert.Equal(text, resolution.Text);
        var date = Assert.Single(resolution.Dates);
        Assert.Equal(expression, date.Expression);
        Assert.Equal(expression, date.Label);
        Assert.False(date.IsRelative);
        Assert.Equal(DateOnly.Parse(start, System.Globalization.CultureInfo.InvariantCulture), date.Start);
        Assert.Equal(DateOnly.Parse(end, System.Globalization.CultureInfo.InvariantCulture), date.End);
    }

    [Fact]
    public void Resolve_DayAndMonthWithoutYear_UsesObservationYear()
    {
        var resolution = Resolver.Resolve("My birthday is on 20 June.", Monday);
        Assert.Equal("My birthday is on 20 June (20 June 2023).", resolution.Text);
        Assert.Equal(new DateOnly(2023, 6, 20), Assert.Single(resolution.Dates).Start);
    }

    [Fact]
    public void Resolve_LowerCaseMonthWordWithoutYear_IsNotADate()
    {
        Assert.Empty(Resolver.Resolve("we march 5 miles and you may 2 times", Monday).Dates);
    }

    [Fact]
    public void Resolve_SeveralExpressions_AnnotatesEachInOrder()
    {
        var resolution = Resolver.Resolve("Last week I painted; yesterday I framed it, and next month's show is on June 20, 2023.", Monday);

        Assert.Equal(
            "Last week (the week of 1 May 2023) I painted; yesterday (7 May 2023) I framed it, and next month's (June 2023) show is on June 20, 2023.",
            resolution.Text);
        Assert.Equal(["Last week", "yesterday", "next month's", "June 20, 2023"], resolution.Dates.Select(d => d.Expression));
    }

    [Fact]
    public void Resolve_AlreadyAnnotated_IsIdempotent()
    {
        var once = Resolver.Resolve("I went hiking yesterday and last week.", Monday).Text;
        var twice = Resolver.Resolve(once, Monday).Text;
        Assert.Equal(once, twice);
    }

    [Fact]
    public void Resolve_DateOutsideCalendar_LeftUnresolved()
    {
        var resolution = Resolver.Resolve("It was yesterday, and next year too.", DateTimeOffset.MinValue);
        Assert.Equal(["next year"], resolution.Dates.Select(d => d.Expression));
        Assert.Equal("It was yesterday, and next year (2) too.", resolution.Text);
    }

    [Fact]
    public void Resolve_Null_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => Resolver.Resolve(null!, Monday));
    }

    [Theory]
    [InlineData("1:56 pm on 8 May, 2023", 2023, 5, 8, 13, 56)]
    [InlineData("10:37 am on 27 June, 2023", 2023, 6, 27, 10, 37)]
    [InlineData("12:48 am on 1 February, 2023", 2023, 2, 1, 0, 48)]
    [InlineData("12:09 pm on 3 July, 2023", 2023, 7, 3, 12, 9)]
    [InlineData("  7:31 PM on 21 January 2022 ", 2022, 1, 21, 19, 31)]
    public void TryParseLoCoMoDateTime_ValidValue_ParsesAsUtc(string value, int year, int month, int day, int hour, int minute)
    {
        Assert.True(TemporalResolver.TryParseLoCoMoDateTime(value, out var result));
        Assert.Equal(new DateTimeOffset(year, month, day, hour, minute, 0, TimeSpan.Zero), result);
        Assert.Equal(TimeSpan.Zero, result.Offset);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("8 May, 2023")]
    [InlineData("13:56 pm on 8 May, 2023")]
    [InlineData("1:5 pm on 8 May, 2023")]
    [InlineData("1:56 on 8 May, 2023")]
    [InlineData("1:56 pm on 31 February, 2023")]
    [InlineData("1:56 pm on 8 Smarch, 2023")]
    [InlineData("1:56 pm on 8 May")]
    public void TryParseLoCoMoDateTime_InvalidValue_ReturnsFalse(string? value)
    {
        Assert.False(TemporalResolver.TryParseLoCoMoDateTime(value, out var result));
        Assert.Equal(default, result);
    }
}
