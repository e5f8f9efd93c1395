using System.Text.Json;

namespace Engram.Cli.Tests.Commands;

public sealed class MemoryCommandsTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Add_ThenSearch_FindsTheMemory()
    {
        var id = await AddAsync("I love green tea in the morning", "alice");

        var run = await RunAsync("search", "green tea", "--user", "alice", "--output", "json");

        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Stdout);
        var results = json.RootElement.GetProperty("results");
        Assert.Equal(id, results[0].GetProperty("id").GetString());
        Assert.Equal("I love green tea in the morning", results[0].GetProperty("memory").GetString());
        Assert.Equal("alice", results[0].GetProperty("user_id").GetString());
        Assert.InRange(results[0].GetProperty("score").GetDouble(), 0, 1);
    }

    [Fact]
    public async Task Search_Table_PrintsRankScoreMemoryAndIdWithoutAnsiCodes()
    {
        var id = await AddAsync("Alice plays the violin", "alice");

        var run = await RunAsync("search", "violin", "--user", "alice", "--explain");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Alice plays the violin", run.Stdout, StringComparison.Ordinal);
        Assert.Contains(id, run.Stdout, StringComparison.Ordinal);
        Assert.Contains("rank", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("signals", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', run.Stdout);
        Assert.Empty(run.Stderr);
    }

    [Fact]
    public async Task ListGetUpdateHistoryDelete_RoundTrip_Works()
    {
        var id = await AddAsync("I live in Paris", "alice", "--metadata", """{"topic":"home"}""", "--expires", "2099-01-01");

        var list = await RunJsonAsync("list", "--user", "alice");
        Assert.Equal(1, list.RootElement.GetProperty("total_count").GetInt64());
        Assert.Equal(id, list.RootElement.GetProperty("results")[0].GetProperty("id").GetString());

        var get = await RunJsonAsync("get", id);
        Assert.Equal("I live in Paris", get.RootElement.GetProperty("memory").GetString());
        Assert.Equal("home", get.RootElement.GetProperty("metadata").GetProperty("topic").GetString());
        Assert.Equal("2099-01-01", get.RootElement.GetProperty("expiration_date").GetString());

        var update = await RunJsonAsync("update", id, "--text", "I live in Lyon", "--clear-expiration");
        Assert.Equal("I live in Lyon", update.RootElement.GetProperty("memory").GetString());
        Assert.False(update.RootElement.TryGetProperty("expiration_date", out _));

        var history = await RunJsonAsync("history", id);
        var events = history.RootElement.EnumerateArray().Select(e => e.GetProperty("event").GetString()).ToList();
        Assert.Equal(["ADD", "UPDATE"], events);
        Assert.Equal("I live in Paris", history.RootElement[1].GetProperty("old_memory").GetString());
        Assert.Equal("I live in Lyon", history.RootElement[1].GetProperty("new_memory").GetString());

        var delete = await RunJsonAsync("delete", id);
        Assert.Equal(id, delete.RootElement.GetProperty("id").GetString());

        var gone = await RunAsync("get", id);
        Assert.Equal(ExitCodes.NotFound, gone.ExitCode);
        Assert.Equal($"error: Memory '{id}' not found.", Assert.Single(gone.StderrLines));
        Assert.Empty(gone.Stdout);
        Assert.Equal(0, await CountAsync("alice"));
    }

    [Fact]
    public async Task DeleteAll_Scope_DeletesOnlyThatScope()
    {
        await AddAsync("Bob likes jazz", "bob");
        await AddAsync("Bob likes chess", "bob");
        await AddAsync("Carol likes tennis", "carol");

        var run = await RunJsonAsync("delete", "--all", "--user", "bob");

        Assert.Equal(2, run.RootElement.GetProperty("deleted").GetInt32());
        Assert.Equal(0, await CountAsync("bob"));
        Assert.Equal(1, await CountAsync("carol"));
    }

    [Fact]
    public async Task TableOutput_ListGetHistory_AreReadable()
    {
        var id = await AddAsync("Dana drinks coffee", "dana");

        var list = await RunAsync("list", "--user", "dana");
        var get = await RunAsync("get", id);
        var history = await RunAsync("history", id);

        Assert.Contains("Dana drinks coffee", list.Stdout, StringComparison.Ordinal);
        Assert.Contains("1 memories", list.Stdout, StringComparison.Ordinal);
        Assert.Contains(id, get.Stdout, StringComparison.Ordinal);
        Assert.Contains("ADD", history.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("search", "   ", "--user", "alice")]
    [InlineData("search", "", "--user", "alice")]
    [InlineData("search", "tea")]
    [InlineData("search", "tea", "--user", "alice", "--filters", "{not json")]
    [InlineData("search", "tea", "--user", "alice", "--filters", """{"user_id":{"regex":"a.*"}}""")]
    [InlineData("search", "tea", "--user", "alice", "--top-k", "abc")]
    [InlineData("search", "tea", "--user", "alice", "--top-k", "0")]
    [InlineData("list")]
    [InlineData("list", "--user", "alice", "--filters", "[1,2]")]
    [InlineData("list", "--user", "alice", "--page", "0")]
    [InlineData("add", "I like tea")]
    [InlineData("add", "I like tea", "--user", "alice", "--metadata", "{broken")]
    [InlineData("add", "I like tea", "--user", "alice", "--metadata", "[1]")]
    [InlineData("add", "I like tea", "--user", "has space")]
    [InlineData("add", "   ", "--user", "alice")]
    [InlineData("add", "I like tea", "--user", "alice", "--timestamp", "soon")]
    [InlineData("delete")]
    [InlineData("delete", "--all")]
    [InlineData("delete", "some-id", "--all", "--user", "alice")]
    [InlineData("update", "some-id")]
    [InlineData("update", "some-id", "--expires", "2030-01-01", "--clear-expiration")]
    public async Task BadInput_ReturnsTwo_OneErrorLine_AndWritesNothing(params string[] args)
    {
        var run = await RunAsync(args);

        Assert.Equal(ExitCodes.InvalidInput, run.ExitCode);
        Assert.StartsWith("error: ", Assert.Single(run.StderrLines), StringComparison.Ordinal);
        Assert.Empty(run.Stdout);
        Assert.Equal(0, await CountAsync("alice"));
    }

    [Theory]
    [InlineData("get", "no-such-id")]
    [InlineData("delete", "no-such-id")]
    [InlineData("update", "no-such-id", "--text", "new text")]
    public async Task UnknownId_ReturnsThree(params string[] args)
    {
        var run = await RunAsync(args);

        Assert.Equal(ExitCodes.NotFound, run.ExitCode);
        Assert.StartsWith("error: ", Assert.Single(run.StderrLines), StringComparison.Ordinal);
        Assert.Empty(run.Stdout);
    }

    [Fact]
    public async Task CorruptDatabase_ReturnsFour_WithOneErrorLine()
    {
        var bytes = new byte[8192];
        new Random(42).NextBytes(bytes);
        await File.WriteAllBytesAsync(_data.Combine("engram.db"), bytes);

        var list = await RunAsync("list", "--user", "alice");
        var add = await RunAsync("add", "I like tea", "--user", "alice", "--no-infer");

        foreach (var run in new[] { list, add })
        {
            Assert.Equal(ExitCodes.DataError, run.ExitCode);
            Assert.StartsWith("error: ", Assert.Single(run.StderrLines), StringComparison.Ordinal);
            Assert.Empty(run.Stdout);
        }

        Assert.Equal(bytes, await File.ReadAllBytesAsync(_data.Combine("engram.db")));
    }

    [Fact]
    public async Task History_UnknownId_IsEmpty()
    {
        var run = await RunJsonAsync("history", "no-such-id");

        Assert.Equal(JsonValueKind.Array, run.RootElement.ValueKind);
        Assert.Empty(run.RootElement.EnumerateArray());
    }

    private Task<CliRun> RunAsync(params string[] args) => Cli.RunAsync([.. args, "--data", _data.Path]);

    private async Task<JsonDocument> RunJsonAsync(params string[] args)
    {
        var run = await RunAsync([.. args, "--output", "json"]);
        Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}: {run.Stderr}");
        return JsonDocument.Parse(run.Stdout);
    }

    private async Task<string> AddAsync(string text, string user, params string[] options)
    {
        using var json = await RunJsonAsync(["add", text, "--user", user, "--no-infer", .. options]);
        var result = Assert.Single(json.RootElement.GetProperty("results").EnumerateArray());
        Assert.Equal("ADD", result.GetProperty("event").GetString());
        return result.GetProperty("id").GetString()!;
    }

    private async Task<long> CountAsync(string user)
    {
        using var json = await RunJsonAsync("list", "--user", user);
        return json.RootElement.GetProperty("total_count").GetInt64();
    }
}
