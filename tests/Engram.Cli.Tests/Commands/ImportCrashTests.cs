using System.Diagnostics;
using System.Text.Json;
using Engram.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Engram.Cli.Tests.Commands;

/// <summary>
/// Kills <c>engram import locomo</c> with SIGKILL at random points and checks that every add the CLI acknowledged on
/// stdout survived, and that the database is intact.
/// </summary>
public sealed class ImportCrashTests : IDisposable
{
    private const int KillPoints = 3;
    private const int MinimumAcknowledgements = 20;
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task ImportLocomo_KilledAfterAcknowledgements_KeepsEveryAcknowledgedMemory()
    {
        var random = new Random();
        for (var round = 0; round < KillPoints; round++)
        {
            var data = _temp.Combine($"data-{round}");
            var killAfter = random.Next(MinimumAcknowledgements, 300);

            var acknowledged = await ImportAndKillAsync(data, killAfter);

            Assert.True(acknowledged.Count >= MinimumAcknowledgements, $"only {acknowledged.Count} acknowledgements before the process ended");
            await AssertSurvivedAsync(data, acknowledged);
        }
    }

    private static async Task<List<string>> ImportAndKillAsync(string data, int killAfter)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { CliDll(), "import", "locomo", RepoPaths.LocomoDev, "--sample", "conv-26", "--output", "json", "--data", data })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var stderr = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (stderr)
            {
                stderr.AppendLine(e.Data);
            }
        };
        process.BeginErrorReadLine();

        using var timeout = new CancellationTokenSource(Timeout);
        var ids = new List<string>();
        var acknowledgements = 0;
        try
        {
            while (acknowledgements < killAfter && await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                using var json = JsonDocument.Parse(line);
                if (!json.RootElement.TryGetProperty("dia_id", out _))
                {
                    continue;
                }

                ids.AddRange(json.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetString()!));
                acknowledgements++;
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync(CancellationToken.None);
        }

        Assert.True(acknowledgements > 0, $"no acknowledgement; stderr: {stderr}");
        return ids;
    }

    private static async Task AssertSurvivedAsync(string data, IReadOnlyList<string> ids)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddEngram().WithSqliteStore(Path.Combine(data, "engram.db"));
        await using var provider = services.BuildServiceProvider();
        var memory = provider.GetRequiredService<IMemory>();

        foreach (var id in ids)
        {
            Assert.True(await memory.GetAsync(id) is not null, $"acknowledged memory {id} is missing after the crash");
        }

        var store = provider.GetRequiredService<SqliteMemoryStore>();
        Assert.Equal(["ok"], await store.CheckIntegrityAsync(CancellationToken.None));
    }

    /// <summary>
    /// Finds the CLI assembly (Engram.Cli.dll; the tool command is "engram"): next to the test assembly, where the
    /// project reference copies it, else under the repository's artifacts/bin/Engram.Cli.
    /// </summary>
    private static string CliDll()
    {
        const string AssemblyFile = "Engram.Cli.dll";
        if (File.Exists(Path.Combine(AppContext.BaseDirectory, AssemblyFile))
            && File.Exists(Path.Combine(AppContext.BaseDirectory, "Engram.Cli.runtimeconfig.json")))
        {
            return Path.Combine(AppContext.BaseDirectory, AssemblyFile);
        }

        var configuration = AppContext.BaseDirectory.Contains("release", StringComparison.OrdinalIgnoreCase) ? "release" : "debug";
        var artifacts = Path.Combine(RepoPaths.Root, "artifacts", "bin", "Engram.Cli", configuration, AssemblyFile);
        return File.Exists(artifacts) ? artifacts : throw new FileNotFoundException("The CLI assembly was not found.", artifacts);
    }
}
