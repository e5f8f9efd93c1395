using Engram.Cli.LongMemEval;

namespace Engram.Cli.Tests.LongMemEval;

public sealed class LongMemEvalMetricsTests
{
    // Hits: x:0, a:1, x:1, y:0, b:2, a:0 -> sessions x, a, y, b (first occurrence kept).
    private static readonly TurnRef[] Hits =
    [
        new("x", 0), new("a", 1), new("x", 1), new("y", 0), new("b", 2), new("a", 0),
    ];

    [Fact]
    public void SessionRanking_KeepsFirstOccurrenceInRankOrder()
    {
        Assert.Equal(["x", "a", "y", "b"], LongMemEvalMetrics.SessionRanking(Hits));
    }

    [Fact]
    public void Score_TwoAnswerSessions_MatchesHandComputedValues()
    {
        string[] answers = ["a", "b"];
        TurnRef[] answerTurns = [new("a", 1), new("b", 2), new("b", 3)];

        var at1 = LongMemEvalMetrics.Score(answers, answerTurns, Hits, 1);
        var at2 = LongMemEvalMetrics.Score(answers, answerTurns, Hits, 2);
        var at4 = LongMemEvalMetrics.Score(answers, answerTurns, Hits, 4);
        var at5 = LongMemEvalMetrics.Score(answers, answerTurns, Hits, 5);

        // k = 1: sessions [x]; turns [x:0].
        Assert.Equal(new QuestionScores(0, 0, 0, 0, 0), at1);
        // k = 2: sessions [x, a]: DCG = 1/log2(3); ideal = 1 + 1/log2(3). Turns [x:0, a:1]: 1 of 3.
        Assert.Equal(1, at2.RecallAny);
        Assert.Equal(0, at2.RecallAll);
        Assert.Equal(0.5, at2.RecallFraction);
        Assert.Equal((1 / Math.Log2(3)) / (1 + (1 / Math.Log2(3))), at2.Ndcg, 12);
        Assert.Equal(1.0 / 3, at2.TurnRecall!.Value, 12);
        // k = 4: sessions [x, a, y, b]: DCG = 1/log2(3) + 1/log2(5). Turns: a:1 only (b:2 is the 5th hit).
        Assert.Equal(1, at4.RecallAll);
        Assert.Equal(1, at4.RecallFraction);
        Assert.Equal(((1 / Math.Log2(3)) + (1 / Math.Log2(5))) / (1 + (1 / Math.Log2(3))), at4.Ndcg, 12);
        Assert.Equal(1.0 / 3, at4.TurnRecall!.Value, 12);
        // k = 5: the 5th hit is b:2.
        Assert.Equal(2.0 / 3, at5.TurnRecall!.Value, 12);
    }

    [Fact]
    public void Ndcg_IdealIsCutAtK()
    {
        // Two relevant sessions but k = 1: the ideal holds one, so a relevant first session scores 1.
        Assert.Equal(1, LongMemEvalMetrics.Ndcg(["a", "x"], new HashSet<string> { "a", "b" }, 1));
        Assert.Equal(0, LongMemEvalMetrics.Ndcg(["x", "y"], new HashSet<string> { "a" }, 5));
        Assert.Equal(1 / Math.Log2(3), LongMemEvalMetrics.Ndcg(["x", "a"], new HashSet<string> { "a" }, 5), 12);
    }

    [Fact]
    public void Score_NoAnswerTurns_TurnRecallIsNull()
    {
        var scores = LongMemEvalMetrics.Score(["a"], [], Hits, 10);

        Assert.Null(scores.TurnRecall);
        Assert.Equal(1, scores.RecallAll);
    }

    [Fact]
    public void Summarize_AveragesTurnRecallOnlyOverQuestionsWithAnswerTurns()
    {
        IReadOnlyDictionary<int, QuestionScores> Q(double any, double? turn) => new Dictionary<int, QuestionScores>
        {
            [5] = new(any, any, any, any, turn),
        };

        var summary = LongMemEvalMetrics.Summarize([Q(1, 0.5), Q(0, null), Q(1, 1)], [5]);
        var empty = LongMemEvalMetrics.Summarize([], [5]);

        Assert.Equal(3, summary.Questions);
        Assert.Equal(2, summary.TurnQuestions);
        Assert.Equal(2.0 / 3, summary.RecallAny[5]!.Value, 12);
        Assert.Equal(0.75, summary.TurnRecall[5]);
        Assert.Null(empty.RecallAny[5]);
        Assert.Null(empty.TurnRecall[5]);
    }
}
