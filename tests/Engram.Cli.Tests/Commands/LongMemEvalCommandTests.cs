using System.Text.Json;
using Engram.Cli.Tests.Locomo;
using Engram.Cli.Tests.LongMemEval;
using Engram.Testing;

namespace Engram.Cli.Tests.Commands;

public sealed class LongMemEvalCommandTests : IDisposable
{
    // The hand-computed rankings below are the lexical hashing embedder's, with the retrieval options they were computed
    // for (these tests check the metrics, not the ranking).
    private const string HashingEmbedder = "Engram:Embedder:Provider=hashing";
    private const string NoFirstPersonSpeaker = "Engram:Retrieval:FirstPersonSpeaker=false";
    private const string NoContextLimit = "Engram:Retrieval:LexicalContextCharacters=0";

    // Binary nDCG of question lme-c: one of its two answer sessions at session rank 1 and the other at rank 9 (of 9).
    private static readonly double IdealTwo = 1 + (1 / Math.Log2(3));
    private static readonly double NdcgC5 = 1 / IdealTwo;
    private static readonly double NdcgC10 = (1 + (1 / Math.Log2(10))) / IdealTwo;

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task EvalLongMemEval_Fixture_ScoresTheHandComputedMetricsAndSkipsAbstention()
    {
        var file = _temp.Combine("lme.json.gz");
        await LongMemEvalFixture.WriteGzipAsync(file);
        var before = Directory.GetDirectories(Path.GetTempPath(), "engram-eval-*").ToHashSet();

        var run = await Cli.RunAsync("eval", "longmemeval", file, "--output", "json", "--set", HashingEmbedder, "--set", NoFirstPersonSpeaker, "--set", NoContextLimit);

        Assert.True(run.ExitCode == 0, run.Stderr);
        var report = LongMemEvalFixture.Parse(run.Stdout);
        Assert.Equal("longmemeval", report.GetProperty("benchmark").GetString());
        Assert.Equal(3, report.GetProperty("questions").GetInt32());
        Assert.Equal(1, report.GetProperty("abstention").GetInt32());
        Assert.Equal(15, report.GetProperty("sessions").GetInt32()); // 3 + 10 (one listed twice) + 2
        Assert.Equal(30, report.GetProperty("turns").GetInt32());
        Assert.Equal(30, report.GetProperty("memories").GetInt32());
        Assert.Equal("engram||engram-hashing-v1|512", report.GetProperty("embedder").GetString());
        Assert.False(report.TryGetProperty("embedding_cache", out _));
        Assert.True(report.GetProperty("ingest_ms_per_turn").GetDouble() > 0);
        Assert.True(report.GetProperty("search_ms").GetProperty("p95").GetDouble() >= report.GetProperty("search_ms").GetProperty("p50").GetDouble());

        // lme-a: everything 1. lme-c: any 1; all and frac reach 1 at k = 10 (the second answer session is 9th);
        // turn recall 1/2 until k = 25 (c-breakfast:0 ranks 11th-20th of 20). lme-d_abs would raise turn@5 if counted.
        var overall = report.GetProperty("overall");
        Assert.Equal(2, overall.GetProperty("questions").GetInt32());
        Assert.Equal(2, overall.GetProperty("turn_questions").GetInt32());
        AssertK(overall, "recall_any", 1, 1, 1, 1);
        AssertK(overall, "recall_all", 0.5, 1, 1, 1);
        AssertK(overall, "recall_frac", 0.75, 1, 1, 1);
        AssertK(overall, "ndcg", (1 + NdcgC5) / 2, (1 + NdcgC10) / 2, (1 + NdcgC10) / 2, (1 + NdcgC10) / 2);
        AssertK(overall, "turn_recall", 0.75, 0.75, 1, 1);

        var byType = report.GetProperty("by_type");
        Assert.Equal(["multi-session", "single-session-user"], byType.EnumerateObject().Select(p => p.Name));
        var multi = byType.GetProperty("multi-session");
        AssertK(multi, "recall_all", 0, 1, 1, 1);
        AssertK(multi, "recall_frac", 0.5, 1, 1, 1);
        AssertK(multi, "ndcg", NdcgC5, NdcgC10, NdcgC10, NdcgC10);
        AssertK(multi, "turn_recall", 0.5, 0.5, 1, 1);
        var single = byType.GetProperty("single-session-user");
        Assert.Equal(1, single.GetProperty("questions").GetInt32()); // lme-d_abs is not scored
        foreach (var metric in new[] { "recall_any", "recall_all", "recall_frac", "ndcg", "turn_recall" })
        {
            AssertK(single, metric, 1, 1, 1, 1);
        }

        Assert.Subset(before, Directory.GetDirectories(Path.GetTempPath(), "engram-eval-*").ToHashSet());
    }

