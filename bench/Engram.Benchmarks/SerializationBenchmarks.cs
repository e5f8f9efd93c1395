using System.Text.Json;
using System.Text.Json.Serialization;
using BenchmarkDotNet.Attributes;

namespace Engram.Benchmarks;

/// <summary>Serializing a search result of 10 hits to snake_case JSON with a source-generated context (as the hosts do).</summary>
[MemoryDiagnoser]
public class SerializationBenchmarks
{
    private SearchMemoriesResult _result = null!;

    [GlobalSetup]
    public void Setup()
    {
        var now = new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
        _result = new SearchMemoriesResult
        {
            Results = Enumerable.Range(0, 10).Select(i => new MemorySearchHit
            {
                Score = 1.0 / (i + 1),
                Item = new MemoryItem
                {
                    Id = Guid.CreateVersion7(now).ToString(),
                    Memory = Samples.Memory(i),
                    Hash = "0123456789abcdef0123456789abcdef",
                    Scope = MemoryScope.ForUser("alice"),
                    CreatedAt = now,
                    UpdatedAt = now,
                    ObservedAt = now,
                    Metadata = new Dictionary<string, JsonElement> { ["source"] = JsonSerializer.SerializeToElement("chat", BenchJsonContext.Default.String) },
                    Categories = ["hobbies"],
                },
            }).ToList(),
        };
    }

    [Benchmark]
    public byte[] SearchResultToJson() => JsonSerializer.SerializeToUtf8Bytes(_result, BenchJsonContext.Default.SearchMemoriesResult);
}

/// <summary>The benchmarks' JSON context: Mem0's snake_case keys.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SearchMemoriesResult))]
[JsonSerializable(typeof(string))]
internal sealed partial class BenchJsonContext : JsonSerializerContext;
