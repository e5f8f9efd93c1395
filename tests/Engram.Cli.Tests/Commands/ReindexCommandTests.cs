using System.Text.Json;

namespace Engram.Cli.Tests.Commands;

/// <summary>
/// <c>engram reindex</c> over a real data directory: memories written with the hashing embedder at 512 dimensions,
/// then the configuration moves it to 256 dimensions (as a switch to another embedder would).
/// </summary>
public sealed class ReindexCommandTests : IDisposable
{
    private static readonly string[] EmbedderA = ["--set", "Engram:Embedder:Provider=hashing"];
    private static readonly string[] EmbedderB = ["--set", "Engram:Embedder:Provider=hashing", "--set", "Engram:Embedder:Dimensions=256"];
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Reindex_AfterTheEmbedderChanged_ReembedsEveryMemoryAndSearchWorksAgain()
    {
        Assert.Equal(0, (await RunAsync(EmbedderA, "add", "Grace studies volcanoes in Iceland", "--user", "grace", "--no-infer")).ExitCode);
        Assert.Equal(0, (await RunAsync(EmbedderA, "add", "Grace bakes sourdough bread", "--user", "grace", "--no-infer")).ExitCode);
        Assert.Equal(0, (await RunAsync(EmbedderA, "add", "Henry repairs old bicycles", "--user", "henry", "--no-infer")).ExitCode);

        var refused = await RunAsync(EmbedderB, "search", "volcano", "--user", "grace");
        Assert.Equal(ExitCodes.DataError, refused.ExitCode);
        Assert.Contains("engram reindex", refused.Stderr, StringComparison.Ordinal);

        var reindex = await RunAsync(EmbedderB, "reindex", "--batch-size", "2", "--output", "json");

        Assert.Equal(0, reindex.ExitCode);
        using (var summary = JsonDocument.Parse(reindex.Stdout))
        {
            var root = summary.RootElement;
            Assert.Equal(3, root.GetProperty("reembedded").GetInt64());
            Assert.Equal(0, root.GetProperty("skipped").GetInt64());
            Assert.True(root.GetProperty("elapsed_ms").GetDouble() >= 0);
            Assert.Equal("engram/engram-hashing-v1", root.GetProperty("previous_embedder").GetProperty("id").GetString());
            Assert.Equal(512, root.GetProperty("previous_embedder").GetProperty("dimensions").GetInt32());
            Assert.Equal("engram/engram-hashing-v1", root.GetProperty("embedder").GetProperty("id").GetString());
            Assert.Equal(256, root.GetProperty("embedder").GetProperty("dimensions").GetInt32());
            Assert.False(root.GetProperty("no_op").GetBoolean());
        }

        var search = await RunAsync(EmbedderB, "search", "volcano", "--user", "grace", "--output", "json");
        Assert.Equal(0, search.ExitCode);
        using (var hits = JsonDocument.Parse(search.Stdout))
        {
            Assert.Equal("Grace studies volcanoes in Iceland", hits.RootElement.GetProperty("results")[0].GetProperty("memory").GetString());
        }

        Assert.Equal(ExitCodes.DataError, (await RunAsync(EmbedderA, "search", "volcano", "--user", "grace")).ExitCode);

        var again = await RunAsync(EmbedderB, "reindex");
        Assert.Equal(0, again.ExitCode);
        Assert.StartsWith("Nothing to re-embed: all 3 memories already use engram/engram-hashing-v1 (256 dimensions).", again.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reindex_OfAnEmptyDataDirectory_RecordsTheEmbedder()
    {
        var reindex = await RunAsync(EmbedderB, "reindex");

        Assert.Equal(0, reindex.ExitCode);
        Assert.StartsWith("Re-embedded 0 memories in ", reindex.Stdout, StringComparison.Ordinal);
        Assert.Contains("no recorded embedder → engram/engram-hashing-v1 (256 dimensions)", reindex.Stdout, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.DataError, (await RunAsync(EmbedderA, "add", "Grace studies volcanoes", "--user", "grace", "--no-infer")).ExitCode);
    }

    [Theory]
    [InlineData("--batch-size", "0")]
    [InlineData("--batch-size", "10001")]
    [InlineData("--store", "mysql")]
    [InlineData("--store", "postgres")]
    public async Task Reindex_WithBadOptions_IsAUsageError(string option, string value)
    {
        var run = await RunAsync(EmbedderB, "reindex", option, value);

        Assert.Equal(ExitCodes.InvalidInput, run.ExitCode);
        Assert.StartsWith("error: ", run.Stderr, StringComparison.Ordinal);
        Assert.Empty(run.Stdout);
    }

    [Fact]
    public async Task Reindex_WithHashingDimensionsOutOfRange_NamesTheKey()
    {
        var run = await RunAsync(["--set", "Engram:Embedder:Provider=hashing", "--set", "Engram:Embedder:Dimensions=8"], "reindex");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("Engram:Embedder:Dimensions", run.Stderr, StringComparison.Ordinal);
    }

    private Task<CliRun> RunAsync(string[] embedder, params string[] args) => Cli.RunAsync([.. args, .. embedder, "--data", _dir.Path]);
}
