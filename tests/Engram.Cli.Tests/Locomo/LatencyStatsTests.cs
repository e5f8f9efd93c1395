using Engram.Cli.Locomo;

namespace Engram.Cli.Tests.Locomo;

public class LatencyStatsTests
{
    [Fact]
    public void Percentile_TwentyValues_UsesNearestRank()
    {
        var values = Enumerable.Range(1, 20).Select(i => (double)i).Reverse().ToList();

        Assert.Equal(10, LatencyStats.Percentile(values, 50));
        Assert.Equal(19, LatencyStats.Percentile(values, 95));
        Assert.Equal(20, LatencyStats.Percentile(values, 100));
    }

    [Fact]
    public void Percentile_NoValues_ReturnsZero()
    {
        Assert.Equal(0, LatencyStats.Percentile([], 95));
    }
}

public class TokenEstimatorTests
{
    [Theory]
    [InlineData("", 0)]
    [InlineData("a", 1)]
    [InlineData("abcd", 1)]
    [InlineData("abcde", 2)]
    public void Estimate_Text_IsCeilingOfCharactersOverFour(string text, long expected)
    {
        Assert.Equal(expected, TokenEstimator.Estimate(text));
    }

    [Fact]
    public void Estimate_Texts_JoinsWithNewlines()
    {
        Assert.Equal(3, TokenEstimator.Estimate(["abcd", "efgh", "ij"]));
    }
}
