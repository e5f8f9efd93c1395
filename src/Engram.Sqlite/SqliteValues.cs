using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Engram.Sqlite;

/// <summary>Conversions between model values and their stored text or blob forms.</summary>
internal static class SqliteValues
{
    /// <summary>The fixed-width UTC timestamp format: lexicographic order equals chronological order.</summary>
    public const string TimestampFormat = StoreFilterValues.TimestampFormat;

    /// <summary>The date format of <c>expiration_date</c>.</summary>
    public const string DateFormat = StoreFilterValues.DateFormat;

    /// <summary>Formats a timestamp as fixed-width UTC text.</summary>
    /// <param name="value">The timestamp.</param>
    /// <returns>Text such as <c>2026-01-02T03:04:05.1234567Z</c>.</returns>
    public static string FormatTimestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture);

    /// <summary>Parses a timestamp written by <see cref="FormatTimestamp"/>.</summary>
    /// <param name="text">The stored text.</param>
    /// <returns>The UTC timestamp.</returns>
    public static DateTimeOffset ParseTimestamp(string text)
    {
        // The stored form is fixed-width: read the digits directly (search reads three timestamps per memory); anything
        // unexpected goes through ParseExact, which gives the same value or the same error.
        if (TryParseFixedTimestamp(text, out var ticks))
        {
            return new DateTimeOffset(ticks, TimeSpan.Zero);
        }

        return DateTimeOffset.ParseExact(text, TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
    }

    // "yyyy-MM-ddTHH:mm:ss.fffffffZ" (28 characters) → UTC ticks, or false.
    private static bool TryParseFixedTimestamp(string text, out long ticks)
    {
        ticks = 0;
        if (text is not { Length: 28 } || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':' || text[19] != '.' || text[27] != 'Z')
        {
            return false;
        }

        if (!TryDigits(text, 0, 4, out var year) || !TryDigits(text, 5, 2, out var month) || !TryDigits(text, 8, 2, out var day)
            || !TryDigits(text, 11, 2, out var hour) || !TryDigits(text, 14, 2, out var minute) || !TryDigits(text, 17, 2, out var second)
            || !TryDigits(text, 20, 7, out var fraction))
        {
            return false;
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        ticks = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).Ticks + fraction;
        return true;
    }

    private static bool TryDigits(string text, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            var digit = text[i] - '0';
            if ((uint)digit > 9)
            {
                return false;
            }

            value = value * 10 + digit;
        }

        return true;
    }

    /// <summary>Formats a date as <c>yyyy-MM-dd</c>.</summary>
    /// <param name="value">The date.</param>
    /// <returns>The text.</returns>
    public static string FormatDate(DateOnly value) => value.ToString(DateFormat, CultureInfo.InvariantCulture);

    /// <summary>Parses a <c>yyyy-MM-dd</c> date.</summary>
    /// <param name="text">The stored text.</param>
    /// <returns>The date.</returns>
    public static DateOnly ParseDate(string text) => DateOnly.ParseExact(text, DateFormat, CultureInfo.InvariantCulture);

    /// <summary>Serializes strings as a compact JSON array.</summary>
    /// <param name="values">The strings.</param>
    /// <returns>A JSON array, <c>[]</c> when empty.</returns>
    public static string ToJsonArray(IEnumerable<string> values)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartArray();
            foreach (var value in values)
            {
                writer.WriteStringValue(value);
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    /// <summary>Parses a JSON array of strings written by <see cref="ToJsonArray"/>.</summary>
    /// <param name="json">The stored text.</param>
    /// <returns>The strings; non-string elements are written as their JSON text.</returns>
    public static IReadOnlyList<string> FromJsonArray(string? json)
    {
        if (string.IsNullOrEmpty(json) || json == "[]")
        {
            return [];
        }

        if (TrySplitSimpleArray(json) is { } simple)
        {
            return simple;
        }

        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        var result = new List<string>(document.RootElement.GetArrayLength());
        foreach (var item in document.RootElement.EnumerateArray())
        {
            result.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : item.GetRawText());
        }

        return result;
    }

    // ["a","b"] where no string has a backslash or a quote (what ToJsonArray writes for ids and names): no JSON parser needed.
    private static List<string>? TrySplitSimpleArray(string json)
    {
        if (json.Length < 4 || json[0] != '[' || json[1] != '"' || json[^1] != ']' || json[^2] != '"' || json.Contains('\\', StringComparison.Ordinal))
        {
            return null;
        }

        var result = new List<string>();
        var i = 1;
        while (true)
        {
            // At an opening quote.
            var end = json.IndexOf('"', i + 1);
            if (end < 0)
            {
                return null;
            }

            result.Add(json.Substring(i + 1, end - i - 1));
            if (end == json.Length - 2)
            {
                return result;
            }

            if (json[end + 1] != ',' || json[end + 2] != '"')
            {
                return null;
            }

            i = end + 2;
        }
    }

    /// <summary>Encodes a vector as float32 little-endian bytes.</summary>
    /// <param name="vector">The vector.</param>
    /// <returns>The blob, 4 bytes per dimension.</returns>
    public static byte[] ToBlob(ReadOnlySpan<float> vector)
    {
        var bytes = new byte[vector.Length * sizeof(float)];
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(vector).CopyTo(bytes);
        }
        else
        {
            for (var i = 0; i < vector.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), vector[i]);
            }
        }

        return bytes;
    }

    /// <summary>Decodes float32 little-endian bytes into <paramref name="destination"/>.</summary>
    /// <param name="blob">The blob; its length is a multiple of 4.</param>
    /// <param name="destination">Receives <c>blob.Length / 4</c> values.</param>
    public static void FromBlob(ReadOnlySpan<byte> blob, Span<float> destination)
    {
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.Cast<byte, float>(blob).CopyTo(destination);
        }
        else
        {
            for (var i = 0; i < destination.Length; i++)
            {
                destination[i] = BinaryPrimitives.ReadSingleLittleEndian(blob[(i * sizeof(float))..]);
            }
        }
    }
}
