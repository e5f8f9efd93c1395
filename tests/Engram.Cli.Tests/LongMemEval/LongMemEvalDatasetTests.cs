using System.Text.Json.Nodes;
using Engram.Cli.LongMemEval;

namespace Engram.Cli.Tests.LongMemEval;

public sealed class LongMemEvalDatasetTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task LoadAsync_GzipAndPlain_ReadTheSameQuestions()
    {
        var gz = _temp.Combine("lme.json.gz");
        var plain = _temp.Combine("lme.json");
        await LongMemEvalFixture.WriteGzipAsync(gz);
        await File.WriteAllTextAsync(plain, LongMemEvalFixture.Json);

        var fromGzip = await LongMemEvalDataset.LoadAsync(gz, CancellationToken.None);
        var fromPlain = await LongMemEvalDataset.LoadAsync(plain, CancellationToken.None);

        Assert.Equal(fromPlain.Questions.Select(q => q.QuestionId), fromGzip.Questions.Select(q => q.QuestionId));
        var c = fromGzip.Questions[1];
        Assert.Equal("multi-session", c.QuestionType);
        Assert.Equal(["c-hotel", "c-breakfast"], c.AnswerSessionIds);
        Assert.Equal(10, c.Sessions.Count);
        Assert.Equal(20, c.TurnCount);
        Assert.Equal(new DateTimeOffset(2023, 4, 10, 7, 30, 0, TimeSpan.Zero), c.Sessions[0].Date);
        Assert.Equal(new DateTimeOffset(2023, 6, 1, 10, 0, 0, TimeSpan.Zero), c.QuestionDate);
        Assert.True(c.Sessions[0].Turns[0].HasAnswer);
        Assert.False(c.Sessions[0].Turns[1].HasAnswer);
        Assert.False(c.IsAbstention);
        Assert.True(fromGzip.Questions[2].IsAbstention);
        Assert.Equal([new TurnRef("c-breakfast", 0), new TurnRef("c-hotel", 0)], LongMemEvalEvaluator.AnswerTurns(c));
    }

    [Fact]
    public void Select_TypesThenCount_KeepsFileOrder()
    {
        var dataset = LongMemEvalDataset.Parse(LongMemEvalFixture.Json);

        Assert.Equal(["lme-a", "lme-d_abs"], dataset.Select(["single-session-user"], null).Select(q => q.QuestionId));
        Assert.Equal(["lme-a"], dataset.Select(["single-session-user"], 1).Select(q => q.QuestionId));
        Assert.Equal(["lme-a", "lme-c"], dataset.Select([], 2).Select(q => q.QuestionId));
        Assert.Throws<CliUsageException>(() => dataset.Select(["knowledge-update"], null));
    }

    [Fact]
    public void Parse_MismatchedHaystackOrBadDate_ThrowsDataError()
    {
        var shortDates = LongMemEvalFixture.QuestionA();
        ((JsonArray)shortDates["haystack_dates"]!).RemoveAt(0);
        var badDate = LongMemEvalFixture.QuestionA();
        badDate["question_date"] = "1 June 2023";

        var mismatch = Assert.Throws<CliDataException>(() => LongMemEvalDataset.Parse(new JsonArray(shortDates).ToJsonString()));
        var date = Assert.Throws<CliDataException>(() => LongMemEvalDataset.Parse(new JsonArray(badDate).ToJsonString()));

        Assert.Contains("lme-a", mismatch.Message, StringComparison.Ordinal);
        Assert.Contains("1 June 2023", date.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MemoryText_LongContent_CutAt4000CodePointsWithRolePrefix()
    {
        // 3,999 ASCII characters, then U+1F600 (two UTF-16 chars, one code point), then more text.
        var content = new string('a', 3999) + "\U0001F600" + "tail";

        var text = LongMemEvalTurns.MemoryText(new LongMemEvalTurn("assistant", content, false));

        Assert.Equal("assistant: " + new string('a', 3999) + "\U0001F600", text);
        Assert.Equal("user: short", LongMemEvalTurns.MemoryText(new LongMemEvalTurn("user", "short", false)));
        Assert.Equal("user: ", LongMemEvalTurns.MemoryText(new LongMemEvalTurn("user", string.Empty, false)));
    }

    [Fact]
    public void ToAddRequest_Session_OneRawMessagePerTurnWithProvenance()
    {
        var question = LongMemEvalDataset.Parse(LongMemEvalFixture.Json).Questions[0];
        var session = question.Sessions[1];

        var request = LongMemEvalTurns.ToAddRequest(question, session);

        Assert.False(request.Infer);
        Assert.Equal("lme-a", request.Scope.UserId);
        Assert.Equal(session.Date, request.Timestamp);
        Assert.Equal("a-dog", request.Metadata![LongMemEvalTurns.SessionIdKey].GetString());
        Assert.Equal(["a-dog:0", "a-dog:1"], request.Messages.Select(m => m.ExternalId));
        Assert.Equal(["user", "assistant"], request.Messages.Select(m => m.Role));
        Assert.Equal("assistant: Greyhounds make calm companions.", request.Messages[1].Content);
    }
}
