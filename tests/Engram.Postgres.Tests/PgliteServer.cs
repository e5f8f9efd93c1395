using System.Diagnostics;
using System.Globalization;
using System.Text;
using Npgsql;

namespace Engram.Postgres.Tests;

/// <summary>
/// PGlite (PostgreSQL 17 in WebAssembly, with pgvector 0.8; npm <c>@electric-sql/pglite</c>) served over the wire
/// protocol by <c>pglite/server.mjs</c> on a free loopback port: the pgvector path. The script cuts the client's bytes
/// into whole protocol messages, so pipelined batches and large statements reach PGlite intact.
/// It serves one connection at a time and shares one session between clients, so clients use
/// <c>Maximum Pool Size=1;No Reset On Close=true;Search Path=public</c>. The npm packages are installed by
/// <c>scripts/test.sh</c> (<c>npm ci</c> in <c>tests/Engram.Postgres.Tests/pglite</c>); missing, the tests fail.
/// </summary>
public sealed class PgliteServer : IAsyncLifetime
{
    private readonly StringBuilder _output = new();
    private Process? _process;

    /// <summary>Gets the connection string (one pooled connection, SSL off).</summary>
    public string ConnectionString { get; private set; } = string.Empty;

    private string Output
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
        var script = FindServerScript();
        var port = PostgresServer.FreePort();
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { script, "--port", port.ToString(CultureInfo.InvariantCulture), "--host", "127.0.0.1" })
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        ConnectionString = string.Create(
            CultureInfo.InvariantCulture,
            $"Host=127.0.0.1;Port={port};Username=postgres;Password=postgres;Database=postgres;SSL Mode=Disable;Maximum Pool Size=1;No Reset On Close=true;Search Path=public;Timeout=60;Command Timeout=120");

        // Ready when a connection opens (PGlite loads its WebAssembly image first).
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString + ";Pooling=false");
                await connection.OpenAsync();
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
            {
                if (_process.HasExited || waited.Elapsed > TimeSpan.FromSeconds(90))
                {
                    throw new InvalidOperationException($"pglite/server.mjs did not start: {ex.Message}\n{Output}", ex);
                }

                await Task.Delay(250);
            }
        }
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private static string FindServerScript()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var folder = Path.Combine(directory.FullName, "tests", "Engram.Postgres.Tests", "pglite");
            if (File.Exists(Path.Combine(folder, "node_modules", "@electric-sql", "pglite", "package.json")))
            {
                return Path.Combine(folder, "server.mjs");
            }
        }

        throw new InvalidOperationException(
            "npm @electric-sql/pglite is not installed: run `npm ci` in tests/Engram.Postgres.Tests/pglite (scripts/test.sh does).");
    }
}
