namespace Engram.OpenAI.Tests;

public sealed class LlmJsonTests
{
    [Theory]
    [InlineData("""{"facts":[{"text":"a"}]}""")]
    [InlineData("```json\n{\"facts\":[{\"text\":\"a\"}]}\n```")]
    [InlineData("Here you go:\n{\"facts\":[{\"text\":\"a\"}]}\nHope this helps! {not json}")]
    [InlineData("""{"facts":[{"text":"a"},],}""")]
    [InlineData("""{"facts":[{"text":"a"},""")]
    [InlineData("""[{"text":"a"}]""")]
    public void TryReadAnswer_RepairsCommonDamage(string answer)
    {
        var root = ExtractionPrompt.TryReadAnswer(answer);
        Assert.NotNull(root);
        Assert.Equal("a", root.Value.GetProperty("facts")[0].GetProperty("text").GetString());
    }

    [Theory]
    [InlineData("""{"facts":[{"text":"a"},{"text":"b""")]
    [InlineData("Sure! Here is what I found: {facts: [oops")]
    [InlineData("")]
    [InlineData("""{"answer": 42}""")]
    public void TryReadAnswer_LossyOrUnusable_IsRejected(string answer)
    {
        Assert.Null(ExtractionPrompt.TryReadAnswer(answer));
    }

    [Fact]
    public void TryReadAnswer_Mem0Shape_IsAccepted()
    {
        Assert.NotNull(ExtractionPrompt.TryReadAnswer("""{"memory":[{"id":"0","text":"x","attributed_to":"user","linked_memory_ids":[]}]}"""));
    }
}