    [Fact]
    public async Task EvalLongMemEval_Dump_WritesRanksOfAnswerSessionsAndTurnsAndEveryHit()
    {
        var file = _temp.Combine("lme.json");
        await File.WriteAllTextAsync(file, LongMemEvalFixture.Json);
        var dump = _temp.Combine("questions.jsonl");

        var run = await Cli.RunAsync("eval", "longmemeval", file, "--output", "json", "--dump", dump, "--set", HashingEmbedder, "--set", NoFirstPersonSpeaker, "--set", NoContextLimit);

        Assert.True(run.ExitCode == 0, run.Stderr);
        var lines = (await File.ReadAllLinesAsync(dump)).Select(LongMemEvalFixture.Parse).ToList();
        Assert.Equal(["lme-a", "lme-c", "lme-d_abs"], lines.Select(l => l.GetProperty("question_id").GetString()));
        Assert.Equal([false, false, true], lines.Select(l => l.GetProperty("abstention").GetBoolean()));

        var a = lines[0];
        Assert.Equal([1], Ints(a.GetProperty("answer_session_ranks")));
        Assert.Equal([1], Ints(a.GetProperty("answer_turn_ranks")));
        var first = a.GetProperty("hits")[0];
        Assert.Equal("a-dog", first.GetProperty("session").GetString());
        Assert.Equal(0, first.GetProperty("turn").GetInt32());
        Assert.True(first.GetProperty("has_answer").GetBoolean());
        Assert.Equal("user: My dog Biscuit is a greyhound, a breed I adore.", first.GetProperty("text").GetString());

        var c = lines[1];
        Assert.Equal(["c-hotel", "c-breakfast"], c.GetProperty("answer_sessions").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal([1, 9], Ints(c.GetProperty("answer_session_ranks")));
        Assert.Equal(9, c.GetProperty("session_ranking").GetArrayLength()); // c-rome twice in the haystack, once in the ranking
        Assert.Equal(
            [("c-breakfast", 0), ("c-hotel", 0)],
            c.GetProperty("answer_turns").EnumerateArray().Select(t => (t.GetProperty("session").GetString(), t.GetProperty("turn").GetInt32())));
        var turnRanks = Ints(c.GetProperty("answer_turn_ranks"));
        Assert.InRange(turnRanks[0], 11, 20);
        Assert.Equal(1, turnRanks[1]);
        Assert.Equal(0.5, c.GetProperty("turn_recall_at_10").GetDouble());
        var hits = c.GetProperty("hits").EnumerateArray().ToList();
        Assert.Equal(20, hits.Count); // every turn, the duplicated session's twice
        Assert.Equal(Enumerable.Range(1, 20), hits.Select(h => h.GetProperty("rank").GetInt32()));
        Assert.Equal(2, hits.Count(h => h.GetProperty("has_answer").GetBoolean()));
        Assert.Equal(2, hits.Count(h => h.GetProperty("session").GetString() == "c-rome" && h.GetProperty("turn").GetInt32() == 0));

        // The mean of the dumped turn_recall_at_10 of the scored questions is the report's.
        var report = LongMemEvalFixture.Parse(run.Stdout);
        Assert.Equal(
            report.GetProperty("overall").GetProperty("turn_recall").GetProperty("10").GetDouble(),
            lines.Where(l => !l.GetProperty("abstention").GetBoolean()).Average(l => l.GetProperty("turn_recall_at_10").GetDouble()),
            4);
    }

    [Fact]
    public async Task EvalLongMemEval_QuestionTypeAndCount_SelectQuestions()
    {
        var file = _temp.Combine("lme.json");
        await File.WriteAllTextAsync(file, LongMemEvalFixture.Json);

        var byType = await Cli.RunAsync("eval", "longmemeval", file, "--output", "json", "--question-type", "single-session-user");
        var first = await Cli.RunAsync("eval", "longmemeval", file, "--output", "json", "--questions", "1");

        Assert.True(byType.ExitCode == 0, byType.Stderr);
        var typed = LongMemEvalFixture.Parse(byType.Stdout);
        Assert.Equal(2, typed.GetProperty("questions").GetInt32());
        Assert.Equal(1, typed.GetProperty("abstention").GetInt32());
        Assert.Equal(["single-session-user"], typed.GetProperty("by_type").EnumerateObject().Select(p => p.Name));
        Assert.Equal(10, typed.GetProperty("turns").GetInt32());
        Assert.True(first.ExitCode == 0, first.Stderr);
        var one = LongMemEvalFixture.Parse(first.Stdout);
        Assert.Equal(1, one.GetProperty("questions").GetInt32());
        Assert.Equal(6, one.GetProperty("turns").GetInt32());
    }

    [Fact]
    public async Task EvalLongMemEval_TableOutput_PrintsMetricsPerTypeAndCost()
    {
        var file = _temp.Combine("lme.json");
        await File.WriteAllTextAsync(file, LongMemEvalFixture.Json);

        var run = await Cli.RunAsync("eval", "longmemeval", file, "--embedding-cache", _temp.Combine("cache.db"));

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("turn_recall", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("multi-session", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("search ms p95", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("embedding cache", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', run.Stdout);
    }

    [Theory]
    [InlineData("--question-type", "no-such-type", ExitCodes.InvalidInput)]
    [InlineData("--questions", "0", ExitCodes.InvalidInput)]
    public async Task EvalLongMemEval_BadSelection_ReturnsTwo(string option, string value, int exitCode)
    {
        var file = _temp.Combine("lme.json");
        await File.WriteAllTextAsync(file, LongMemEvalFixture.Json);

        var run = await Cli.RunAsync("eval", "longmemeval", file, option, value);

        Assert.Equal(exitCode, run.ExitCode);
        Assert.Contains(value, Assert.Single(run.StderrLines), StringComparison.Ordinal);
        Assert.Empty(run.Stdout);
    }

    [Fact]
    public async Task EvalLongMemEval_MissingOrCorruptFile_ReturnsFour()
    {
        var corrupt = _temp.Combine("corrupt.json");
        await File.WriteAllTextAsync(corrupt, "[{\"question_id\": ");

        var missing = await Cli.RunAsync("eval", "longmemeval", _temp.Combine("missing.json"));
        var broken = await Cli.RunAsync("eval", "longmemeval", corrupt);

        Assert.Equal(ExitCodes.DataError, missing.ExitCode);
        Assert.Equal($"error: LongMemEval file '{_temp.Combine("missing.json")}' not found.", Assert.Single(missing.StderrLines));
        Assert.Equal(ExitCodes.DataError, broken.ExitCode);
        Assert.StartsWith("error: LongMemEval file", Assert.Single(broken.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvalLongMemEval_EmbeddingCache_SecondRunMakesNoEmbedderCall()
    {
        await using var server = await ScriptedOpenAIServer.StartAsync();
        var file = _temp.Combine("lme.json");
        await File.WriteAllTextAsync(file, LongMemEvalFixture.Json);
        var cache = Path.Combine(_temp.Path, "cache", "embeddings.db"); // the directory does not exist yet
        string[] args =
        [
            "eval", "longmemeval", file, "--output", "json", "--embedding-cache", cache,
            "--set", "Engram:Embedder:Provider=vllm",
            "--set", $"Engram:Embedder:BaseUrl={server.BaseUrl}",
            "--set", "Engram:Embedder:Model=scripted-embed",
        ];

        var first = await Cli.RunAsync(args);
        var requestsAfterFirst = server.EmbeddingRequests;
        var second = await Cli.RunAsync(args);

        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.True(requestsAfterFirst > 0);
        Assert.Equal(requestsAfterFirst, server.EmbeddingRequests); // the second run never reached the embedder

        var one = LongMemEvalFixture.Parse(first.Stdout);
        var two = LongMemEvalFixture.Parse(second.Stdout);
        Assert.Contains("scripted-embed", one.GetProperty("embedder").GetString(), StringComparison.Ordinal);
        var firstCache = one.GetProperty("embedding_cache");
        Assert.Equal(Path.GetFullPath(cache), firstCache.GetProperty("path").GetString());
        Assert.Equal(requestsAfterFirst, firstCache.GetProperty("generator_calls").GetInt64());
        Assert.True(firstCache.GetProperty("misses").GetInt64() >= 30); // 30 turns and 3 questions, duplicates within a call once
        var secondCache = two.GetProperty("embedding_cache");
        Assert.Equal(0, secondCache.GetProperty("misses").GetInt64());
        Assert.Equal(0, secondCache.GetProperty("generator_calls").GetInt64());
        Assert.Equal(firstCache.GetProperty("hits").GetInt64() + firstCache.GetProperty("misses").GetInt64(), secondCache.GetProperty("hits").GetInt64());
        Assert.Equal(one.GetProperty("overall").GetRawText(), two.GetProperty("overall").GetRawText());
    }

    [Fact]
    public async Task EvalLocomo_EmbeddingCache_ReportsHitsOnTheSecondRun()
    {
        var file = _temp.Combine("fixture.json");
        await File.WriteAllTextAsync(file, LocomoFixture.Json);
        var cache = _temp.Combine("locomo-cache.db");

        var first = await Cli.RunAsync("eval", "locomo", file, "--mode", "raw", "--output", "json", "--embedding-cache", cache);
        var second = await Cli.RunAsync("eval", "locomo", file, "--mode", "raw", "--output", "json", "--embedding-cache", cache);

        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.True(second.ExitCode == 0, second.Stderr);
        var one = LongMemEvalFixture.Parse(first.Stdout);
        var two = LongMemEvalFixture.Parse(second.Stdout);
        Assert.True(one.GetProperty("embedding_cache").GetProperty("generator_calls").GetInt64() > 0);
        Assert.Equal(0, two.GetProperty("embedding_cache").GetProperty("misses").GetInt64());
        Assert.Equal(0, two.GetProperty("embedding_cache").GetProperty("generator_calls").GetInt64());
        Assert.True(two.GetProperty("embedding_cache").GetProperty("hits").GetInt64() > 0);
        Assert.Equal(one.GetProperty("recall").GetRawText(), two.GetProperty("recall").GetRawText());
    }

    private static void AssertK(JsonElement scores, string metric, double at5, double at10, double at25, double at50)
    {
        var table = scores.GetProperty(metric);
        Assert.Equal(at5, table.GetProperty("5").GetDouble(), 0.0001); // the report rounds to 4 decimals
        Assert.Equal(at10, table.GetProperty("10").GetDouble(), 0.0001);
        Assert.Equal(at25, table.GetProperty("25").GetDouble(), 0.0001);
        Assert.Equal(at50, table.GetProperty("50").GetDouble(), 0.0001);
    }

    private static List<int> Ints(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt32()).ToList();
}
