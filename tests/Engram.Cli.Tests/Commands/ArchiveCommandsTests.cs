using System.Text.Json;

namespace Engram.Cli.Tests.Commands;

/// <summary><c>engram export FILE</c> and <c>engram import FILE</c>: a round trip between two data directories.</summary>
public sealed class ArchiveCommandsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task ExportThenImportIntoAnotherDataDirectory_GivesTheSameSearch()
    {
        var source = _dir.Combine("source");
        var target = _dir.Combine("target");
        var file = _dir.Combine("export.jsonl");
        Assert.Equal(0, (await Cli.RunAsync("add", "Grace studies volcanoes", "--user", "grace", "--no-infer", "--data", source)).ExitCode);
        Assert.Equal(0, (await Cli.RunAsync("add", "Grace lives near Naples", "--user", "grace", "--no-infer", "--data", source)).ExitCode);

        var exported = await Cli.RunAsync("export", file, "--data", source, "--output", "json");
        var imported = await Cli.RunAsync("import", file, "--data", target);

        Assert.Equal(0, exported.ExitCode);
        using (var summary = JsonDocument.Parse(exported.Stdout))
        {
            Assert.Equal(2, summary.RootElement.GetProperty("memories").GetInt32());
            Assert.Equal(2, summary.RootElement.GetProperty("history").GetInt32());
        }

        Assert.Equal(0, imported.ExitCode);
        Assert.StartsWith("Imported 2 memories, 2 history entries, 2 messages and 0 relations", imported.Stdout, StringComparison.Ordinal);
        var before = await Cli.RunAsync("search", "volcano", "--user", "grace", "--output", "json", "--data", source);
        var after = await Cli.RunAsync("search", "volcano", "--user", "grace", "--output", "json", "--data", target);
        Assert.Equal(before.Stdout, after.Stdout);
        Assert.StartsWith("{\"format\":\"engram.memories\",\"version\":1", await File.ReadAllTextAsync(file), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_WithoutFileOrOfAMissingFile_IsAUsageError()
    {
        var none = await Cli.RunAsync("import", "--data", _dir.Path);
        var missing = await Cli.RunAsync("import", _dir.Combine("nope.jsonl"), "--data", _dir.Path);

        Assert.Equal(ExitCodes.InvalidInput, none.ExitCode);
        Assert.Equal(ExitCodes.InvalidInput, missing.ExitCode);
        Assert.Contains("does not exist", missing.Stderr, StringComparison.Ordinal);
    }
}
