using System.Text.Json;

namespace Engram.Cli.Locomo;

/// <summary>
/// Published corrections of LoCoMo labels (the <c>locomo-audit</c> <c>errors.json</c> format: entries with
/// <c>sample_id</c>, 0-based <c>qa_index</c>, <c>question</c>, <c>cited_evidence</c>, <c>correct_evidence</c>,
/// <c>golden_answer</c>, <c>correct_answer</c> and <c>error_type</c>).
/// </summary>
/// <remarks>
/// How corrections are applied to a question (<see cref="Apply"/>):
/// <list type="bullet">
/// <item>An entry matches the question at <c>qa_index</c> of its <c>sample_id</c>; when the entry gives a
/// <c>question</c> text that differs from the dataset's, the entry is ignored (counted as unmatched).</item>
/// <item>When <c>correct_evidence</c> holds at least one valid dialogue id (parsed like the dataset's evidence), it
/// replaces the question's evidence.</item>
/// <item>Answer-only corrections (<c>correct_evidence</c> empty, missing, or equal to the original evidence) leave the
/// question unchanged: retrieval recall scores evidence, never answers, so a corrected answer has no effect here. They
/// are counted and reported, not dropped.</item>
/// </list>
/// Immutable.
/// </remarks>
internal sealed class LocomoCorrections
{
    private readonly Dictionary<(string SampleId, int QaIndex), LocomoCorrection> _byQuestion;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="entries">The corrections; for duplicate (sample, index) pairs the last one wins.</param>
    public LocomoCorrections(IReadOnlyList<LocomoCorrection> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        Entries = entries;
        _byQuestion = new Dictionary<(string, int), LocomoCorrection>();
        foreach (var entry in entries)
        {
            _byQuestion[(entry.SampleId, entry.QaIndex)] = entry;
        }
    }

    /// <summary>Gets the corrections, in file order.</summary>
    public IReadOnlyList<LocomoCorrection> Entries { get; }

    /// <summary>Loads a corrections file.</summary>
    /// <param name="path">The path of the JSON file.</param>
    /// <param name="cancellationToken">A token to cancel the read.</param>
    /// <returns>The corrections.</returns>
    /// <exception cref="CliDataException">The file is missing, unreadable or not in the audit's format.</exception>
    public static async Task<LocomoCorrections> LoadAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new CliDataException($"Corrections file '{path}' not found.");
        }

        try
        {
            await using var stream = File.OpenRead(path);
            using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
            return Parse(document.RootElement, path);
        }
        catch (JsonException ex)
        {
            throw new CliDataException($"Corrections file '{path}' is not valid JSON: {ex.Message}", ex);
        }
        catch (IOException ex)
        {
            throw new CliDataException($"Corrections file '{path}' cannot be read: {ex.Message}", ex);
        }
    }

    /// <summary>Parses corrections JSON text.</summary>
    /// <param name="json">A JSON array of entries.</param>
    /// <returns>The corrections.</returns>
    /// <exception cref="CliDataException">The text is not in the audit's format.</exception>
    public static LocomoCorrections Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return Parse(document.RootElement, "input");
        }
        catch (JsonException ex)
        {
            throw new CliDataException($"Corrections input is not valid JSON: {ex.Message}", ex);
        }
    }

    /// <summary>Gives a question's evidence with the corrections applied (see the type's remarks).</summary>
    /// <param name="sampleId">The question's sample.</param>
    /// <param name="question">The question.</param>
    /// <returns>The evidence to score against and what the correction did.</returns>
    public CorrectedEvidence Apply(string sampleId, LocomoQuestion question)
    {
        ArgumentNullException.ThrowIfNull(question);
        var original = DialogIds.ParseEvidence(question.Evidence);
        if (!_byQuestion.TryGetValue((sampleId, question.Index), out var entry))
        {
            return new CorrectedEvidence(original, CorrectionKind.None);
        }

        if (entry.Question is { } text && !string.Equals(text.Trim(), question.Question.Trim(), StringComparison.Ordinal))
        {
            return new CorrectedEvidence(original, CorrectionKind.Unmatched);
        }

        var corrected = entry.CorrectEvidence is null ? [] : DialogIds.ParseEvidence(entry.CorrectEvidence);
        if (corrected.Count == 0 || corrected.ToHashSet(StringComparer.Ordinal).SetEquals(original))
        {
            return new CorrectedEvidence(original, CorrectionKind.AnswerOnly);
        }

        return new CorrectedEvidence(corrected, CorrectionKind.Evidence);
    }

    private static LocomoCorrections Parse(JsonElement root, string source)
    {
        if (root.ValueKind != JsonValueKind.Array)
        {
            throw new CliDataException($"Corrections file '{source}' must hold a JSON array of entries.");
        }

        var entries = new List<LocomoCorrection>();
        foreach (var entry in root.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Object
                || !entry.TryGetProperty("sample_id", out var sampleId) || sampleId.ValueKind != JsonValueKind.String
                || !entry.TryGetProperty("qa_index", out var qaIndex) || qaIndex.ValueKind != JsonValueKind.Number
                || !qaIndex.TryGetInt32(out var index) || index < 0)
            {
                throw new CliDataException($"Corrections file '{source}' has an entry without a string 'sample_id' and a non-negative integer 'qa_index'.");
            }

            entries.Add(new LocomoCorrection(
                sampleId.GetString()!,
                index,
                String(entry, "question"),
                String(entry, "error_type"),
                Strings(entry, "cited_evidence") ?? [],
                Strings(entry, "correct_evidence"),
                String(entry, "golden_answer"),
                String(entry, "correct_answer")));
        }

        return new LocomoCorrections(entries);
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static List<string>? Strings(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Array => value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).ToList(),
            JsonValueKind.String => [value.GetString()!],
            _ => null,
        };
    }
}

/// <summary>One published correction.</summary>
/// <param name="SampleId">The sample.</param>
/// <param name="QaIndex">The 0-based question index in the sample's <c>qa</c>.</param>
/// <param name="Question">The question text the audit saw, when given.</param>
/// <param name="ErrorType">The audit's error type (<c>WRONG_CITATION</c>, <c>HALLUCINATION</c>, …).</param>
/// <param name="CitedEvidence">The evidence as published.</param>
/// <param name="CorrectEvidence">The corrected evidence, when given.</param>
/// <param name="GoldenAnswer">The answer as published.</param>
/// <param name="CorrectAnswer">The corrected answer, when given.</param>
internal sealed record LocomoCorrection(
    string SampleId,
    int QaIndex,
    string? Question,
    string? ErrorType,
    IReadOnlyList<string> CitedEvidence,
    IReadOnlyList<string>? CorrectEvidence,
    string? GoldenAnswer,
    string? CorrectAnswer);

/// <summary>A question's evidence after corrections.</summary>
/// <param name="Evidence">The normalised evidence ids to score against.</param>
/// <param name="Kind">What the correction did.</param>
internal sealed record CorrectedEvidence(IReadOnlyList<string> Evidence, CorrectionKind Kind);

/// <summary>What a correction did to a question.</summary>
internal enum CorrectionKind
{
    /// <summary>No correction targets the question.</summary>
    None,

    /// <summary>The evidence was replaced.</summary>
    Evidence,

    /// <summary>Only the answer was corrected; retrieval recall is unaffected.</summary>
    AnswerOnly,

    /// <summary>The correction's question text differs from the dataset's; it was ignored.</summary>
    Unmatched,
}
