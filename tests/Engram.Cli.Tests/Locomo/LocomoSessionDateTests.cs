namespace Engram.Cli.Tests.Locomo;

/// <summary>The session dates of the LoCoMo files, as the importer parses them (with the engine's parser).</summary>
public class LocomoSessionDateTests
{
    [Theory]
    [InlineData("1:56 pm on 8 May, 2023", 2023, 5, 8, 13, 56)]
    [InlineData("10:37 am on 27 June, 2023", 2023, 6, 27, 10, 37)]
    [InlineData("12:09 am on 13 September, 2023", 2023, 9, 13, 0, 9)]
    [InlineData("12:30 pm on 1 January, 2024", 2024, 1, 1, 12, 30)]
    [InlineData("  7:00 PM on 3 Aug 2022 ", 2022, 8, 3, 19, 0)]
    public void TryParse_LocomoDate_ReturnsUtcDateTime(string text, int year, int month, int day, int hour, int minute)
    {
        Assert.True(TemporalResolver.TryParseLoCoMoDateTime(text, out var value));
        Assert.Equal(new DateTimeOffset(year, month, day, hour, minute, 0, TimeSpan.Zero), value);
        Assert.Equal(TimeSpan.Zero, value.Offset);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("2023-05-08")]
    [InlineData("1:56 pm on 31 February, 2023")]
    [InlineData("13:56 pm on 8 May, 2023")]
    [InlineData("1:56 pm on 8 Smarch, 2023")]
    [InlineData("1:60 pm on 8 May, 2023")]
    public void TryParse_InvalidText_ReturnsFalse(string? text)
    {
        Assert.False(TemporalResolver.TryParseLoCoMoDateTime(text, out _));
    }
}
