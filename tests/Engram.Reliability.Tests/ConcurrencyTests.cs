using Engram.Cli.Chaos;
using Xunit.Abstractions;

namespace Engram.Reliability.Tests;

/// <summary>Guarantee 2: 64 clients × 200 mixed operations over REST — no 5xx, no "database is locked", exact final state.</summary>
public sealed class ConcurrencyTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task SixtyFourClients_MixedOperations_NoServerErrorsNoLocksAndTheModelHolds()
    {
        var report = await ConcurrencyScenario.RunAsync(_temp.Combine("data"), clients: 64, operationsPerClient: 200, seed: 7, output.WriteLine);

        output.WriteLine(System.Text.Json.JsonSerializer.Serialize(report));
        Assert.Equal(12_800, report.Operations);
        Assert.Equal(0, report.ServerErrors);
        Assert.Equal(0, report.DatabaseLocked);
        Assert.Equal(0, report.UnexpectedAnswers);
        Assert.Equal(0, report.StateMismatches);
    }
}
