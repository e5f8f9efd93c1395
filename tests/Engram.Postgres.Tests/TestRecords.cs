using Npgsql;

namespace Engram.Postgres.Tests;

/// <summary>Memory records and SQL helpers shared by the PostgreSQL-only tests.</summary>
internal static class TestRecords
{
    /// <summary>The time every test memory is created at.</summary>
    public static readonly DateTimeOffset T0 = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A memory of user alice whose lexical text is <paramref name="text"/>, with an optional vector of <paramref name="model"/>.</summary>
    public static MemoryRecord Memory(string id, string text, float[]? vector = null, EmbeddingModel? model = null) => new()
    {
        Item = new MemoryItem
        {
            Id = id,
            Memory = text,
            Hash = id,
            Scope = MemoryScope.ForUser("alice"),
            CreatedAt = T0,
            UpdatedAt = T0,
            ObservedAt = T0,
        },
        LexicalText = text,
        Embedding = vector ?? ReadOnlyMemory<float>.Empty,
        EmbeddingModel = vector is null ? null : model,
    };

    /// <summary>Runs <paramref name="sql"/> and returns the first column of its first row.</summary>
    public static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
