using Engram.Cli.Locomo;

namespace Engram.Cli.Tests.Locomo;

public class LocomoTurnsTests
{
    [Fact]
    public void ToAddRequest_SpeakerA_IsUserWithDiaIdMetadataAndSessionDate()
    {
        var sample = LocomoDataset.Parse(LocomoFixture.Json).Samples[0];
        var session = sample.Sessions[0];

        var request = LocomoTurns.ToAddRequest(sample, session, session.Turns[0], LocomoMode.Raw);

        var message = Assert.Single(request.Messages);
        Assert.Equal(MemoryRoles.User, message.Role);
        Assert.Equal("Alice", message.Name);
        Assert.Equal("D1:1", message.ExternalId);
        Assert.Equal("I went to a pottery class yesterday.", message.Content);
        Assert.Equal("conv-x", request.Scope.UserId);
        Assert.Null(request.Scope.AgentId);
        Assert.False(request.Infer);
        Assert.Equal(session.Date, request.Timestamp);
        Assert.Equal("D1:1", request.Metadata!["dia_id"].GetString());
        Assert.Equal(1, request.Metadata["session"].GetInt32());
    }

    [Fact]
    public void ToAddRequest_SpeakerBInExtractedMode_IsAssistantWithInfer()
    {
        var sample = LocomoDataset.Parse(LocomoFixture.Json).Samples[0];
        var session = sample.Sessions[1];

        var request = LocomoTurns.ToAddRequest(sample, session, session.Turns[0], LocomoMode.Extracted);

        Assert.Equal(MemoryRoles.Assistant, request.Messages[0].Role);
        Assert.True(request.Infer);
        Assert.Equal(2, request.Metadata!["session"].GetInt32());
    }

    [Fact]
    public void RetrievedDialogIds_HitsWithDiaIdAndDiaIds_AreNormalisedAndDeduplicatedInRankOrder()
    {
        var hits = new[]
        {
            Hit("""{"dia_id":"D2:01"}"""),
            Hit("""{"dia_ids":["D1:1","D2:1","D3:4"]}"""),
            Hit("""{"dia_id":"D1:1","dia_ids":["D5:5"]}"""),
            Hit("""{"topic":"none"}"""),
            Hit("""{"dia_id":7}"""),
        };

        Assert.Equal(["D2:1", "D1:1", "D3:4", "D5:5"], LocomoTurns.RetrievedDialogIds(hits));
    }

    [Fact]
    public void FullText_Sample_HasOneSpeakerLinePerTurn()
    {
        var sample = LocomoDataset.Parse(LocomoFixture.Json).Samples[1];

        Assert.Equal("Carol: Hello.", LocomoTurns.FullText(sample));
    }

    private static MemorySearchHit Hit(string metadataJson)
    {
        var now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        return new MemorySearchHit
        {
            Score = 0.5,
            Item = new MemoryItem
            {
                Id = Guid.NewGuid().ToString(),
                Memory = "m",
                Hash = "h",
                Scope = MemoryScope.ForUser("u"),
                Metadata = MemoryMetadata.Parse(metadataJson),
                CreatedAt = now,
                UpdatedAt = now,
                ObservedAt = now,
            },
        };
    }
}
