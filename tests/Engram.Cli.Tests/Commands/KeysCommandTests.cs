using System.Text.Json;

namespace Engram.Cli.Tests.Commands;

/// <summary><c>engram keys create|list|revoke</c> over a data directory.</summary>
public sealed class KeysCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task CreateListRevoke_ShowsTheKeyOnceAndNeverInTheList()
    {
        var data = _temp.Combine("data");

        var created = await Cli.RunAsync("keys", "create", "--project", "proj-x", "--org", "org-x", "--name", "ci bot", "--data", data, "-o", "json");
        using var createdJson = JsonDocument.Parse(created.Stdout);
        var key = createdJson.RootElement.GetProperty("key").GetString()!;
        var id = createdJson.RootElement.GetProperty("id").GetString()!;
        var list = await Cli.RunAsync("keys", "list", "--data", data);
        var revoked = await Cli.RunAsync("keys", "revoke", id, "--data", data);
        var again = await Cli.RunAsync("keys", "revoke", id, "--data", data);
        var listJson = await Cli.RunAsync("keys", "list", "--data", data, "-o", "json");

        Assert.Equal(0, created.ExitCode);
        Assert.StartsWith("m0-", key, StringComparison.Ordinal);
        Assert.Equal("proj-x", createdJson.RootElement.GetProperty("project_id").GetString());
        Assert.Equal(0, list.ExitCode);
        Assert.Contains(id, list.Stdout, StringComparison.Ordinal);
        Assert.Contains("ci bot", list.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(key, list.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, revoked.ExitCode);
        Assert.Equal(3, again.ExitCode);
        Assert.Contains("no active API key", again.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(key, listJson.Stdout, StringComparison.Ordinal);
        using var listed = JsonDocument.Parse(listJson.Stdout);
        Assert.NotEqual(JsonValueKind.Null, listed.RootElement[0].GetProperty("revoked_at").ValueKind);
    }

    [Fact]
    public async Task List_Empty_SaysHowToCreateOne()
    {
        var run = await Cli.RunAsync("keys", "list", "--data", _temp.Combine("empty"));

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("engram keys create", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_InvalidUrls_IsAUsageError()
    {
        var run = await Cli.RunAsync("serve", "--urls", " ", "--data", _temp.Combine("serve"));

        Assert.Equal(2, run.ExitCode);
    }
}
