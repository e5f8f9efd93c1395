using Engram.Cli.Locomo;

namespace Engram.Cli.Tests.Locomo;

public class RecallMetricsTests
{
    [Fact]
    public void RecallAt_HalfOfEvidenceInTopK_ReturnsHalf()
    {
        var evidence = new[] { "D1:1", "D2:2" };
        var retrieved = new[] { "D1:1", "D9:9", "D2:2" };

        Assert.Equal(0.5, RecallMetrics.RecallAt(evidence, retrieved, 2));
        Assert.Equal(1.0, RecallMetrics.RecallAt(evidence, retrieved, 3));
        Assert.Equal(0.0, RecallMetrics.RecallAt(evidence, [], 5));
    }

    [Fact]
    public void ContainsAllAt_PartialEvidence_ReturnsFalseUntilComplete()
    {
        var evidence = new[] { "D1:1", "D2:2" };
        var retrieved = new[] { "D1:1", "D9:9", "D2:2" };

        Assert.False(RecallMetrics.ContainsAllAt(evidence, retrieved, 2));
        Assert.True(RecallMetrics.ContainsAllAt(evidence, retrieved, 3));
    }

    [Fact]
    public void Summarize_HandMadeOutcomes_AveragesPerCategoryAndOverall()
    {
        var outcomes = new[]
        {
            // category 1: recall@5 = 1/2, all@5 = 0
            new QuestionOutcome(1, ["D1:1", "D1:2"], ["D1:1", "D5:5"]),
            // category 2: recall@5 = 1, all@5 = 1
            new QuestionOutcome(2, ["D2:1"], ["D2:1"]),
            // category 4: evidence at rank 6 -> recall@5 = 0, recall@10 = 1
            new QuestionOutcome(4, ["D4:6"], ["D4:1", "D4:2", "D4:3", "D4:4", "D4:5", "D4:6"]),
            // category 5 and questions without evidence are ignored
            new QuestionOutcome(5, ["D9:9"], []),
            new QuestionOutcome(3, [], ["D3:3"]),
        };

        var summary = RecallMetrics.Summarize(outcomes);

        Assert.Equal(3, summary.Questions);
        Assert.Equal(new[] { 5, 10, 25, 50 }, summary.Recall.Keys.Order());
        Assert.Equal((0.5 + 1 + 0) / 3, summary.Recall[5].Overall!.Value, 10);
        Assert.Equal(0.5, summary.Recall[5].For(1));
        Assert.Equal(1.0, summary.Recall[5].For(2));
        Assert.Null(summary.Recall[5].For(3));
        Assert.Equal(0.0, summary.Recall[5].For(4));
        Assert.Equal((0.5 + 1 + 1) / 3, summary.Recall[10].Overall!.Value, 10);
        Assert.Equal(1.0 / 3, summary.All[5].Overall!.Value, 10);
        Assert.Equal(2.0 / 3, summary.All[10].Overall!.Value, 10);
        Assert.Equal(0.0, summary.All[50].For(1));
    }

    [Fact]
    public void Summarize_NoQuestions_ReturnsNullScores()
    {
        var summary = RecallMetrics.Summarize([]);

        Assert.Equal(0, summary.Questions);
        Assert.Null(summary.Recall[10].Overall);
        Assert.Null(summary.All[10].For(2));
    }
}
