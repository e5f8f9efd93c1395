namespace Engram.Cli.Tests;

/// <summary>A temporary directory deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "engram-cli-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>The outcome of an in-process CLI run.</summary>
internal sealed record CliRun(int ExitCode, string Stdout, string Stderr)
{
    public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>Runs the CLI in-process.</summary>
internal static class Cli
{
    public static async Task<CliRun> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exitCode = await EngramCli.RunAsync(args, stdout, stderr);
        return new CliRun(exitCode, stdout.ToString(), stderr.ToString());
    }
}

/// <summary>Paths of the repository and the shared data.</summary>
internal static class RepoPaths
{
    /// <summary>Gets the repository root: the first directory above the test assembly holding Engram.slnx.</summary>
    public static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Engram.slnx")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("Engram.slnx not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>Gets the LoCoMo development file (../shared/data/locomo/locomo-dev.json next to the repository).</summary>
    public static string LocomoDev => Path.GetFullPath(Path.Combine(Root, "..", "shared", "data", "locomo", "locomo-dev.json"));

    /// <summary>Gets the LoCoMo audit corrections of the development split.</summary>
    public static string LocomoAuditDev => Path.GetFullPath(Path.Combine(Root, "..", "shared", "data", "locomo", "locomo-audit-errors-dev.json"));
}
