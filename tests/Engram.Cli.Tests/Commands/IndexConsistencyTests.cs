using System.Diagnostics;
using System.Text.Json;
using Engram.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Engram.Cli.Tests.Commands;

/// <summary>
/// A long-running process (here: this test, holding an engine whose SQLite store keeps an in-memory index) must see what
/// another process (the engram CLI started as a child) adds and deletes in the same file, at its next search.
/// </summary>
public sealed class IndexConsistencyTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Search_AfterAnotherProcessAddsAndDeletes_SeesBothChanges()
    {
        var data = _temp.Combine("data");
        await using var session = await Hosting.EngramSession.OpenAsync(data, CancellationToken.None);
        var memory = session.Memory;
        await memory.AddAsync(new AddMemoriesRequest { Messages = [MemoryMessage.User("Alice walks her dog every morning.")], Scope = MemoryScope.ForUser("alice"), Infer = false });
        var before = await memory.SearchAsync(new SearchMemoriesRequest { Query = "zebra", Scope = MemoryScope.ForUser("alice") });
        Assert.DoesNotContain(before.Results, h => h.Item.Memory.Contains("zebra", StringComparison.Ordinal));
        Assert.True(session.Services.GetRequiredService<SqliteMemoryStore>().GetVectorSearchStatistics().IndexedVectors > 0, "the search should have loaded the index");

        var added = await RunCliAsync("add", "--data", data, "--user", "alice", "--no-infer", "--output", "json", "Alice saw a zebra at the zoo.");
        var id = JsonDocument.Parse(added).RootElement.GetProperty("results")[0].GetProperty("id").GetString()!;

        var found = await memory.SearchAsync(new SearchMemoriesRequest { Query = "zebra", Scope = MemoryScope.ForUser("alice") });
        Assert.Equal(id, found.Results[0].Item.Id);

        await RunCliAsync("delete", "--data", data, id);
        var after = await memory.SearchAsync(new SearchMemoriesRequest { Query = "zebra", Scope = MemoryScope.ForUser("alice") });
        Assert.DoesNotContain(after.Results, h => h.Item.Id == id);
    }

    private static async Task<string> RunCliAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(CliDll());
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        using var timeout = new CancellationTokenSource(Timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"engram {string.Join(' ', args)} failed: {await stderr}");
        return await stdout;
    }

    private static string CliDll()
    {
        var local = Path.Combine(AppContext.BaseDirectory, "Engram.Cli.dll");
        if (File.Exists(local) && File.Exists(Path.Combine(AppContext.BaseDirectory, "Engram.Cli.runtimeconfig.json")))
        {
            return local;
        }

        var configuration = AppContext.BaseDirectory.Contains("release", StringComparison.OrdinalIgnoreCase) ? "release" : "debug";
        return Path.Combine(RepoPaths.Root, "artifacts", "bin", "Engram.Cli", configuration, "Engram.Cli.dll");
    }
}
