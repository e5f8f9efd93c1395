using System.Text.Json;
using Engram.Cli.Tests.Locomo;

namespace Engram.Cli.Tests.Commands;

public sealed class LocomoCommandsTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task ImportLocomo_Json_StreamsOneLinePerTurnThenSummary()
    {
        var file = _temp.Combine("fixture.json");
        await File.WriteAllTextAsync(file, LocomoFixture.Json);
        var data = _temp.Combine("data");

        var run = await Cli.RunAsync("import", "locomo", file, "--sample", "conv-x", "--output", "json", "--data", data);

        Assert.True(run.ExitCode == 0, run.Stderr);
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5, lines.Length);
        var acks = lines[..4].Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["D1:1", "D1:2", "D2:1", "D2:2"], acks.Select(a => a.GetProperty("dia_id").GetString()));
        Assert.All(acks, a => Assert.Equal("conv-x", a.GetProperty("sample_id").GetString()));
        Assert.All(acks, a => Assert.Single(a.GetProperty("ids").EnumerateArray()));
        using var summary = JsonDocument.Parse(lines[4]);
        Assert.Equal(4, summary.RootElement.GetProperty("turns").GetInt32());
        Assert.Equal("raw", summary.RootElement.GetProperty("mode").GetString());

        var firstId = acks[0].GetProperty("ids")[0].GetString()!;
        var get = await Cli.RunAsync("get", firstId, "--data", data, "--output", "json");
        using var memory = JsonDocument.Parse(get.Stdout);
        Assert.Equal("conv-x", memory.RootElement.GetProperty("user_id").GetString());
        Assert.Equal("D1:1", memory.RootElement.GetProperty("metadata").GetProperty("dia_id").GetString());
        Assert.Equal("Alice", memory.RootElement.GetProperty("actor_id").GetString());
        Assert.StartsWith("2023-05-08T13:56:00", memory.RootElement.GetProperty("observed_at").GetString(), StringComparison.Ordinal);

        var photo = acks[3].GetProperty("ids")[0].GetString()!;
        var photoRun = await Cli.RunAsync("get", photo, "--data", data, "--output", "json");
        using var photoMemory = JsonDocument.Parse(photoRun.Stdout);
        Assert.Contains("[shared a photo: a photo of a lake at sunrise]", photoMemory.RootElement.GetProperty("memory").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvalLocomo_Fixture_WritesBothModesAndLeavesNoTempData()
    {
        var file = _temp.Combine("fixture.json");
        await File.WriteAllTextAsync(file, LocomoFixture.Json);
        var before = Directory.GetDirectories(Path.GetTempPath(), "engram-eval-*").ToHashSet();

        var run = await Cli.RunAsync("eval", "locomo", file, "--output", "json");

        Assert.True(run.ExitCode == 0, run.Stderr);
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.Equal(["raw", "extracted"], json.RootElement.EnumerateArray().Select(e => e.GetProperty("mode").GetString()));
        Assert.All(json.RootElement.EnumerateArray(), e => Assert.Equal(2, e.GetProperty("questions").GetInt32()));
        Assert.Subset(before, Directory.GetDirectories(Path.GetTempPath(), "engram-eval-*").ToHashSet());
    }

    [Fact]
    public async Task EvalLocomo_Dump_WritesOneLinePerQuestionWithItsRetrievedTurns()
    {
        var file = _temp.Combine("fixture.json");
        await File.WriteAllTextAsync(file, LocomoFixture.Json);
        var dump = _temp.Combine("questions.jsonl");

        var run = await Cli.RunAsync("eval", "locomo", file, "--mode", "raw", "--output", "json", "--dump", dump);

        Assert.True(run.ExitCode == 0, run.Stderr);
        var lines = (await File.ReadAllLinesAsync(dump)).Select(l => JsonDocument.Parse(l)).ToList();
        Assert.Equal(2, lines.Count);
        using var report = JsonDocument.Parse(run.Stdout);
        var recall10 = report.RootElement.GetProperty("recall").GetProperty("10").GetProperty("overall").GetDouble();
        Assert.Equal(recall10, lines.Average(l => l.RootElement.GetProperty("recall_at_10").GetDouble()), 3);
        Assert.All(lines, l =>
        {
            Assert.Equal("raw", l.RootElement.GetProperty("mode").GetString());
            Assert.NotEmpty(l.RootElement.GetProperty("evidence").EnumerateArray());
            Assert.StartsWith("D", l.RootElement.GetProperty("retrieved")[0].GetString(), StringComparison.Ordinal);
            l.Dispose();
        });
    }

    [Fact]
    public async Task EvalLocomo_TableOutput_PrintsReadableTables()
    {
        var file = _temp.Combine("fixture.json");
        await File.WriteAllTextAsync(file, LocomoFixture.Json);

        var run = await Cli.RunAsync("eval", "locomo", file, "--mode", "raw");

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("recall@10", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("search ms p95", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', run.Stdout);
    }

    [Theory]
    [InlineData("import")]
    [InlineData("eval")]
    public async Task Locomo_MissingFile_ReturnsFour(string command)
    {
        var data = _temp.Combine("data");

        var run = await Cli.RunAsync(command, "locomo", _temp.Combine("missing.json"), "--data", data);

        Assert.Equal(ExitCodes.DataError, run.ExitCode);
        Assert.Equal($"error: LoCoMo file '{_temp.Combine("missing.json")}' not found.", Assert.Single(run.StderrLines));
        Assert.Empty(run.Stdout);
        Assert.False(File.Exists(Path.Combine(data, "engram.db")));
    }

    [Fact]
    public async Task ImportLocomo_CorruptFile_ReturnsFour()
    {
        var file = _temp.Combine("corrupt.json");
        await File.WriteAllTextAsync(file, "[{\"sample_id\": ");

        var run = await Cli.RunAsync("import", "locomo", file, "--data", _temp.Combine("data"));

        Assert.Equal(ExitCodes.DataError, run.ExitCode);
        Assert.StartsWith("error: LoCoMo file", Assert.Single(run.StderrLines), StringComparison.Ordinal);
        Assert.Empty(run.Stdout);
    }

    [Fact]
    public async Task ImportLocomo_UnknownSample_ReturnsTwo()
    {
        var file = _temp.Combine("fixture.json");
        await File.WriteAllTextAsync(file, LocomoFixture.Json);

        var run = await Cli.RunAsync("import", "locomo", file, "--sample", "conv-404", "--data", _temp.Combine("data"));

        Assert.Equal(ExitCodes.InvalidInput, run.ExitCode);
        Assert.Contains("conv-404", Assert.Single(run.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvalLocomo_MissingCorrectionsFile_ReturnsFour()
    {
        var file = _temp.Combine("fixture.json");
        await File.WriteAllTextAsync(file, LocomoFixture.Json);

        var run = await Cli.RunAsync("eval", "locomo", file, "--corrections", _temp.Combine("nope.json"));

        Assert.Equal(ExitCodes.DataError, run.ExitCode);
        Assert.Single(run.StderrLines);
    }

    [Fact]
    public async Task EvalLocomo_Conv26Raw_BeatsTheBm25Floor()
    {
        var run = await Cli.RunAsync(
            "eval", "locomo", RepoPaths.LocomoDev, "--sample", "conv-26", "--mode", "raw",
            "--corrections", RepoPaths.LocomoAuditDev, "--output", "json");

        Assert.True(run.ExitCode == 0, run.Stderr);
        using var json = JsonDocument.Parse(run.Stdout);
        var report = json.RootElement;
        Assert.Equal("raw", report.GetProperty("mode").GetString());
        Assert.Equal(150, report.GetProperty("questions").GetInt32());
        var recall10 = report.GetProperty("recall").GetProperty("10").GetProperty("overall").GetDouble();
        Assert.True(recall10 > 0.609, $"recall@10 = {recall10:F3}, below the BM25 floor of 0.609");
        Assert.True(report.GetProperty("recall").GetProperty("50").GetProperty("overall").GetDouble() >= recall10);
        Assert.True(report.GetProperty("audited").GetProperty("questions").GetInt32() > 0);
        Assert.True(report.GetProperty("full_tokens").GetDouble() > 10_000);
    }
}
