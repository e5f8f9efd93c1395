using Engram.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Engram.OpenAI.Tests;

/// <summary>Graph relations extracted by a language model (the OpenAI wire protocol, scripted), with the rules as fallback.</summary>
public sealed class LlmRelationExtractionTests
{
    [Fact]
    public async Task Add_WithGraph_StoresTheModelsTriples_NormalisedWithSelfMappedToTheSpeaker()
    {
        await using var fixture = await LlmEngineFixture.CreateAsync();
        fixture.Server.Script.Enqueue(_ => ScriptedReply.Content("""
            {"relations":[
              {"memory":"m1","source":"I","relationship":"Lives In","destination":"Porto"},
              {"memory":"m1","source":"Ana","relationship":"works_at","destination":"Acme Corp."},
              {"memory":"m9","source":"Ana","relationship":"likes","destination":"invented memory id"},
              {"memory":"m1","source":"","relationship":"likes","destination":"nothing"}],
             "outdated":[]}
            """));

        var result = await AddAsync(fixture, "I moved to Porto and I work at Acme Corp.");

        Assert.Equal(
            ["ana lives_in porto", "ana works_at acme_corp"],
            result.AddedRelations.Select(r => $"{r.Source} {r.Relationship} {r.Destination}"));
        Assert.All(result.AddedRelations, r => Assert.Equal(result.Results[0].Id, r.MemoryId));
        var prompt = fixture.Server.Prompts.Last();
        Assert.Contains("(SELF: Ana) I moved to Porto and I work at Acme Corp.", prompt, StringComparison.Ordinal);
        Assert.Contains("KNOWN RELATIONS:\n(none)", prompt, StringComparison.Ordinal);
        Assert.Contains("\"memory_graph\"", fixture.Server.ChatBodies.Last(), StringComparison.Ordinal);
        Assert.Equal(1, result.Usage!.Calls);
    }

    [Fact]
    public async Task Add_ModelNamesOutdatedKnownRelations_TheyAreInvalidatedByTheNewMemory_AndKept()
    {
        await using var fixture = await LlmEngineFixture.CreateAsync();
        fixture.Server.Script.Enqueue(_ => ScriptedReply.Content("""{"relations":[{"memory":"m1","source":"Ana","relationship":"dates","destination":"Bruno"}],"outdated":[]}"""));
        var first = await AddAsync(fixture, "I am dating Bruno.");
        fixture.Server.Script.Enqueue(_ => ScriptedReply.Content("""
            {"relations":[{"memory":"m1","source":"Ana","relationship":"dates","destination":"Carla"}],
             "outdated":[{"relation":"r1","memory":"m1"},{"relation":"r7","memory":"m1"}]}
            """));

        var second = await AddAsync(fixture, "I broke up with Bruno and now I date Carla.");

        Assert.Contains("[r1] ana -> dates -> bruno", fixture.Server.Prompts.Last(), StringComparison.Ordinal);
        var invalidated = Assert.Single(second.InvalidatedRelations);
        Assert.Equal(first.Results[0].Id, invalidated.MemoryId);
        var engine = (MemoryEngine)fixture.Memory;
        var all = await engine.GetRelationsAsync("Ana", MemoryScope.ForUser("ana"), includeInvalidated: true);
        Assert.Equal(2, all.Count);
        var old = Assert.Single(all, r => r.Destination == "bruno");
        Assert.Equal(second.Results[0].Id, old.InvalidatedByMemoryId);
        Assert.NotNull(old.InvalidatedAt);
        Assert.Equal("carla", Assert.Single(await engine.GetRelationsAsync("ana")).Destination);
    }

