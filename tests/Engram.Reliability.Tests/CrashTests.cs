using Engram.Cli.Chaos;
using Xunit.Abstractions;

namespace Engram.Reliability.Tests;

/// <summary>Guarantee 1: SIGKILL at random moments loses no acknowledged add and duplicates none.</summary>
public sealed class CrashTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task AsyncAdds_KilledAtFiveRandomPoints_EveryAcknowledgedAddPresentExactlyOnce()
    {
        var report = await CrashScenario.RunAsync(_temp.Combine("data"), adds: 5000, kills: 5, concurrency: 8, seed: 20261121, output.WriteLine);

        output.WriteLine(System.Text.Json.JsonSerializer.Serialize(report));
        Assert.True(report.Kills >= 5, $"{report.Kills} kills");
        Assert.Equal(5000, report.Acknowledged);
        Assert.Equal(report.Acknowledged, report.PresentExactlyOnce);
        Assert.Equal(0, report.Missing);
        Assert.Equal(0, report.Duplicated);
        Assert.Equal(0, report.EventsUnfinished);
        Assert.Equal("ok", report.IntegrityCheck);
    }
}
