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
    public const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    /// <summary>The date format of <c>expiration_date</c>.</summary>
    public const string DateFormat = "yyyy-MM-dd";

    /// <summary>Formats a timestamp as fixed-width UTC text.</summary>
    /// <param name="value">The timestamp.</param>
    /// <returns>Text such as <c>2026-01-02T03:04:05.1234567Z</c>.</returns>
    public static string FormatTimestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture);

    /// <summary>Parses a timestamp written by <see cref="FormatTimestamp"/>.</summary>
    /// <param name="text">The stored text.</param>
    /// <returns>The UTC timestamp.</returns>
    public static DateTimeOffset ParseTimestamp(string text) =>
        DateTimeOffset.ParseExact(text, TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

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
