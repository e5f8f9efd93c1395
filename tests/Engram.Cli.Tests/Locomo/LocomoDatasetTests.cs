using Engram.Cli.Locomo;

namespace Engram.Cli.Tests.Locomo;

public class LocomoDatasetTests
{
    [Fact]
    public void Parse_Fixture_ReadsSessionsThatExistInNumericOrder()
    {
        var dataset = LocomoDataset.Parse(LocomoFixture.Json);

        var sample = dataset.Samples[0];
        Assert.Equal("conv-x", sample.SampleId);
        Assert.Equal("Alice", sample.SpeakerA);
        Assert.Equal([1, 2], sample.Sessions.Select(s => s.Number));
        Assert.Equal(new DateTimeOffset(2023, 5, 8, 13, 56, 0, TimeSpan.Zero), sample.Sessions[0].Date);
        Assert.Equal(["D1:1", "D1:2", "D2:1", "D2:2"], LocomoTurns.Enumerate(sample).Select(t => t.Turn.DiaId));
        Assert.Equal(4, sample.TurnCount);
    }

    [Fact]
    public void Parse_TurnWithCaption_AppendsSharedPhotoToContent()
    {
        var turn = LocomoDataset.Parse(LocomoFixture.Json).Samples[0].Sessions[1].Turns[1];

        Assert.Equal("Look! [shared a photo: a photo of a lake at sunrise]", turn.Content);
    }

    [Fact]
    public void Parse_Questions_KeepsIndexCategoryAndAnswerText()
    {
        var questions = LocomoDataset.Parse(LocomoFixture.Json).Samples[0].Questions;

        Assert.Equal([0, 1, 2, 3], questions.Select(q => q.Index));
        Assert.Equal("1", questions[1].Answer);
        Assert.Null(questions[2].Answer);
        Assert.Equal(5, questions[2].Category);
    }

    [Fact]
    public void Select_UnknownSample_ThrowsUsageError()
    {
        var dataset = LocomoDataset.Parse(LocomoFixture.Json);

        Assert.Throws<CliUsageException>(() => dataset.Select(["conv-404"]));
        Assert.Equal(["conv-y"], dataset.Select(["conv-y"]).Select(s => s.SampleId));
        Assert.Equal(2, dataset.Select([]).Count);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("[{\"sample_id\": \"a\"}]")]
    [InlineData("[1, 2")]
    [InlineData("[{\"sample_id\":\"a\",\"conversation\":{\"speaker_a\":\"A\",\"speaker_b\":\"B\",\"session_1\":[]}}]")]
    public void Parse_MalformedFile_ThrowsDataError(string json)
    {
        Assert.Throws<CliDataException>(() => LocomoDataset.Parse(json));
    }

    [Fact]
    public async Task LoadAsync_MissingFile_ThrowsDataError()
    {
        var ex = await Assert.ThrowsAsync<CliDataException>(() => LocomoDataset.LoadAsync("/nonexistent/locomo.json", CancellationToken.None));
        Assert.Contains("not found", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_DevFile_HasFiveConversationsAndTheirQuestions()
    {
        var dataset = await LocomoDataset.LoadAsync(RepoPaths.LocomoDev, CancellationToken.None);

        Assert.Equal(["conv-26", "conv-30", "conv-41", "conv-42", "conv-43"], dataset.Samples.Select(s => s.SampleId));
        Assert.Equal(2760, dataset.Samples.Sum(s => s.TurnCount));
        Assert.Equal(999, dataset.Samples.Sum(s => s.Questions.Count));
        var evaluated = dataset.Samples.SelectMany(s => s.Questions)
            .Count(q => q.Category is >= 1 and <= 4 && DialogIds.ParseEvidence(q.Evidence).Count > 0);
        Assert.Equal(760, evaluated);
        Assert.Equal(19, dataset.Samples[0].Sessions.Count);
    }
}
