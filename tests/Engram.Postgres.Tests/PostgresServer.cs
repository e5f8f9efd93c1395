using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Engram.Postgres.Tests;

/// <summary>
/// A real PostgreSQL 15 server from the installed binaries (<c>/usr/lib/postgresql/15/bin</c>, or
/// <c>ENGRAM_PG_BIN</c>): <c>initdb</c> into a temporary directory, started on a free loopback port, stopped and
/// deleted at the end. Running as root, the server runs as the unprivileged <c>postgres</c> user (initdb refuses root).
/// A missing installation fails the tests with the install command; it never skips them.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "engram-pg-" + Guid.NewGuid().ToString("N"));
    private string _bin = string.Empty;
    private bool _asPostgresUser;
    private int _port;

    /// <summary>Gets the connection string of the <c>postgres</c> database (superuser <c>engram</c>, trust auth).</summary>
    public string ConnectionString { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        _bin = Environment.GetEnvironmentVariable("ENGRAM_PG_BIN") ?? "/usr/lib/postgresql/15/bin";
        if (!File.Exists(Path.Combine(_bin, "initdb")))
        {
            throw new InvalidOperationException(
                $"PostgreSQL 15 is not installed ({_bin}/initdb is missing): run scripts/deps/postgres.sh (apt-get install postgresql) or set ENGRAM_PG_BIN.");
        }

        _asPostgresUser = Environment.UserName == "root";
        Directory.CreateDirectory(_directory);
        if (_asPostgresUser)
        {
            await RunAsync("chown", ["postgres:postgres", _directory]);
        }

        var data = Path.Combine(_directory, "data");
        await RunPgAsync("initdb", ["-D", data, "-U", "engram", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
        _port = FreePort();
        var options = string.Create(CultureInfo.InvariantCulture, $"-p {_port} -k {_directory} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200");
        await RunPgAsync("pg_ctl", ["-D", data, "-o", options, "-l", Path.Combine(_directory, "server.log"), "-w", "-t", "60", "start"]);
        ConnectionString = string.Create(CultureInfo.InvariantCulture, $"Host=127.0.0.1;Port={_port};Username=engram;Database=postgres;Pooling=true;Maximum Pool Size=20");
    }

    /// <summary>Creates a fresh database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "engram_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name};", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_port != 0)
        {
            await RunPgAsync("pg_ctl", ["-D", Path.Combine(_directory, "data"), "-m", "immediate", "-w", "stop"]);
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    private Task RunPgAsync(string tool, IReadOnlyList<string> arguments) =>
        _asPostgresUser
            ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin, tool), .. arguments])
            : RunAsync(Path.Combine(_bin, tool), arguments);

    private static async Task RunAsync(string file, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Path.GetTempPath() };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await output}{await error}");
        }
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
