using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;

namespace Engram.Cli.Chaos;

/// <summary>
/// A real <c>engram serve</c> process (this Engram.Cli.dll run by <c>dotnet</c>) over a data directory that outlives it, so a test can
/// kill it (SIGKILL), start it again on the same files and read them. Everything the process prints is kept.
/// </summary>
internal sealed partial class ServeProcess : IAsyncDisposable
{
    private readonly StringBuilder _output = new();
    private readonly Dictionary<string, string> _environment;
    private Process? _process;

    public ServeProcess(string dataDirectory, string apiKey, IReadOnlyDictionary<string, string>? environment = null)
    {
        DataDirectory = dataDirectory;
        ApiKey = apiKey;
        _environment = environment is null ? [] : new Dictionary<string, string>(environment);
    }

    public string DataDirectory { get; }

    public string ApiKey { get; }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Gets everything the process (and earlier processes of this instance) wrote to stdout and stderr.</summary>
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

    public static async Task<ServeProcess> StartAsync(string dataDirectory, string apiKey, IReadOnlyDictionary<string, string>? environment = null)
    {
        var serve = new ServeProcess(dataDirectory, apiKey, environment);
        await serve.StartAsync();
        return serve;
    }

    /// <summary>Starts the process (again) on the data directory and waits for its "serving" line.</summary>
    public async Task StartAsync()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { typeof(ServeProcess).Assembly.Location, "serve", "--urls", "http://127.0.0.1:0", "--data", DataDirectory })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["ENGRAM_API_KEY"] = ApiKey;
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        // A load harness, not a client: the per-key rate limit would turn its bursts into 429s.
        start.Environment["Engram__Server__RateLimitPermits"] = "100000000";
        foreach (var (name, value) in _environment)
        {
            start.Environment[name] = value;
        }

        var started = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Read(e.Data, started);
        process.ErrorDataReceived += (_, e) => Read(e.Data, started);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        var first = await Task.WhenAny(started.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(90)));
        if (first != started.Task)
        {
            throw new InvalidOperationException($"engram serve did not start:\n{Output}");
        }

        BaseAddress = await started.Task;
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: false);
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    /// <summary>SIGTERM, as a service manager stops it; SIGKILL after 20 s.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        _process?.Dispose();
        _process = null;
    }

    /// <summary>A client for this server with <paramref name="key"/> (default: the first key) as <c>Authorization: Token</c>.</summary>
    public HttpClient CreateClient(string? key = null)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(120) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Token", key ?? ApiKey);
        return client;
    }

    public async ValueTask DisposeAsync() => await StopAsync();

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
