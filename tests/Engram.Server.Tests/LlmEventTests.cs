using Engram.Testing;

namespace Engram.Server.Tests;

/// <summary>A server whose language model and embedder are the scripted OpenAI-compatible test server.</summary>
public sealed class LlmServerFixture : IAsyncLifetime
{
    public ScriptedOpenAIServer Model { get; private set; } = null!;

    public LlmServerFactory Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Model = await ScriptedOpenAIServer.StartAsync();
        Server = new LlmServerFactory(new()
        {
            ["Engram:Llm:Provider"] = "vllm",
            ["Engram:Llm:BaseUrl"] = Model.BaseUrl.ToString(),
            ["Engram:Llm:Model"] = "scripted-chat",
            ["Engram:Llm:TimeoutSeconds"] = "1",
            ["Engram:Llm:RetryDelayMilliseconds"] = "1",
            ["Engram:Llm:MaxRetries"] = "10",
            ["Engram:Embedder:Provider"] = "vllm",
            ["Engram:Embedder:BaseUrl"] = Model.BaseUrl.ToString(),
            ["Engram:Embedder:Model"] = "scripted-embed",
            ["Engram:Server:RateLimitPermits"] = "0",
        });
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await Model.DisposeAsync();
    }
}

public sealed class LlmServerFactory(Dictionary<string, string?> settings) : EngramServerFactory(settings);

