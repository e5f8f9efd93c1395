using System.Text.Json;
using Engram.Cli.Locomo;
using Engram.Cli.Output;

namespace Engram.Cli.Tests.Output;

public class JsonOutputFormatterTests
{
    private static readonly string[] CategoryKeys = ["overall", "1", "2", "3", "4"];
    private static readonly string[] KKeys = ["5", "10", "25", "50"];

    [Fact]
    public void WriteEval_OneMode_WritesExactlyTheDocumentedKeys()
    {
        using var json = Write([Report(LocomoMode.Raw, audited: false)]);
        var root = json.RootElement;

        Assert.Equal(JsonValueKind.Object, root.ValueKind);
        Assert.Equal(
            ["mode", "questions", "recall", "all", "ingest_ms_per_turn", "search_ms", "context_tokens_top10", "full_tokens"],
            Keys(root));
        Assert.Equal("raw", root.GetProperty("mode").GetString());
        Assert.Equal(3, root.GetProperty("questions").GetInt32());
        AssertRecallTable(root.GetProperty("recall"));
        AssertRecallTable(root.GetProperty("all"));
        Assert.Equal(["p50", "p95"], Keys(root.GetProperty("search_ms")));
        Assert.Equal(0.5, root.GetProperty("recall").GetProperty("5").GetProperty("1").GetDouble());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("recall").GetProperty("5").GetProperty("3").ValueKind);
        Assert.Equal(1.5, root.GetProperty("ingest_ms_per_turn").GetDouble());
        Assert.Equal(2.0, root.GetProperty("search_ms").GetProperty("p50").GetDouble());
        Assert.Equal(120.0, root.GetProperty("context_tokens_top10").GetDouble());
        Assert.Equal(17000.0, root.GetProperty("full_tokens").GetDouble());
    }

    [Fact]
    public void WriteEval_TwoModesWithCorrections_WritesAnArrayWithAuditedBlocks()
    {
        using var json = Write([Report(LocomoMode.Raw, audited: true), Report(LocomoMode.Extracted, audited: true)]);
        var root = json.RootElement;

        Assert.Equal(JsonValueKind.Array, root.ValueKind);
        Assert.Equal(["raw", "extracted"], root.EnumerateArray().Select(e => e.GetProperty("mode").GetString()));
        foreach (var report in root.EnumerateArray())
        {
            Assert.Equal("audited", Keys(report).Last());
            var audited = report.GetProperty("audited");
            Assert.Equal(["questions", "recall", "all"], Keys(audited));
            AssertRecallTable(audited.GetProperty("recall"));
            AssertRecallTable(audited.GetProperty("all"));
        }
    }

    [Fact]
    public void WriteImportAcknowledgement_WritesOneCompactLine()
    {
        using var writer = new StringWriter();
        var formatter = new JsonOutputFormatter(writer);

        formatter.WriteImportAcknowledgement(new LocomoAcknowledgement("conv-26", "D1:3", ["a", "b"]));

        Assert.Equal("{\"sample_id\":\"conv-26\",\"dia_id\":\"D1:3\",\"ids\":[\"a\",\"b\"]}" + Environment.NewLine, writer.ToString());
    }

    [Fact]
    public void WriteSearch_HitWithExplanation_UsesSnakeCaseKeys()
    {
        using var writer = new StringWriter();
        var now = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        var hit = new MemorySearchHit
        {
            Score = 0.75,
            Item = new MemoryItem
            {
                Id = "id-1",
                Memory = "likes tea",
                Hash = "h",
                Scope = new MemoryScope { UserId = "alice", AgentId = "bot" },
                Metadata = MemoryMetadata.Parse("""{"topic":"drinks"}"""),
                CreatedAt = now,
                UpdatedAt = now,
                ObservedAt = now,
                ExpirationDate = new DateOnly(2026, 12, 31),
            },
            Explanation = new SearchExplanation
            {
                Fusion = "weighted",
                RawScore = 0.75,
                Threshold = 0.1,
                SourceMessageIds = ["m1"],
                Signals = [new SignalContribution { Name = "bm25", RawValue = 3.2, Value = 1, Weight = 1, Contribution = 0.5, Rank = 1 }],
            },
        };

        new JsonOutputFormatter(writer).WriteSearch(new SearchMemoriesResult { Results = [hit] }, explain: true);

        using var json = JsonDocument.Parse(writer.ToString());
        var result = json.RootElement.GetProperty("results")[0];
        Assert.Equal("id-1", result.GetProperty("id").GetString());
        Assert.Equal("alice", result.GetProperty("user_id").GetString());
        Assert.Equal("bot", result.GetProperty("agent_id").GetString());
        Assert.Equal(0.75, result.GetProperty("score").GetDouble());
        Assert.Equal("drinks", result.GetProperty("metadata").GetProperty("topic").GetString());
        Assert.Equal("2026-12-31", result.GetProperty("expiration_date").GetString());
        Assert.Equal("bm25", result.GetProperty("explanation").GetProperty("signals")[0].GetProperty("name").GetString());
        Assert.Equal(0.5, result.GetProperty("explanation").GetProperty("signals")[0].GetProperty("contribution").GetDouble());
        Assert.False(result.TryGetProperty("run_id", out _));
        Assert.Empty(json.RootElement.GetProperty("excluded").EnumerateArray());
    }

    [Fact]
    public void WriteAdd_Events_UsesMem0EventNames()
    {
        using var writer = new StringWriter();
        var result = new AddMemoriesResult { Results = [new MemoryEvent { Id = "x", Memory = "m", Event = MemoryEventType.Add }] };

        new JsonOutputFormatter(writer).WriteAdd(result);

        using var json = JsonDocument.Parse(writer.ToString());
        var e = json.RootElement.GetProperty("results")[0];
        Assert.Equal("ADD", e.GetProperty("event").GetString());
        Assert.Equal("x", e.GetProperty("id").GetString());
    }

    private static JsonDocument Write(IReadOnlyList<LocomoModeReport> reports)
    {
        using var writer = new StringWriter();
        new JsonOutputFormatter(writer).WriteEval(reports);
        var text = writer.ToString();
        Assert.Single(text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        return JsonDocument.Parse(text);
    }

    private static void AssertRecallTable(JsonElement table)
    {
        Assert.Equal(KKeys, Keys(table));
        foreach (var k in KKeys)
        {
            Assert.Equal(CategoryKeys, Keys(table.GetProperty(k)));
            foreach (var category in table.GetProperty(k).EnumerateObject())
            {
                Assert.True(category.Value.ValueKind is JsonValueKind.Null
                    || (category.Value.ValueKind == JsonValueKind.Number && category.Value.GetDouble() is >= 0 and <= 1));
            }
        }
    }

    private static string[] Keys(JsonElement element) => element.EnumerateObject().Select(p => p.Name).ToArray();

    private static LocomoModeReport Report(LocomoMode mode, bool audited)
    {
        var summary = RecallMetrics.Summarize(
        [
            new QuestionOutcome(1, ["D1:1", "D1:2"], ["D1:1"]),
            new QuestionOutcome(2, ["D2:1"], ["D2:1"]),
            new QuestionOutcome(4, ["D4:1"], []),
        ]);
        return new LocomoModeReport(
            mode,
            summary,
            audited ? summary : null,
            audited ? new CorrectionCounts(1, 2, 0) : null,
            new LocomoIngestSummary(1, 4, 4, 6),
            SearchP50Milliseconds: 2,
            SearchP95Milliseconds: 3,
            ContextTokensTop10: 120,
            FullTokens: 17000);
    }
}
