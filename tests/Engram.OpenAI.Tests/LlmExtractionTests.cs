using Engram.Testing;
namespace Engram.OpenAI.Tests;

public sealed class LlmExtractionTests
{
    [Fact]
    public async Task AddAsync_WithLlm_StoresFactsWithSourcesAndUsage()
    {
        await using var fixture = await LlmEngineFixture.CreateAsync();
        var result = await fixture.AddAsync("I adopted a cat named Luna");

        var added = Assert.Single(result.Results);
        Assert.Equal("Ana said: I adopted a cat named Luna", added.Memory);
        Assert.NotNull(result.Usage);
        Assert.Equal(1, result.Usage.Calls);
        var item = await fixture.Memory.GetAsync(added.Id);
        Assert.Equal(result.MessageIds, item!.SourceMessageIds);
        Assert.Equal("user", item.AttributedTo);
    }

    [Fact]
    public async Task AddAsync_Prompt_CarriesObservationDateInstructionsCategoriesAndExistingMemories()
    {
        await using var fixture = await LlmEngineFixture.CreateAsync();
        await fixture.AddAsync("I work at Acme");
        var said = new DateTimeOffset(2023, 5, 8, 13, 56, 0, TimeSpan.Zero);
        fixture.Server.Script.Enqueue(prompt => ScriptedReply.Content("""
            {"facts":[{"text":"Ana went hiking on 7 May 2023.","attributed_to":"user","source_messages":["m1"],"related":[],"replaces":[],"categories":["hobbies","not-a-category"]}]}
            """));

        var result = await fixture.AddAsync("I went hiking yesterday", timestamp: said, instructions: "Only keep outdoor activities.");

        var prompt = fixture.Server.Prompts.Last();
        Assert.Contains("OBSERVATION DATE: Monday, 8 May 2023", prompt, StringComparison.Ordinal);
        Assert.Contains("Only keep outdoor activities.", prompt, StringComparison.Ordinal);
        Assert.Contains("- hobbies:", prompt, StringComparison.Ordinal);
        Assert.Contains("[0] Ana said: I work at Acme", prompt, StringComparison.Ordinal);
        Assert.Contains("[m1] Ana (user): I went hiking yesterday", prompt, StringComparison.Ordinal);

        var item = await fixture.Memory.GetAsync(Assert.Single(result.Results).Id);
        Assert.Equal("Ana went hiking on 7 May 2023.", item!.Memory);
        Assert.Equal(["hobbies"], item.Categories);
        Assert.Equal(said, item.ObservedAt);
    }

    [Fact]
    public async Task AddAsync_LlmReplacesExistingMemory_SupersedesIt()
    {
        await using var fixture = await LlmEngineFixture.CreateAsync();
        var oldId = Assert.Single((await fixture.AddAsync("I work at Acme")).Results).Id;
        fixture.Server.Script.Enqueue(_ => ScriptedReply.Content("""
            {"facts":[{"text":"Ana moved from Acme to Globex.","attributed_to":"user","source_messages":["m1"],"related":["0"],"replaces":["0", "7", "not-an-id"],"categories":[]}]}
            """));

        var result = await fixture.AddAsync("I moved to Globex");

        var added = Assert.Single(result.Results, e => e.Event == MemoryEventType.Add);
        Assert.Equal(oldId, Assert.Single(result.Results, e => e.Event == MemoryEventType.Supersede).Id);
        Assert.Equal(added.Id, (await fixture.Memory.GetAsync(oldId))!.SupersededBy);
        Assert.Equal(1, await fixture.CountAsync());
        Assert.Equal(2, await fixture.CountAsync(latestOnly: false));
        Assert.Equal(MemoryEventType.Supersede, (await fixture.Memory.GetHistoryAsync(oldId))[^1].Event);
    }

    public static TheoryData<string> Faults => new() { "hang", "500", "429", "malformed", "truncated" };

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task AddAsync_OneFaultThenAnswer_RetriesAndLosesNothing(string fault)
    {
        await using var fixture = await LlmEngineFixture.CreateAsync();
        fixture.Server.Script.Enqueue(prompt => fault switch
        {
            "hang" => ScriptedReply.Hang(),
            "500" => ScriptedReply.Status(500),
            "429" => ScriptedReply.Status(429),
            "malformed" => ScriptedReply.Content("I think the facts are: {facts: [oops"),
            _ => ScriptedReply.Content(ScriptedOpenAIServer.TruncateInsideFact(ScriptedOpenAIServer.DefaultFacts(prompt))),
        });

        var result = await fixture.AddAsync("I play the violin");

        Assert.Equal("Ana said: I play the violin", Assert.Single(result.Results).Memory);
        Assert.Equal(2, fixture.Server.Prompts.Count);
    }

