namespace Engram.Tests.Retrieval;

public sealed class SearchFusionTests
{
    private static readonly FusionContext Context = new(MaxBm25: 10, AnyBm25: true, AnyEntity: true, TermCount: 3);

    [Fact]
    public void Fuse_Weighted_NormalisesByPresentWeights()
    {
        var fusion = new SearchFusion(new RetrievalOptions { VectorWeight = 1, KeywordWeight = 1, EntityWeight = 0.5 });
        var fused = fusion.Fuse(new CandidateSignals("m") { Vector = 0.8, Bm25 = 5, Entity = 1 }, Context);
        Assert.Equal((0.8 + 0.5 + 0.5) / 2.5, fused.Score, 10);
        Assert.Equal(["vector", "bm25", "entity"], fused.Signals.Select(s => s.Name));
        Assert.Equal(fused.Raw, fused.Signals.Sum(s => s.Contribution), 10);
    }

    [Fact]
    public void Fuse_Weighted_KeywordOnlyCandidateStillScores()
    {
        var fusion = new SearchFusion(new RetrievalOptions());
        var fused = fusion.Fuse(new CandidateSignals("m") { Bm25 = 10, Bm25Rank = 1 }, Context);
        Assert.True(fused.Score > 0);
        Assert.Equal(1.0, fused.Signals.Single(s => s.Name == "bm25").Value);
    }

    [Fact]
    public void Fuse_Weighted_NegativeCosineIsClippedToZero()
    {
        var fusion = new SearchFusion(new RetrievalOptions());
        var fused = fusion.Fuse(new CandidateSignals("m") { Vector = -0.4 }, new FusionContext(0, false, false, 1));
        Assert.Equal(0, fused.Score);
    }

    [Fact]
    public void Fuse_Weighted_SwitchedOffSignalIsAbsent()
    {
        var fusion = new SearchFusion(new RetrievalOptions { UseKeyword = false });
        var fused = fusion.Fuse(new CandidateSignals("m") { Vector = 0.5, Bm25 = 10 }, Context);
        Assert.DoesNotContain(fused.Signals, s => s.Name == "bm25");
    }

    [Fact]
    public void Fuse_Rrf_TopRankEverywhereScoresOne()
    {
        var fusion = new SearchFusion(new RetrievalOptions { Fusion = FusionMethod.Rrf });
        var best = fusion.Fuse(new CandidateSignals("m") { VectorRank = 1, Bm25Rank = 1, EntityRank = 1 }, Context);
        var worse = fusion.Fuse(new CandidateSignals("n") { VectorRank = 3, Bm25Rank = 10 }, Context);
        Assert.Equal(1.0, best.Score, 10);
        Assert.True(worse.Score < best.Score);
        Assert.Equal("rrf", fusion.MethodName);
    }

    [Theory]
    [InlineData(5.0, 3, 0.5)]
    [InlineData(7.0, 5, 0.5)]
    [InlineData(9.0, 8, 0.5)]
    [InlineData(10.0, 12, 0.5)]
    [InlineData(12.0, 20, 0.5)]
    public void Mem0Bm25Sigmoid_AtMidpoint_IsOneHalf(double raw, int terms, double expected)
    {
        Assert.Equal(expected, SearchFusion.Mem0Bm25Sigmoid(raw, terms), 10);
    }

    [Fact]
    public void Fuse_Mem0_MatchesMem0Formula()
    {
        var fusion = new SearchFusion(new RetrievalOptions { Fusion = FusionMethod.Mem0 });
        var fused = fusion.Fuse(new CandidateSignals("m") { Vector = 0.6, Bm25 = 5, Entity = 1 }, Context);
        Assert.Equal((0.6 + 0.5 + 0.5) / 2.5, fused.Score, 10);
    }

    [Theory]
    [InlineData(1, 1.0)]
    [InlineData(11, 1.0 / 1.1)]
    [InlineData(101, 1.0 / 11.0)]
    public void EntityBoost_DampsPopularEntities(int links, double expected)
    {
        Assert.Equal(expected, SearchFusion.EntityBoost(links), 10);
    }

