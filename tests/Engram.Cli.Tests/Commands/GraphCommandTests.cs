using System.Text.Json;

namespace Engram.Cli.Tests.Commands;

/// <summary><c>engram graph ENTITY</c>: an entity's one-hop neighbourhood, read through <see cref="IMemory.GetRelationsAsync"/>.</summary>
public sealed class GraphCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Graph_PrintsTheEntitysRelations_WithInvalidatedOnesOnlyWithAll()
    {
        foreach (var text in (string[])["I live in Lisbon.", "I live in Porto."])
        {
            Assert.Equal(0, (await Cli.RunAsync("add", text, "--user", "hana", "--no-infer", "--data", _dir.Path, "--set", "Engram:EnableGraph=true")).ExitCode);
        }

        var valid = await Cli.RunAsync("graph", "Hana", "--data", _dir.Path);
        var all = await Cli.RunAsync("graph", "hana", "--all", "--user", "hana", "--output", "json", "--data", _dir.Path);
        var none = await Cli.RunAsync("graph", "nobody", "--data", _dir.Path);

        Assert.Equal(0, valid.ExitCode);
        Assert.StartsWith("hana —lives_in→ porto  [memory ", valid.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("lisbon", valid.Stdout, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(all.Stdout);
        Assert.Equal(["porto", "lisbon"], json.RootElement.EnumerateArray().Select(r => r.GetProperty("target").GetString()));
        Assert.NotEqual(JsonValueKind.Null, json.RootElement[1].GetProperty("invalidated_at").ValueKind);
        Assert.StartsWith("No relations for 'nobody'.", none.Stdout, StringComparison.Ordinal);
    }
}
