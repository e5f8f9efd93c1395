using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Engram.Sqlite;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Engram.Cli.Bench;

/// <summary>
/// Cold start and resident memory, measured in a fresh process: the parent starts <c>engram bench probe</c>, which opens
/// the database, answers one user-scoped search (the cold start ends when its answer reaches the parent), then one
/// project-wide search, collects garbage and reports its working set.
/// </summary>
internal static class ColdStartProbe
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(30);

    /// <summary>Runs the probe in a child process.</summary>
    /// <param name="directory">The data directory.</param>
    /// <param name="userId">The user of the first search.</param>
    /// <param name="query">The query of both searches.</param>
    /// <param name="cancellationToken">A token to cancel the probe.</param>
    /// <returns>The measurements, or <see langword="null"/> when the CLI assembly cannot be found to start a child.</returns>
    /// <exception cref="CliDataException">The child failed.</exception>
    /// <param name="inMemoryIndex">Whether the child's store keeps its in-memory index.</param>
    public static async Task<ProbeResult?> RunAsync(string directory, string userId, string query, bool inMemoryIndex, CancellationToken cancellationToken)
    {
        var assembly = typeof(ColdStartProbe).Assembly.Location;
        if (string.IsNullOrEmpty(assembly) || !File.Exists(Path.ChangeExtension(assembly, ".runtimeconfig.json")))
        {
            return null;
        }

        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { assembly, "bench", "probe", "--dir", directory, "--user", userId, "--query", query })
        {
            start.ArgumentList.Add(argument);
        }

        if (!inMemoryIndex)
        {
            start.ArgumentList.Add("--no-index");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        var started = Stopwatch.GetTimestamp();
        using var process = Process.Start(start) ?? throw new CliDataException("The cold-start probe process did not start.");
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (stderr)
            {
                stderr.AppendLine(e.Data);
            }
        };
        process.BeginErrorReadLine();
        try
        {
            var firstLine = await process.StandardOutput.ReadLineAsync(timeout.Token);
            var firstAnswerMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var secondLine = await process.StandardOutput.ReadLineAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            if (process.ExitCode != 0 || firstLine is null || secondLine is null)
            {
                string errors;
                lock (stderr)
                {
                    errors = stderr.ToString().Trim();
                }

                throw new CliDataException($"The cold-start probe failed with exit code {process.ExitCode}: {errors}");
            }

            var first = JsonSerializer.Deserialize(firstLine, BenchJsonContext.Default.ProbeFirstAnswer)!;
            var summary = JsonSerializer.Deserialize(secondLine, BenchJsonContext.Default.ProbeSummary)!;
            return new ProbeResult(
                firstAnswerMs, first.InProcessMs, summary.ProjectWideMs, summary.ResidentBytes, summary.BaselineResidentBytes, summary.ManagedBytes,
                summary.ManagedCommittedBytes, summary.IndexBytes, summary.Dimensions);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>The child's side: opens the data directory, answers the searches and prints two JSON lines.</summary>
    /// <param name="directory">The data directory.</param>
    /// <param name="userId">The user of the first search.</param>
    /// <param name="query">The query.</param>
    /// <param name="stdout">Standard output.</param>
    /// <param name="cancellationToken">A token to cancel the probe.</param>
    /// <returns>A task that completes when both lines are written.</returns>
    /// <param name="inMemoryIndex">Whether the store keeps its in-memory index.</param>
    public static async Task RunChildAsync(string directory, string userId, string query, bool inMemoryIndex, TextWriter stdout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        using var self = Process.GetCurrentProcess();
        var processStart = self.StartTime.ToUniversalTime();
        await using var session = await BenchRunner.OpenSessionAsync(directory, inMemoryIndex, cancellationToken);
        self.Refresh();
        var baseline = self.WorkingSet64;
        var first = await session.Memory.SearchAsync(new SearchMemoriesRequest { Query = query, Scope = MemoryScope.ForUser(userId) }, cancellationToken);
        var inProcessMs = (TimeProvider.System.GetUtcNow().UtcDateTime - processStart).TotalMilliseconds;
        await stdout.WriteLineAsync(JsonSerializer.Serialize(new ProbeFirstAnswer(inProcessMs, first.Results.Count), BenchJsonContext.Default.ProbeFirstAnswer));
        await stdout.FlushAsync(cancellationToken);

        var started = Stopwatch.GetTimestamp();
        await session.Memory.SearchAsync(
            new SearchMemoriesRequest { Query = query, Filter = new ExistsFilter(FilterField.Of(FilterFieldKind.UserId)) }, cancellationToken);
        var projectWideMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;

        var embedder = session.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        var dimensions = (await embedder.GenerateAsync([query], cancellationToken: cancellationToken))[0].Vector.Length;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        self.Refresh();
        var index = session.Services.GetService<SqliteMemoryStore>()?.GetVectorSearchStatistics();
        var summary = new ProbeSummary(
            projectWideMs, self.WorkingSet64, baseline, GC.GetTotalMemory(forceFullCollection: false), GC.GetGCMemoryInfo().TotalCommittedBytes, index?.IndexBytes ?? 0, dimensions);
        await stdout.WriteLineAsync(JsonSerializer.Serialize(summary, BenchJsonContext.Default.ProbeSummary));
        await stdout.FlushAsync(cancellationToken);
    }

    private static string DotnetHost()
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
        {
            return host;
        }

        var current = Environment.ProcessPath;
        return current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet" ? current : "dotnet";
    }
}

/// <summary>What the cold-start probe measured.</summary>
internal sealed record ProbeResult(
    double FirstAnswerMs,
    double InProcessMs,
    double ProjectWideMs,
    long ResidentBytes,
    long BaselineResidentBytes,
    long ManagedBytes,
    long ManagedCommittedBytes,
    long IndexBytes,
    int Dimensions);

/// <summary>The probe's first line: its first answer.</summary>
internal sealed record ProbeFirstAnswer(double InProcessMs, int Results);

/// <summary>The probe's second line: the project-wide search and the resident memory.</summary>
internal sealed record ProbeSummary(
    double ProjectWideMs, long ResidentBytes, long BaselineResidentBytes, long ManagedBytes, long ManagedCommittedBytes, long IndexBytes, int Dimensions);
