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
}