    [Theory]
    [InlineData("500")]
    [InlineData("malformed")]
    public async Task AddAsync_EveryAttemptFails_ThrowsAndWritesNothing(string fault)
    {
        await using var fixture = await LlmEngineFixture.CreateAsync();
        for (var i = 0; i < 40; i++)
        {
            fixture.Server.Script.Enqueue(_ => fault == "500" ? ScriptedReply.Status(500) : ScriptedReply.Content("no json here"));
        }

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => fixture.AddAsync("I play the violin"));
        Assert.True(ex is MemoryExtractionException or System.ClientModel.ClientResultException, ex.GetType().Name);
        Assert.Equal(0, await fixture.CountAsync());
    }

    [Fact]
    public async Task AddAsync_ThirtyPercentFaults_EveryAddSucceedsAfterRetries()
    {
        await using var fixture = await LlmEngineFixture.CreateAsync(s => s["Engram:Llm:MaxRetries"] = "10");
        fixture.Server.FaultRate = 0.3;

        for (var i = 0; i < 40; i++)
        {
            var result = await fixture.AddAsync($"Fact number {i} is about item {i}");
            Assert.Single(result.Results);
        }

        Assert.Equal(40, await fixture.CountAsync());
        Assert.True(fixture.Server.FaultsInjected.Values.Sum() > 5);
    }
}

