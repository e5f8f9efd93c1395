using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Engram.Client.Tests;

/// <summary>
/// The real <c>engram serve</c> process (the built Engram.Cli.dll) on a free loopback port over a temporary data
/// directory, with a known first key (<c>ENGRAM_API_KEY</c>); stopped with the last test of the collection.
/// </summary>
public sealed partial class EngramServerProcess : IAsyncLifetime, IDisposable
{
    public const string ApiKey = "m0-client-tests-key-0123456789";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "engram-client-tests-" + Guid.NewGuid().ToString("N"));
    private readonly StringBuilder _output = new();
    private Process? _process;
    private ServiceProvider? _services;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Gets the client as an application gets it: <c>services.AddEngramClient(…)</c>.</summary>
    public EngramClient Client => _services!.GetRequiredService<EngramClient>();

    public IServiceProvider Services => _services!;

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

    public async Task InitializeAsync()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "Engram.Cli.dll"), "serve", "--urls", "http://127.0.0.1:0", "--data", _directory })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["ENGRAM_API_KEY"] = ApiKey;
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        var started = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Read(e.Data, started);
        _process.ErrorDataReceived += (_, e) => Read(e.Data, started);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(started.Task, exited, Task.Delay(TimeSpan.FromSeconds(60)));
        if (first != started.Task)
        {
            throw new InvalidOperationException($"engram serve did not start:\n{Output}");
        }

        BaseAddress = await started.Task;
        var services = new ServiceCollection();
        services.AddEngramClient(o =>
        {
            o.BaseAddress = BaseAddress;
            o.ApiKey = ApiKey;
            o.EventPollInterval = TimeSpan.FromMilliseconds(20);
            o.EventTimeout = TimeSpan.FromSeconds(30);
        });
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    /// <summary>A client with other options (another key), built the same way.</summary>
    public EngramClient CreateClient(string apiKey)
    {
        var services = new ServiceCollection();
        services.AddEngramClient(o =>
        {
            o.BaseAddress = BaseAddress;
            o.ApiKey = apiKey;
        });
        return services.BuildServiceProvider().GetRequiredService<EngramClient>();
    }

    public async Task DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        if (_process is { HasExited: false })
        {
            // SIGTERM (what a service manager sends) stops the server cleanly; Kill() is the fallback.
            if (OperatingSystem.IsWindows())
            {
                _process.Kill(entireProcessTree: true);
            }
            else
            {
                using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
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

        Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    public void Dispose() => _process?.Dispose();

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

[CollectionDefinition(Name)]
public sealed class SharedServer : ICollectionFixture<EngramServerProcess>
{
    public const string Name = "engram serve";
}
