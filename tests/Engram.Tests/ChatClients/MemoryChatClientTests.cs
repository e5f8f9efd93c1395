using Engram.Tests.Testing;
using Microsoft.Extensions.AI;

namespace Engram.Tests.ChatClients;

public sealed class MemoryChatClientTests : IDisposable
{
    private static readonly ChatOptions AnaOptions = new() { AdditionalProperties = new() { [MemoryChatClientOptions.UserIdKey] = "ana" } };
    private readonly EngineFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public async Task GetResponseAsync_InjectsRelevantMemoriesAfterTheCallersSystemMessages()
    {
        await _fixture.AddRawAsync("Ana is vegetarian and loves spicy food", "ana");
        await _fixture.AddRawAsync("Ana's bike is red", "ana");
        var inner = new ScriptedChatClient("Try a spicy lentil curry.");
        await using var client = inner.UseEngramMemory(_fixture.Engine, o => o.StoreExchanges = false);

        await client.GetResponseAsync([new ChatMessage(ChatRole.System, "You are a cook."), new ChatMessage(ChatRole.User, "What vegetarian food should I cook?")], AnaOptions);

        var seen = Assert.Single(inner.Calls);
        Assert.Equal(ChatRole.System, seen[0].Role);
        Assert.Equal("You are a cook.", seen[0].Text);
        Assert.Equal(ChatRole.System, seen[1].Role);
        Assert.Contains("Ana is vegetarian", seen[1].Text, StringComparison.Ordinal);
        Assert.Equal(ChatRole.User, seen[2].Role);
    }

    [Fact]
    public async Task GetResponseAsync_StoresTheExchangeInTheBackground()
    {
        var inner = new ScriptedChatClient("Noted, you live in Porto.");
        await using var client = inner.UseEngramMemory(_fixture.Engine, o => o.Infer = false);

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "I live in Porto now")], AnaOptions);
        await client.FlushAsync();

        Assert.Equal("Noted, you live in Porto.", response.Text);
        var stored = await _fixture.Engine.ListAsync(new ListMemoriesRequest { Scope = MemoryScope.ForUser("ana") });
        Assert.Equal(["I live in Porto now", "Noted, you live in Porto."], stored.Items.Select(i => i.Memory).OrderBy(m => m, StringComparer.Ordinal));
    }

    [Fact]
    public async Task GetResponseAsync_RespectsTheTokenBudget()
    {
        for (var i = 0; i < 20; i++)
        {
            await _fixture.AddRawAsync($"Ana visited museum number {i} in the old town of Lisbon last spring and loved it", "ana");
        }

        var inner = new ScriptedChatClient("ok");
        await using var client = inner.UseEngramMemory(_fixture.Engine, o =>
        {
            o.StoreExchanges = false;
            o.MaxMemoryTokens = 50;
            o.TopK = 20;
            o.Threshold = 0;
        });

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Which museum in Lisbon did Ana visit?")], AnaOptions);

        var memoryMessage = inner.Calls[0][0];
        var injected = memoryMessage.Text[new MemoryChatClientOptions().Preamble.Length..];
        Assert.True(injected.Length <= 50 * 4, $"{injected.Length} characters injected");
        Assert.Contains("museum", injected, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_WithoutScope_PassesThroughAndStoresNothing()
    {
        await _fixture.AddRawAsync("Ana is vegetarian", "ana");
        var inner = new ScriptedChatClient("hello");
        await using var client = inner.UseEngramMemory(_fixture.Engine);

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "vegetarian?")]);
        await client.FlushAsync();

        Assert.Single(Assert.Single(inner.Calls));
        Assert.Equal(1, (await _fixture.Engine.ListAsync(new ListMemoriesRequest { Scope = MemoryScope.ForUser("ana") })).TotalCount);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_StreamsAndStoresTheWholeReply()
    {
        var inner = new ScriptedChatClient("Your sister is called Rita.");
        await using var client = inner.UseEngramMemory(_fixture.Engine, o =>
        {
            o.Infer = false;
            o.DefaultScope = MemoryScope.ForUser("ana");
        });

        var text = string.Concat(await client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "My sister is Rita")]).Select(u => u.Text).ToListAsync());
        await client.FlushAsync();

        Assert.Equal("Your sister is called Rita. ", text);
        var stored = await _fixture.Engine.ListAsync(new ListMemoriesRequest { Scope = MemoryScope.ForUser("ana") });
        Assert.Contains(stored.Items, i => i.Memory == "Your sister is called Rita. ");
    }
}