public sealed class ProceduralAndRerankTests
{
    [Fact]
    public async Task AddAsync_ProceduralMemory_StoresOneSummaryMarkedInMetadata()
    {
        await using var fixture = await LlmEngineFixture.CreateAsync();
        fixture.Server.Script.Enqueue(_ => ScriptedReply.Content("Objective: book a flight. Step 1: searched flights, found 3 options."));

        var result = await fixture.Memory.AddAsync(new AddMemoriesRequest
        {
            Messages = [MemoryMessage.User("Find me a flight to Porto"), MemoryMessage.Assistant("Searched flights: 3 options")],
            Scope = MemoryScope.ForAgent("travel-bot"),
            MemoryType = "procedural_memory",
        });

        var item = await fixture.Memory.GetAsync(Assert.Single(result.Results).Id);
        Assert.StartsWith("Objective: book a flight.", item!.Memory, StringComparison.Ordinal);
        Assert.Equal("procedural_memory", item.Metadata["memory_type"].GetString());
        Assert.Equal(2, item.SourceMessageIds.Count);
        Assert.Contains("procedural memory", fixture.Server.ChatBodies.Last(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LlmReranker_ScoresEachCandidateInOrder()
    {
        await using var server = await ScriptedOpenAIServer.StartAsync();
        server.Script.Enqueue(_ => ScriptedReply.Content("""{"scores":[2, 10, 15]}"""));
        using var client = new OpenAICompatibleChatClient(new LanguageModelOptions { Provider = "vllm", BaseUrl = server.BaseUrl, Model = "m" });
        var reranker = new LlmReranker(client);
        MemoryItem Item(string text) => new()
        {
            Id = text,
            Memory = text,
            Hash = "h",
            Scope = MemoryScope.ForUser("u"),
            CreatedAt = DateTimeOffset.UnixEpoch,
            UpdatedAt = DateTimeOffset.UnixEpoch,
            ObservedAt = DateTimeOffset.UnixEpoch,
        };

        var scores = await reranker.RerankAsync("where does Ana work", [Item("likes tea"), Item("works at Globex"), Item("odd")]);

        Assert.Equal([0.2, 1.0, 1.0], scores);
        Assert.Contains("MEMORY 1: works at Globex", server.Prompts.Last(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LlmReranker_WrongNumberOfScores_Throws()
    {
        await using var server = await ScriptedOpenAIServer.StartAsync();
        server.Script.Enqueue(_ => ScriptedReply.Content("""{"scores":[2]}"""));
        using var client = new OpenAICompatibleChatClient(new LanguageModelOptions { Provider = "vllm", BaseUrl = server.BaseUrl, Model = "m" });
        var item = new MemoryItem { Id = "a", Memory = "a", Hash = "h", Scope = MemoryScope.ForUser("u"), CreatedAt = default, UpdatedAt = default, ObservedAt = default };
        await Assert.ThrowsAsync<MemoryExtractionException>(() => new LlmReranker(client).RerankAsync("q", [item, item]));
    }
}

public sealed class RerankSearchTests
{
    [Fact]
    public async Task SearchAsync_WithRerank_ReordersByTheModelsGrades()
    {
        await using var fixture = await LlmEngineFixture.CreateAsync();
        foreach (var text in new[] { "Ana likes green tea", "Ana drinks tea every morning", "Ana's tea kettle is blue" })
        {
            await fixture.Memory.AddAsync(new AddMemoriesRequest { Messages = [MemoryMessage.User(text)], Scope = MemoryScope.ForUser("ana"), Infer = false });
        }

        var fused = await fixture.Memory.SearchAsync(new SearchMemoriesRequest { Query = "tea", Scope = MemoryScope.ForUser("ana") });
        Assert.All(fused.Results, h => Assert.Null(h.RerankScore));
        var last = fused.Results[^1].Item.Memory;
        fixture.Server.Script.Enqueue(prompt =>
        {
            var lines = prompt.Split('\n').Where(l => l.StartsWith("MEMORY ", StringComparison.Ordinal)).ToList();
            var scores = lines.Select(l => l.EndsWith(last, StringComparison.Ordinal) ? 10 : 1);
            return ScriptedReply.Content("{\"scores\":[" + string.Join(',', scores) + "]}");
        });

        var reranked = await fixture.Memory.SearchAsync(new SearchMemoriesRequest { Query = "tea", Scope = MemoryScope.ForUser("ana"), Rerank = true });

        Assert.Equal(last, reranked.Results[0].Item.Memory);
        Assert.Equal(1.0, reranked.Results[0].RerankScore);
        Assert.Equal(3, reranked.Results.Count);
    }

    [Fact]
    public async Task SearchAsync_RerankerFails_KeepsTheFusedOrder()
    {
        await using var fixture = await LlmEngineFixture.CreateAsync();
        foreach (var text in new[] { "Ana likes green tea", "Ana drinks tea every morning" })
        {
            await fixture.Memory.AddAsync(new AddMemoriesRequest { Messages = [MemoryMessage.User(text)], Scope = MemoryScope.ForUser("ana"), Infer = false });
        }

        var fused = await fixture.Memory.SearchAsync(new SearchMemoriesRequest { Query = "tea", Scope = MemoryScope.ForUser("ana") });
        fixture.Server.Script.Enqueue(_ => ScriptedReply.Content("not json"));

        var reranked = await fixture.Memory.SearchAsync(new SearchMemoriesRequest { Query = "tea", Scope = MemoryScope.ForUser("ana"), Rerank = true });

        Assert.Equal(fused.Results.Select(h => h.Item.Id), reranked.Results.Select(h => h.Item.Id));
        Assert.All(reranked.Results, h => Assert.Null(h.RerankScore));
    }
}

/// <summary>Reasoning models (Ollama, vLLM, LM Studio): the answer after a think block or beside reasoning_content is read; no answer is an error.</summary>
public sealed class ReasoningModelTests
{
    private const string Facts = """{"facts":[{"text":"Ana keeps bees on her roof.","attributed_to":"user","source_messages":["m1"],"related":[],"replaces":[],"categories":[]}]}""";

    public static TheoryData<string> Answers => new()
    {
        "<think>\nThe user keeps bees. A draft: {\"facts\": []}. No, one fact.\n</think>\n\n" + Facts,
        "The user keeps bees; maybe {\"facts\": []}?\n</think>\n" + Facts,
        "<THINK>short</THINK>```json\n" + Facts + "\n```",
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task AddAsync_AnswerAfterThinkBlock_IsRead(string answer)
    {
        await using var fixture = await LlmEngineFixture.CreateAsync();
        fixture.Server.Script.Enqueue(_ => ScriptedReply.Content(answer));

        var result = await fixture.AddAsync("I keep bees on my roof");

        Assert.Equal("Ana keeps bees on her roof.", Assert.Single(result.Results).Memory);
    }

    [Fact]
    public async Task AddAsync_ReasoningContentBesideTheAnswer_ReadsTheAnswer()
    {
        await using var fixture = await LlmEngineFixture.CreateAsync();
        fixture.Server.Script.Enqueue(_ => ScriptedReply.Reasoning("The user keeps bees; {\"facts\": []} would lose it.", Facts));

        var result = await fixture.AddAsync("I keep bees on my roof");

        Assert.Equal("Ana keeps bees on her roof.", Assert.Single(result.Results).Memory);
    }

    public static TheoryData<string, string> Unanswered => new()
    {
        { "think-only", "<think>The user keeps bees. {\"facts\": []}" },
        { "closed-think-only", "<think>The user keeps bees, {\"facts\": []}</think>" },
        { "reasoning-only", string.Empty },
    };

    [Theory]
    [MemberData(nameof(Unanswered))]
    public async Task AddAsync_ThinkOnlyOrEmptyAnswer_IsAClearErrorNotNothingToRemember(string kind, string content)
    {
        await using var fixture = await LlmEngineFixture.CreateAsync();
        for (var i = 0; i < 10; i++)
        {
            fixture.Server.Script.Enqueue(_ => kind == "reasoning-only" ? ScriptedReply.Reasoning("The user keeps bees.", content) : ScriptedReply.Content(content));
        }

        var ex = await Assert.ThrowsAsync<MemoryExtractionException>(() => fixture.AddAsync("I keep bees on my roof"));

        Assert.Contains("answered nothing", ex.Message, StringComparison.Ordinal);
        Assert.Contains("reasoning", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, await fixture.CountAsync());
    }
}
