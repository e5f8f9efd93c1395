using Engram.Cli.Locomo;

namespace Engram.Cli.Tests.Locomo;

public class LocomoCorrectionsTests
{
    private const string Corrections = """
        [
          { "sample_id": "conv-x", "qa_index": 0, "question": "What did Alice do yesterday?", "error_type": "WRONG_CITATION",
            "cited_evidence": ["D1:1"], "correct_evidence": ["D1:2", "D2:01"], "golden_answer": "pottery class", "correct_answer": "pottery class" },
          { "sample_id": "conv-x", "qa_index": 1, "question": "How many pets does Bob have?", "error_type": "HALLUCINATION",
            "cited_evidence": ["D2:1", "D1:2"], "correct_evidence": ["D1:2", "D2:1"], "golden_answer": "1", "correct_answer": "one dog" },
          { "sample_id": "conv-x", "qa_index": 3, "question": "What has no evidence?", "error_type": "AMBIGUOUS",
            "cited_evidence": [], "correct_evidence": ["D2:2"], "golden_answer": "nothing", "correct_answer": "a photo" },
          { "sample_id": "conv-y", "qa_index": 0, "question": "A question that is not there", "correct_evidence": ["D1:1"] }
        ]
        """;

    [Fact]
    public void Apply_WrongCitation_ReplacesEvidenceWithNormalisedCorrection()
    {
        var (corrections, questions) = Load();

        var result = corrections.Apply("conv-x", questions[0]);

        Assert.Equal(CorrectionKind.Evidence, result.Kind);
        Assert.Equal(["D1:2", "D2:1"], result.Evidence);
    }

    [Fact]
    public void Apply_AnswerOnlyCorrection_KeepsOriginalEvidence()
    {
        var (corrections, questions) = Load();

        var result = corrections.Apply("conv-x", questions[1]);

        Assert.Equal(CorrectionKind.AnswerOnly, result.Kind);
        Assert.Equal(["D2:1", "D1:2"], result.Evidence);
    }

    [Fact]
    public void Apply_CorrectionGivesEvidenceToQuestionWithout_AddsIt()
    {
        var (corrections, questions) = Load();

        var result = corrections.Apply("conv-x", questions[3]);

        Assert.Equal(CorrectionKind.Evidence, result.Kind);
        Assert.Equal(["D2:2"], result.Evidence);
    }

    [Fact]
    public void Apply_NoCorrection_ReturnsOriginalEvidence()
    {
        var (corrections, questions) = Load();

        var result = corrections.Apply("conv-x", questions[2]);

        Assert.Equal(CorrectionKind.None, result.Kind);
        Assert.Equal(["D1:2"], result.Evidence);
    }

    [Fact]
    public void Apply_QuestionTextDiffers_IgnoresCorrection()
    {
        var corrections = LocomoCorrections.Parse(Corrections);
        var question = new LocomoQuestion(0, "Something else?", "a", 4, ["D1:1"]);

        var result = corrections.Apply("conv-y", question);

        Assert.Equal(CorrectionKind.Unmatched, result.Kind);
        Assert.Equal(["D1:1"], result.Evidence);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("[{\"qa_index\": 1}]")]
    [InlineData("[{\"sample_id\": \"a\", \"qa_index\": -1}]")]
    [InlineData("not json")]
    public void Parse_MalformedFile_ThrowsDataError(string json)
    {
        Assert.Throws<CliDataException>(() => LocomoCorrections.Parse(json));
    }

    [Fact]
    public async Task LoadAsync_DevAuditFile_MatchesDevQuestions()
    {
        var dataset = await LocomoDataset.LoadAsync(RepoPaths.LocomoDev, CancellationToken.None);
        var corrections = await LocomoCorrections.LoadAsync(RepoPaths.LocomoAuditDev, CancellationToken.None);

        var kinds = corrections.Entries
            .Select(e => corrections.Apply(e.SampleId, dataset.Samples.Single(s => s.SampleId == e.SampleId).Questions[e.QaIndex]).Kind)
            .ToList();

        Assert.Equal(85, corrections.Entries.Count);
        Assert.DoesNotContain(CorrectionKind.Unmatched, kinds);
        Assert.Equal(34 + 24, kinds.Count(k => k == CorrectionKind.Evidence));
    }

    private static (LocomoCorrections Corrections, IReadOnlyList<LocomoQuestion> Questions) Load() =>
        (LocomoCorrections.Parse(Corrections), LocomoDataset.Parse(LocomoFixture.Json).Samples[0].Questions);
}
