using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Engram.Postgres.Tests;

/// <summary>
/// A real <c>engram reindex --store postgres --connection …</c> process (the built Engram.Cli.dll) over a fresh
/// PostgreSQL 15 database written with the hashing embedder at 512 dimensions, moved to 256.
/// </summary>
[Collection(PostgresServerGroup.Name)]
public sealed class ReindexCommandTests(PostgresDatabase database) : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "engram-reindex-pg-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    [Fact]
    public async Task Reindex_OnPostgres_ReembedsEveryProjectAndRecordsTheNewEmbedder()
    {
        var connectionString = await database.Server.CreateDatabaseAsync();
        await using var store = new PostgresMemoryStore(new PostgresStoreOptions { ConnectionString = connectionString });
        var engine = new MemoryEngine(store, new HashingEmbeddingGenerator(), new RuleBasedFactExtractor(), Options.Create(new MemoryOptions()));
        string? bread = null;
        foreach (var (project, text) in new[] { ("default", "Grace bakes sourdough bread"), ("default", "Grace studies volcanoes"), ("other", "Henry repairs bicycles") })
        {
            var result = await engine.ForProject(project).AddAsync(new AddMemoriesRequest { Messages = [MemoryMessage.User(text)], Scope = MemoryScope.ForUser("grace"), Infer = false });
            bread ??= result.Results[0].Id;
        }

        var run = await RunCliAsync(
            "reindex", "--store", "postgres", "--connection", connectionString, "--data", _directory, "--batch-size", "2", "--output", "json",
            "--set", "Engram:Embedder:Provider=hashing", "--set", "Engram:Embedder:Dimensions=256");

        Assert.True(run.ExitCode == 0, run.Output);
        using (var summary = JsonDocument.Parse(run.Stdout))
        {
            Assert.Equal(3, summary.RootElement.GetProperty("reembedded").GetInt64());
            Assert.Equal(256, summary.RootElement.GetProperty("embedder").GetProperty("dimensions").GetInt32());
        }

        var model = new EmbeddingModel("engram/engram-hashing-v1", 256);
        Assert.Equal(new VectorReindexStatus(model, 3, 0), await store.GetReindexStatusAsync(model));
        var query = (await new HashingEmbeddingGenerator(new HashingEmbeddingOptions { Dimensions = 256 }).GenerateAsync(["sourdough bread"]))[0].Vector;
        var hit = Assert.Single(await store.SearchVectorsAsync(new MemoryQuery { ProjectId = "default" }, query, model, 1));
        Assert.Equal(bread, hit.MemoryId);
        await Assert.ThrowsAsync<EmbeddingMismatchException>(() => engine.SearchAsync(new SearchMemoriesRequest { Query = "bread", Scope = MemoryScope.ForUser("grace") }));
    }

    private static async Task<(int ExitCode, string Stdout, string Output)> RunCliAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Engram.Cli.dll"));
        foreach (var argument in args)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stdout + await stderr);
    }
}
