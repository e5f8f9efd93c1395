using System.Globalization;

namespace Engram.Sqlite.Tests;

public sealed class SqliteValuesTests
{
    [Theory]
    [InlineData("2025-01-02T03:04:05.1234567Z")]
    [InlineData("0001-01-01T00:00:00.0000000Z")]
    [InlineData("9999-12-31T23:59:59.9999999Z")]
    [InlineData("2024-02-29T12:00:00.0000001Z")]
    public void ParseTimestamp_StoredForm_EqualsParseExact(string text)
    {
        var expected = DateTimeOffset.ParseExact(
            text, SqliteValues.TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

        var actual = SqliteValues.ParseTimestamp(text);

        Assert.Equal(expected, actual);
        Assert.Equal(TimeSpan.Zero, actual.Offset);
        Assert.Equal(text, SqliteValues.FormatTimestamp(actual));
    }

    [Theory]
    [InlineData("2025-02-30T00:00:00.0000000Z")]
    [InlineData("2025-01-02T24:00:00.0000000Z")]
    [InlineData("2025-01-02 03:04:05.1234567Z")]
    [InlineData("2025-01-02T03:04:05Z")]
    public void ParseTimestamp_NotTheStoredForm_FailsAsParseExactDoes(string text) =>
        Assert.Throws<FormatException>(() => SqliteValues.ParseTimestamp(text));

    [Theory]
    [InlineData("""["a"]""")]
    [InlineData("""["a","b c","",  "d"]""")]
    [InlineData("""["x\"y","z"]""")]
    [InlineData("""["caf\u00e9",1,null,{"k":2}]""")]
    [InlineData("""[1,2]""")]
    [InlineData("""["a",1]""")]
    public void FromJsonArray_AnyArray_EqualsTheJsonParser(string json)
    {
        using var document = System.Text.Json.JsonDocument.Parse(json);
        var expected = document.RootElement.EnumerateArray()
            .Select(e => e.ValueKind == System.Text.Json.JsonValueKind.String ? e.GetString()! : e.GetRawText())
            .ToList();

        Assert.Equal(expected, SqliteValues.FromJsonArray(json));
    }

    [Fact]
    public void FromJsonArray_WhatToJsonArrayWrites_RoundTrips()
    {
        string[] values = ["019a-id", "with \"quote\"", "<html>&", "naïve", ""];

        Assert.Equal(values, SqliteValues.FromJsonArray(SqliteValues.ToJsonArray(values)));
    }
}
