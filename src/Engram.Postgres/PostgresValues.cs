using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Engram.Postgres;

/// <summary>Conversions between the engine's values and the PostgreSQL columns, and typed parameter helpers.</summary>
internal static class PostgresValues
{
    /// <summary>The stored timestamp format: fixed-width UTC with 100 ns ticks, so text order is time order.</summary>
    public const string TimestampFormat = StoreFilterValues.TimestampFormat;

    /// <summary>The stored date format.</summary>
    public const string DateFormat = StoreFilterValues.DateFormat;

    public static string FormatTimestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture);

    public static DateTimeOffset ParseTimestamp(string text) =>
        DateTimeOffset.ParseExact(text, TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    public static string FormatDate(DateOnly value) => value.ToString(DateFormat, CultureInfo.InvariantCulture);

    public static DateOnly ParseDate(string text) => DateOnly.ParseExact(text, DateFormat, CultureInfo.InvariantCulture);

    public static string ToJsonArray(IEnumerable<string> values) => JsonSerializer.Serialize(values.ToArray(), PostgresJsonContext.Default.StringArray);

    public static IReadOnlyList<string> FromJsonArray(string json) =>
        json is "[]" or "" ? [] : JsonSerializer.Deserialize(json, PostgresJsonContext.Default.StringArray) ?? [];

    /// <summary>Counts the tokens of analysed lexical text (maximal runs of letters and digits, as FTS5's unicode61 does).</summary>
    public static int CountTokens(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return 0;
        }

        var count = 0;
        var inToken = false;
        foreach (var c in text)
        {
            var letter = char.IsLetterOrDigit(c);
            if (letter && !inToken)
            {
                count++;
            }

            inToken = letter;
        }

        return count;
    }

    public static NpgsqlParameter Text(string name, string? value) => new(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value };

    public static NpgsqlParameter Jsonb(string name, string value) => new(name, NpgsqlDbType.Jsonb) { Value = value };

    public static NpgsqlParameter Integer(string name, long? value) => new(name, NpgsqlDbType.Bigint) { Value = (object?)value ?? DBNull.Value };

    /// <summary>
    /// Encodes a vector for the fallback's <c>bytea</c> column: each float32 as its 4 bytes in network (big-endian)
    /// order, the layout <c>float4send</c> writes (migration 3 converts old <c>real[]</c> values with it).
    /// </summary>
    public static byte[] EncodeFloat4(ReadOnlySpan<float> values)
    {
        var bytes = new byte[values.Length * sizeof(float)];
        ToNetworkOrder(MemoryMarshal.Cast<float, int>(values), MemoryMarshal.Cast<byte, int>(bytes.AsSpan()));
        return bytes;
    }

    /// <summary>Decodes <see cref="EncodeFloat4"/>'s layout into <paramref name="destination"/> (length = bytes / 4).</summary>
    public static void DecodeFloat4(ReadOnlySpan<byte> bytes, Span<float> destination) =>
        ToNetworkOrder(MemoryMarshal.Cast<byte, int>(bytes), MemoryMarshal.Cast<float, int>(destination));

    /// <summary>Copies 32-bit words between native and network (big-endian) order; the swap is its own inverse.</summary>
    private static void ToNetworkOrder(ReadOnlySpan<int> source, Span<int> target)
    {
        if (BitConverter.IsLittleEndian)
        {
            BinaryPrimitives.ReverseEndianness(source, target);
        }
        else
        {
            source.CopyTo(target);
        }
    }

    /// <summary>A <c>text[]</c> parameter; <see langword="null"/> elements are SQL NULLs.</summary>
    public static NpgsqlParameter TextArray(string name, IEnumerable<string?> values) =>
        new(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = values.ToArray() };

    public static string? NullableString(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static DateOnly? NullableDate(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : ParseDate(reader.GetString(ordinal));

    public static double? NullableDouble(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetDouble(ordinal);

    public static DateTimeOffset? NullableTimestamp(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : ParseTimestamp(reader.GetString(ordinal));
}
