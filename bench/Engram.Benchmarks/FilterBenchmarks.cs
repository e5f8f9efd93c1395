using BenchmarkDotNet.Attributes;
using Engram.Sqlite;

namespace Engram.Benchmarks;

/// <summary>Parsing a Mem0 filter and evaluating the scope part in memory, as the SQLite store's index does per candidate.</summary>
[MemoryDiagnoser]
public class FilterBenchmarks
{
    private const string Json = """{"AND": [{"user_id": "alice"}, {"agent_id": "*"}, {"created_at": {"gte": "2025-01-01"}}]}""";
    private MemoryIndexFilter _filter = null!;
    private MemoryIndexPartition _partition = null!;

    [GlobalSetup]
    public void Setup()
    {
        var query = new MemoryQuery
        {
            ProjectId = "default",
            Filter = MemoryFilter.Parse("""{"AND": [{"user_id": "alice"}, {"agent_id": {"in": ["a1", "a2"]}}]}"""),
            ExcludeExpiredBefore = new DateOnly(2025, 6, 1),
            ExcludeSuperseded = true,
        };
        _filter = MemoryIndexFilter.TryCreate(query)!;
        _partition = new MemoryIndexPartition("alice", 0);
        for (var i = 0; i < 1_000; i++)
        {
            _partition.Append(new MemoryIndexEntry
            {
                Seq = i,
                Id = "m" + i,
                UserId = "alice",
                AgentId = i % 3 == 0 ? "a1" : "a3",
                Expiration = i % 10 == 0 ? "2025-01-01" : null,
                Superseded = i % 17 == 0,
            });
        }
    }

    [Benchmark]
    public MemoryFilter Parse() => MemoryFilter.Parse(Json);

    [Benchmark]
    public int EvaluateOnThousandMemories()
    {
        var matches = 0;
        for (var slot = 0; slot < _partition.Count; slot++)
        {
            if (_filter.Matches(_partition, slot))
            {
                matches++;
            }
        }

        return matches;
    }
}
