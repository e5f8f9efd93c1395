namespace Engram.Reliability.Tests;

/// <summary><c>engram chaos</c>: the scenarios from the command line, with <c>--output json</c> and usage errors.</summary>
public sealed class ChaosCommandTests
{
    [Fact]
    public async Task ChaosConcurrency_SmallRound_PrintsPassingJsonReport()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = await Engram.Cli.EngramCli.RunAsync(["chaos", "concurrency", "--clients", "4", "--operations", "25", "--rounds", "2", "--seed", "5", "-o", "json"], stdout, stderr);

        Assert.True(exit == 0, stderr.ToString());
        var report = JsonNode.Parse(stdout.ToString())!;
        Assert.Equal(2, report["rounds"]!.GetValue<int>());
        Assert.Equal(0, report["failed"]!.GetValue<int>());
        Assert.All(report["reports"]!.AsArray(), r =>
        {
            Assert.Equal(100, r!["operations"]!.GetValue<int>());
            Assert.True(r["passed"]!.GetValue<bool>());
        });
        Assert.Contains("round 2/2 (seed 6)", stderr.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("crash", "--kills", "-1")]
    [InlineData("concurrency", "--clients", "0")]
    public async Task Chaos_OutOfRangeOption_IsAUsageError(string scenario, string option, string value)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = await Engram.Cli.EngramCli.RunAsync(["chaos", scenario, option, value], stdout, stderr);

        Assert.Equal(2, exit);
        Assert.Contains(option, stderr.ToString(), StringComparison.Ordinal);
    }
}