    [Theory]
    [InlineData("garbled")]
    [InlineData("server error")]
    public async Task Add_ModelAnswerUnusable_KeepsTheMemory_UsesTheRules_AndLogsNoMemoryText(string failure)
    {
        await using var fixture = await LlmEngineFixture.CreateAsync(s => s["Engram:Llm:MaxRetries"] = "1");
        var logs = new LogCapture();
        var extractor = new LlmRelationExtractor(fixture.Provider.GetRequiredService<IChatClient>(), new LlmRelationExtractorOptions { MalformedAnswerRetries = 1 }, null, logs);
        for (var i = 0; i < 2; i++)
        {
            fixture.Server.Script.Enqueue(_ => failure == "garbled" ? ScriptedReply.Content("Here you go: relations are {oops") : ScriptedReply.Status(500));
        }

        var memory = new MemoryItem
        {
            Id = "m-1",
            Memory = "I live in Lisbon.",
            Hash = "h",
            Scope = MemoryScope.ForUser("ana"),
            ActorId = "Ana",
            CreatedAt = DateTimeOffset.UnixEpoch,
            UpdatedAt = DateTimeOffset.UnixEpoch,
            ObservedAt = DateTimeOffset.UnixEpoch,
        };
        var result = await extractor.ExtractAsync(new RelationExtractionRequest { Memories = [memory], Scope = memory.Scope });

        var relation = Assert.Single(result.Relations);
        Assert.Equal(("ana", "lives_in", "lisbon", "m-1"), (relation.Source, relation.Relationship, relation.Destination, relation.MemoryId));
        var warning = Assert.Single(logs.Messages);
        Assert.Contains("rule-based relations are used", warning, StringComparison.Ordinal);
        Assert.DoesNotContain("Lisbon", warning, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Add_ModelFails_TheMemoryIsStoredWithRuleRelations()
    {
        await using var fixture = await LlmEngineFixture.CreateAsync();
        for (var i = 0; i < 2; i++)
        {
            fixture.Server.Script.Enqueue(_ => ScriptedReply.Content("no JSON at all"));
        }

        var result = await AddAsync(fixture, "I live in Lisbon.");

        Assert.Single(result.Results);
        Assert.Equal("lisbon", Assert.Single(result.AddedRelations).Destination);
        Assert.Equal(2, result.Usage!.Calls);
    }

    [Fact]
    public async Task WithoutRetries_AGarbledAnswerIsNotAskedForAgain()
    {
        await using var fixture = await LlmEngineFixture.CreateAsync();
        var extractor = new LlmRelationExtractor(fixture.Provider.GetRequiredService<IChatClient>(), new LlmRelationExtractorOptions { MalformedAnswerRetries = 0 });
        fixture.Server.Script.Enqueue(_ => ScriptedReply.Content("no JSON"));
        var memory = new MemoryItem
        {
            Id = "m-1",
            Memory = "I play the cello.",
            Hash = "h",
            Scope = MemoryScope.ForUser("ana"),
            CreatedAt = DateTimeOffset.UnixEpoch,
            UpdatedAt = DateTimeOffset.UnixEpoch,
            ObservedAt = DateTimeOffset.UnixEpoch,
        };

        var result = await extractor.ExtractAsync(new RelationExtractionRequest { Memories = [memory], Scope = memory.Scope });

        Assert.Equal(1, result.Usage!.Calls);
        Assert.Equal("ana plays cello", Assert.Single(result.Relations) is var r ? $"{r.Source} {r.Relationship} {r.Destination}" : null);
    }

    [Theory]
    [InlineData(null, typeof(LlmRelationExtractor))]
    [InlineData("false", typeof(RuleBasedRelationExtractor))]
    public async Task ConfiguredLlm_SelectsTheModelExtractor_UnlessSwitchedOff(string? extractRelations, Type expected)
    {
        await using var fixture = await LlmEngineFixture.CreateAsync(s =>
        {
            if (extractRelations is not null)
            {
                s["Engram:Llm:ExtractRelations"] = extractRelations;
            }
        });

        Assert.IsType(expected, fixture.Provider.GetRequiredService<IRelationExtractor>());
    }

    private static Task<AddMemoriesResult> AddAsync(LlmEngineFixture fixture, string text) => fixture.Memory.AddAsync(new AddMemoriesRequest
    {
        Messages = [MemoryMessage.User(text, "Ana")],
        Scope = MemoryScope.ForUser("ana"),
        Infer = false,
        EnableGraph = true,
    });

    private sealed class LogCapture : ILogger<LlmRelationExtractor>
    {
        public List<string> Messages { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Messages.Add(formatter(state, exception) + exception);
    }
}