public sealed class LlmEventTests(LlmServerFixture fixture) : IClassFixture<LlmServerFixture>
{
    private static async Task<JsonNode> WaitForEventAsync(HttpClient client, string eventId, TimeSpan timeout)
    {
        var deadline = TimeProvider.System.GetUtcNow() + timeout;
        while (true)
        {
            var evt = await (await client.GetAsync($"/v1/event/{eventId}/")).JsonAsync();
            var status = evt["status"]!.GetValue<string>();
            if (status is "SUCCEEDED" or "FAILED" || TimeProvider.System.GetUtcNow() > deadline)
            {
                return evt;
            }

            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task AsyncAdds_WithThirtyPercentModelFaults_AllSucceedAndNothingIsLost()
    {
        fixture.Model.FaultRate = 0.3;
        var client = fixture.Server.CreateAuthorizedClient();
        var eventIds = new List<string>();
        for (var i = 0; i < 200; i++)
        {
            var queued = await (await client.PostJsonAsync("/v3/memories/add/", $$"""
                {"messages":[{"role":"user","content":"Fact number {{i}}: item {{i}} is stored in box {{i}}","name":"Ana"}],"user_id":"faults"}
                """)).JsonAsync();
            Assert.Equal("PENDING", queued["status"]!.GetValue<string>());
            eventIds.Add(queued["event_id"]!.GetValue<string>());
        }

        var events = new List<JsonNode>();
        foreach (var id in eventIds)
        {
            events.Add(await WaitForEventAsync(client, id, TimeSpan.FromMinutes(3)));
        }

        fixture.Model.FaultRate = 0;
        Assert.All(events, e => Assert.Equal("SUCCEEDED", e["status"]!.GetValue<string>()));
        Assert.All(events, e => Assert.True(e["usage"]!["calls"]!.GetValue<int>() >= 1));
        Assert.True(fixture.Model.FaultsInjected.Values.Sum() >= 20, $"{fixture.Model.FaultsInjected.Values.Sum()} faults injected");

        var list = await (await client.PostJsonAsync("/v3/memories/?page_size=1", """{"filters":{"user_id":"faults"}}""")).JsonAsync();
        Assert.Equal(200, list["count"]!.GetValue<int>());
    }

    [Fact]
    public async Task FailedEvent_IsRetriedOverRestAndSucceeds()
    {
        fixture.Model.FaultRate = 0;
        var client = fixture.Server.CreateAuthorizedClient();
        for (var i = 0; i < 11; i++)
        {
            fixture.Model.Script.Enqueue(_ => ScriptedReply.Status(500));
        }

        var queued = await (await client.PostJsonAsync("/v3/memories/add/", """
            {"messages":[{"role":"user","content":"I keep bees on my roof","name":"Ana"}],"user_id":"retry-user"}
            """)).JsonAsync();
        var eventId = queued["event_id"]!.GetValue<string>();
        var failed = await WaitForEventAsync(client, eventId, TimeSpan.FromMinutes(1));
        Assert.Equal("FAILED", failed["status"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(failed["error"]?.GetValue<string>()));
        Assert.DoesNotContain("Exception", failed["error"]!.GetValue<string>(), StringComparison.Ordinal);

        var retried = await (await client.PostAsync($"/v1/event/{eventId}/retry/", null)).JsonAsync(HttpStatusCode.Accepted);
        Assert.Equal(eventId, retried["event_ids"]![0]!.GetValue<string>());
        var succeeded = await WaitForEventAsync(client, eventId, TimeSpan.FromMinutes(1));
        Assert.Equal("SUCCEEDED", succeeded["status"]!.GetValue<string>());
        Assert.Contains("bees", succeeded["results"]![0]!["data"]!["memory"]!.GetValue<string>(), StringComparison.Ordinal);

        await (await client.PostAsync($"/v1/event/{eventId}/retry/", null)).ErrorAsync(HttpStatusCode.Conflict);
        await (await client.PostAsync("/v1/event/00000000-0000-7000-8000-000000000000/retry/", null)).ErrorAsync(HttpStatusCode.NotFound);
        var none = await (await client.PostAsync("/v1/events/retry/", null)).JsonAsync(HttpStatusCode.Accepted);
        Assert.Empty(none["event_ids"]!.AsArray());
    }
}

/// <summary>
/// Mem0's add instructions (<c>includes</c>, <c>excludes</c>, <c>agent_custom_instructions</c>) reach the extraction prompt;
/// <c>delete_linked</c> erases the chain of memories a memory superseded.
/// </summary>
public sealed class LlmCompatibilityTests(LlmServerFixture fixture) : IClassFixture<LlmServerFixture>
{
    [Fact]
    public async Task DeleteLinked_ErasesTheChainOfSupersededMemoriesAndAnswersCascadeCount()
    {
        var client = fixture.Server.CreateAuthorizedClient();
        async Task<string> AddAsync(string text, string fact, bool replaces)
        {
            fixture.Model.Script.Enqueue(_ => ScriptedReply.Content($$"""
                {"facts":[{"text":"{{fact}}","attributed_to":"user","source_messages":["m1"],"related":[],"replaces":[{{(replaces ? "\"0\"" : string.Empty)}}],"categories":[]}]}
                """));
            var queued = await (await client.PostJsonAsync("/v3/memories/add/",
                $$"""{"messages":[{"role":"user","content":"{{text}}","name":"Ana"}],"user_id":"linked"}""")).JsonAsync();
            var finished = await client.WaitForEventAsync(queued["event_id"]!.GetValue<string>());
            return finished["results"]!.AsArray().Single(r => r!["event"]!.GetValue<string>() == "ADD")!["id"]!.GetValue<string>();
        }

        var acme = await AddAsync("I work at Acme", "Ana works at Acme.", replaces: false);
        var globex = await AddAsync("I moved to Globex", "Ana works at Globex.", replaces: true);
        var initech = await AddAsync("Now I work at Initech", "Ana works at Initech.", replaces: true);
        Assert.Equal(initech, (await (await client.GetAsync($"/v1/memories/{globex}/")).JsonAsync())["replaced_by"]!.GetValue<string>());
        Assert.Equal(globex, (await (await client.GetAsync($"/v1/memories/{acme}/")).JsonAsync())["replaced_by"]!.GetValue<string>());
        var jazz = await client.AddMemoryAsync("Ana likes jazz", "linked");

        var cascaded = await (await client.DeleteAsync($"/v1/memories/{initech}/?delete_linked=true")).JsonAsync();

        Assert.Equal(2, cascaded["cascade_count"]!.GetValue<int>());
        var left = await (await client.PostJsonAsync("/v3/memories/", """{"filters":{"user_id":"linked"},"latest_only":false}""")).JsonAsync();
        Assert.Equal(jazz, Assert.Single(left["results"]!.AsArray())!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Add_IncludesExcludesAndAgentInstructions_ReachTheExtractionPrompt()
    {
        var client = fixture.Server.CreateAuthorizedClient();
        var queued = await (await client.PostJsonAsync("/v3/memories/add/", """
            {"messages":[{"role":"user","content":"I love dim sum and my PIN is 4411","name":"Ana"}],"user_id":"instructed",
             "custom_instructions":"Write facts in English.","includes":"food preferences","excludes":["passwords","PINs"],
             "agent_custom_instructions":"Note the assistant's promises."}
            """)).JsonAsync();
        var finished = await client.WaitForEventAsync(queued["event_id"]!.GetValue<string>());
        Assert.Equal("SUCCEEDED", finished["status"]!.GetValue<string>());

        var prompt = Assert.Single(fixture.Model.Prompts, p => p.Contains("dim sum", StringComparison.Ordinal));
        Assert.Contains("Write facts in English.", prompt, StringComparison.Ordinal);
        Assert.Contains("Remember only these kinds of information: food preferences", prompt, StringComparison.Ordinal);
        Assert.Contains("Never remember these kinds of information: passwords; PINs", prompt, StringComparison.Ordinal);
        Assert.Contains("For facts about the assistant (the agent): Note the assistant's promises.", prompt, StringComparison.Ordinal);
    }
}
