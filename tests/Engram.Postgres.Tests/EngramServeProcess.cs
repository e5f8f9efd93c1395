using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Engram.Postgres.Tests;

/// <summary>
/// One real <c>engram serve --store postgres --connection …</c> process (the built Engram.Cli.dll) on a free loopback
/// port, with a known first key (<c>ENGRAM_API_KEY</c>); stopped with SIGTERM on dispose.
/// </summary>
public sealed partial class EngramServeProcess : IAsyncDisposable
{
    public const string ApiKey = "m0-postgres-scale-out-key-0123456789";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "engram-serve-pg-" + Guid.NewGuid().ToString("N"));
    private readonly StringBuilder _output = new();
    private Process? _process;

    public Uri BaseAddress { get; private set; } = null!;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts a server; <paramref name="environment"/> adds variables (configuration keys as <c>Engram__Section__Key</c>).</summary>
    public static async Task<EngramServeProcess> StartAsync(string connectionString, IReadOnlyDictionary<string, string>? environment = null)
    {
        var server = new EngramServeProcess();
        await server.StartCoreAsync(connectionString, environment);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process?.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    private async Task StartCoreAsync(string connectionString, IReadOnlyDictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "Engram.Cli.dll"), "serve", "--urls", "http://127.0.0.1:0", "--data", _directory,
            "--store", "postgres", "--connection", connectionString,
        })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["ENGRAM_API_KEY"] = ApiKey;
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var started = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Read(e.Data, started);
        _process.ErrorDataReceived += (_, e) => Read(e.Data, started);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var first = await Task.WhenAny(started.Task, _process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60)));
        if (first != started.Task)
        {
            throw new InvalidOperationException($"engram serve did not start:\n{Output}");
        }

        BaseAddress = await started.Task;
    }

    private void Read(string? line, TaskCompletionSource<Uri> started)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (ServingLine().Match(line) is { Success: true } match)
        {
            started.TrySetResult(new Uri(match.Groups[1].Value));
        }
    }

    [GeneratedRegex(@"serving the Mem0 API on (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ServingLine();
}
