using Engram.Cli.Locomo;

namespace Engram.Cli.Tests.Locomo;

public class DialogIdsTests
{
    [Theory]
    [InlineData("D1:3", "D1:3")]
    [InlineData("D30:05", "D30:5")]
    [InlineData("D030:5", "D30:5")]
    [InlineData("D1:0", "D1:0")]
    [InlineData("D00:00", "D0:0")]
    public void TryNormalize_ValidId_StripsLeadingZeros(string token, string expected)
    {
        Assert.True(DialogIds.TryNormalize(token, out var normalized));
        Assert.Equal(expected, normalized);
    }

    [Theory]
    [InlineData("D")]
    [InlineData("D:11:26")]
    [InlineData("d1:3")]
    [InlineData("D1:3;")]
    [InlineData("D1")]
    [InlineData("1:3")]
    [InlineData("")]
    [InlineData(null)]
    public void TryNormalize_MalformedToken_ReturnsFalse(string? token)
    {
        Assert.False(DialogIds.TryNormalize(token, out _));
    }

    [Fact]
    public void ParseEvidence_SemicolonInsideEntry_SplitsIntoTwoIds()
    {
        Assert.Equal(["D8:6", "D9:17"], DialogIds.ParseEvidence(["D8:6; D9:17"]));
    }

    [Fact]
    public void ParseEvidence_CommasAndStraySpaces_SplitsAndTrims()
    {
        Assert.Equal(["D1:3", "D1:5", "D2:1"], DialogIds.ParseEvidence([" D1:3 ,D1:5", "  D2:1  "]));
    }

    [Fact]
    public void ParseEvidence_MalformedTokens_AreDropped()
    {
        Assert.Equal(["D1:18", "D1:20"], DialogIds.ParseEvidence(["D1:18", "D", "D1:20"]));
        Assert.Equal(["D1:14", "D20:21"], DialogIds.ParseEvidence(["D1:14", "D:11:26", "D20:21"]));
    }

    [Fact]
    public void ParseEvidence_ZeroPaddedDuplicates_AreMergedInFirstSeenOrder()
    {
        Assert.Equal(["D30:5", "D1:2"], DialogIds.ParseEvidence(["D30:05", "D1:2", "D30:5"]));
    }

    [Fact]
    public void ParseEvidence_NoValidId_ReturnsEmpty()
    {
        Assert.Empty(DialogIds.ParseEvidence([]));
        Assert.Empty(DialogIds.ParseEvidence(["", "D", "n/a", null]));
    }
}
