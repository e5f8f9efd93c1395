using System.Text.Json;
using Engram.Cli.Bench;
using Engram.Cli.Output;

namespace Engram.Cli.Tests.Bench;

/// <summary>
/// <c>engram bench</c> at a tiny size: the report has every section and target, in both output formats. Speed is
/// never asserted here; benchmarks print figures (docs/performance.md).
/// </summary>
public sealed class BenchRunnerTests : IDisposable
{
    private const string GoldenName = "Marcus";
    private const string GoldenMemory = "Marcus started a new job as a graphic designer at ";
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task RunAsync_TinyDataSet_ReportsEveryFigureAndTarget()
    {
        var options = new BenchOptions
        {
            Memories = 2_000,
            MemoriesPerUser = 500,
            BatchSize = 250,
            SingleAdds = 20,
            Queries = 40,
            ProjectQueries = 5,
            BandwidthBytes = 16 << 20,
            Directory = _temp.Combine("bench"),
        };

        var report = await new BenchRunner(options, NullStageProgress.Instance).RunAsync(CancellationToken.None);

        // Exact-duplicate texts may be skipped by the engine, so the count is a range.
        Assert.InRange(report.Dataset.Memories, 1_900, 2_020);
        Assert.Equal(4, report.Dataset.Users);
        Assert.Equal(384, report.Dataset.Dimensions); // the shipped neural embedder
        Assert.False(report.Dataset.Reused);
        Assert.NotNull(report.Ingest);
        Assert.Equal(2_000, report.Ingest.Batched.Memories);
        Assert.True(report.Ingest.Batched.MemoriesPerSecond > 0);
        Assert.Equal(20, report.Ingest.Single!.Adds);
        Assert.Equal(40, report.Search.UserScoped.Queries);
        Assert.Equal(5, report.Search.ProjectWide.Queries);
        Assert.True(report.Search.UserScoped.MeanResults > 0, "user-scoped searches should find memories");
        Assert.True(report.Search.VectorUserScoped.MeanResults > 0);
        Assert.True(report.Scan.UserScopedBytesPerQuery > 0);
        Assert.True(report.Storage.DatabaseBytes > 0);
        Assert.True(report.Machine.Bandwidth.SingleThreadBytesPerSecond > 0);
        Assert.NotNull(report.ColdStart);
        Assert.True(report.ColdStart.FirstAnswerMs > 0);
        Assert.NotNull(report.Memory);
        Assert.True(report.Memory.ResidentBytes > report.Memory.BaselineResidentBytes / 2);
        Assert.Equal(
            ["user-scoped search p50", "project-wide search p50", "batched add, infer=false", "resident memory per memory", "cold start to first answer"],
            report.Targets.Select(t => t.Name));
        Assert.All(report.Targets, t => Assert.NotNull(t.Met));

        // A second run with the same options reuses the data set and does not measure ingest.
        var again = await new BenchRunner(options with { ColdStart = false }, NullStageProgress.Instance).RunAsync(CancellationToken.None);
        Assert.True(again.Dataset.Reused);
        Assert.Null(again.Ingest);
        Assert.Null(again.ColdStart);
    }

    [Fact]
    public async Task Bench_JsonOutput_IsOneSnakeCaseDocument()
    {
        var run = await Cli.RunAsync(
            "bench", "--memories", "600", "--per-user", "300", "--batch-size", "300", "--single-adds", "5", "--queries", "10",
            "--project-queries", "2", "--bandwidth-mb", "16", "--no-cold-start", "--output", "json");

        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Stdout);
        var root = json.RootElement;
        Assert.InRange(root.GetProperty("dataset").GetProperty("memories").GetInt64(), 550, 605);
        Assert.True(root.GetProperty("search").GetProperty("user_scoped").GetProperty("latency_ms").GetProperty("p99").GetDouble() > 0);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("cold_start").ValueKind);
        Assert.Equal(5, root.GetProperty("targets").GetArrayLength());
    }

    [Fact]
    public async Task Bench_InvalidSize_ExitsWithUsageError()
    {
        var run = await Cli.RunAsync("bench", "--memories", "0");

        Assert.Equal(ExitCodes.InvalidInput, run.ExitCode);
        Assert.Contains("--memories", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void SyntheticCorpus_SameSeed_GivesTheSameTexts()
    {
        var a = new SyntheticCorpus(7);
        var b = new SyntheticCorpus(7);
        var world = a.World(3);

        Assert.Equal(world.Name, b.World(3).Name);
        Assert.Equal(a.Memory(world, 3, 10), b.Memory(b.World(3), 3, 10));
        Assert.NotEqual(a.Memory(world, 3, 10), a.Memory(world, 3, 11));
        Assert.Contains(world.Name, a.Memory(world, 3, 10), StringComparison.Ordinal);
    }

    [Fact]
    public void SyntheticCorpus_Seed42_GivesTheRecordedTexts()
    {
        // The same texts in every process (a reused benchmark database is searched with questions about its own users).
        var corpus = new SyntheticCorpus(42);
        var world = corpus.World(0);

        Assert.Equal(GoldenName, world.Name);
        Assert.StartsWith(GoldenMemory, corpus.Memory(world, 0, 0), StringComparison.Ordinal);
    }
}