    [Fact]
    public void Fuse_Weighted_ExplainsSpeakerTimeAndFeedbackSignals()
    {
        var fusion = new SearchFusion(new RetrievalOptions());
        var context = new FusionContext(MaxBm25: 10, AnyBm25: true, AnyEntity: false, TermCount: 3, AnySpeaker: true, AnyTime: true, MaxFeedback: 4);
        var fused = fusion.Fuse(new CandidateSignals("m") { Vector = 0.2, Bm25 = 5, Speaker = 1, Time = 0, Feedback = 2, FeedbackRank = 3 }, context);
        Assert.Equal(["vector", "bm25", "speaker", "time", "feedback"], fused.Signals.Select(s => s.Name));
        Assert.Equal((0.5 * 0.2 + 0.5 + 0.5 * 1 + 0 + 0.3 * 0.5) / (0.5 + 1 + 0.5 + 0.5 + 0.3), fused.Score, 10);
        Assert.Equal(fused.Raw, fused.Signals.Sum(s => s.Contribution), 10);
        Assert.Equal(3, fused.Signals.Single(s => s.Name == "feedback").Rank);
    }

    [Fact]
    public void Fuse_Weighted_SignalsThatDidNotFireAreLeftOut()
    {
        var fusion = new SearchFusion(new RetrievalOptions());
        var fused = fusion.Fuse(new CandidateSignals("m") { Bm25 = 5, Speaker = 0, Time = 0 }, Context);
        Assert.DoesNotContain(fused.Signals, s => s.Name is "speaker" or "time" or "feedback");
    }

    [Fact]
    public void Fuse_Weighted_SwitchedOffSpeakerTimeAndFeedbackAreAbsent()
    {
        var fusion = new SearchFusion(new RetrievalOptions { UseSpeaker = false, UseTime = false, UseFeedback = false });
        var context = new FusionContext(10, true, false, 3, AnySpeaker: true, AnyTime: true, MaxFeedback: 4);
        var fused = fusion.Fuse(new CandidateSignals("m") { Bm25 = 5, Speaker = 1, Time = 1, Feedback = 4 }, context);
        Assert.Equal(["vector", "bm25"], fused.Signals.Select(s => s.Name));
    }

    [Fact]
    public void Fuse_Rrf_CountsABinaryMatchAsRankOne()
    {
        var fusion = new SearchFusion(new RetrievalOptions { Fusion = FusionMethod.Rrf });
        var context = new FusionContext(10, true, false, 3, AnySpeaker: true);
        var named = fusion.Fuse(new CandidateSignals("m") { Bm25Rank = 2, Speaker = 1 }, context);
        var other = fusion.Fuse(new CandidateSignals("n") { Bm25Rank = 2, Speaker = 0 }, context);
        Assert.True(named.Score > other.Score);
        Assert.Equal(1, named.Signals.Single(s => s.Name == "speaker").Rank);
    }

    [Theory]
    [InlineData(75, 0.5)]
    [InlineData(150, 1.0)]
    [InlineData(600, 1.0)]
    public void Fuse_Weighted_LengthPriorSaturates(int characters, double expected)
    {
        var fusion = new SearchFusion(new RetrievalOptions());
        var fused = fusion.Fuse(new CandidateSignals("m") { Bm25 = 10, Length = characters }, Context);
        var signal = fused.Signals.Single(s => s.Name == "length");
        Assert.Equal(expected, signal.Value, 10);
        Assert.Equal(0.2 * expected, signal.Contribution, 10);
    }

    [Fact]
    public void Fuse_Weighted_LengthSwitchedOffIsAbsent()
    {
        var fusion = new SearchFusion(new RetrievalOptions { UseLength = false });
        var fused = fusion.Fuse(new CandidateSignals("m") { Bm25 = 10, Length = 100 }, Context);
        Assert.DoesNotContain(fused.Signals, s => s.Name == "length");
    }
}
