using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Engram.Cli.Locomo;

/// <summary>
/// A LoCoMo data file (Maharana et al., ACL 2024): conversations with their sessions, turns and questions.
/// </summary>
/// <remarks>
/// Only the parts the evaluation uses are read: <c>sample_id</c>, <c>speaker_a</c>/<c>speaker_b</c>, the
/// <c>session_&lt;N&gt;</c> arrays that exist (numeric order; conv-26 has date keys without sessions) with their
/// <c>session_&lt;N&gt;_date_time</c>, and <c>qa</c>. Immutable.
/// </remarks>
/// <param name="Samples">The conversations, in file order.</param>
internal sealed partial record LocomoDataset(IReadOnlyList<LocomoSample> Samples)
{
    /// <summary>Loads a LoCoMo file.</summary>
    /// <param name="path">The path of the JSON file.</param>
    /// <param name="cancellationToken">A token to cancel the read.</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="CliDataException">The file is missing, unreadable or not in LoCoMo's format.</exception>
    public static async Task<LocomoDataset> LoadAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new CliDataException($"LoCoMo file '{path}' not found.");
        }

        try
        {
            await using var stream = File.OpenRead(path);
            using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
            return Parse(document.RootElement, path);
        }
        catch (JsonException ex)
        {
            throw new CliDataException($"LoCoMo file '{path}' is not valid JSON: {ex.Message}", ex);
        }
        catch (IOException ex)
        {
            throw new CliDataException($"LoCoMo file '{path}' cannot be read: {ex.Message}", ex);
        }
    }

    /// <summary>Parses LoCoMo JSON text.</summary>
    /// <param name="json">The JSON array of samples.</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="CliDataException">The text is not in LoCoMo's format.</exception>
    public static LocomoDataset Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return Parse(document.RootElement, "input");
        }
        catch (JsonException ex)
        {
            throw new CliDataException($"LoCoMo input is not valid JSON: {ex.Message}", ex);
        }
    }

    /// <summary>Selects samples by id, keeping file order.</summary>
    /// <param name="sampleIds">The ids to keep; <see langword="null"/> or empty keeps all.</param>
    /// <returns>The selected samples.</returns>
    /// <exception cref="CliUsageException">An id is not in the dataset.</exception>
    public IReadOnlyList<LocomoSample> Select(IReadOnlyCollection<string>? sampleIds)
    {
        if (sampleIds is null || sampleIds.Count == 0)
        {
            return Samples;
        }

        var known = Samples.Select(s => s.SampleId).ToHashSet(StringComparer.Ordinal);
        var unknown = sampleIds.Where(id => !known.Contains(id)).ToList();
        if (unknown.Count > 0)
        {
            throw new CliUsageException(
                $"Unknown sample '{unknown[0]}'; the file has {string.Join(", ", Samples.Select(s => s.SampleId))}.");
        }

        var wanted = sampleIds.ToHashSet(StringComparer.Ordinal);
        return Samples.Where(s => wanted.Contains(s.SampleId)).ToList();
    }

    private static LocomoDataset Parse(JsonElement root, string source)
    {
        if (root.ValueKind != JsonValueKind.Array)
        {
            throw new CliDataException($"LoCoMo file '{source}' must hold a JSON array of samples.");
        }

        var samples = new List<LocomoSample>();
        foreach (var sample in root.EnumerateArray())
        {
            samples.Add(ParseSample(sample, source));
        }

        return new LocomoDataset(samples);
    }

    private static LocomoSample ParseSample(JsonElement sample, string source)
    {
        var sampleId = RequiredString(sample, "sample_id", source);
        if (!sample.TryGetProperty("conversation", out var conversation) || conversation.ValueKind != JsonValueKind.Object)
        {
            throw new CliDataException($"LoCoMo sample '{sampleId}' in '{source}' has no 'conversation' object.");
        }

        var speakerA = RequiredString(conversation, "speaker_a", source);
        var speakerB = RequiredString(conversation, "speaker_b", source);

        var sessions = new List<LocomoSession>();
        foreach (var property in conversation.EnumerateObject())
        {
            var match = SessionKeyRegex().Match(property.Name);
            if (!match.Success || property.Value.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            var number = int.Parse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture);
            var dateKey = $"session_{number}_date_time";
            if (!conversation.TryGetProperty(dateKey, out var dateElement) || dateElement.ValueKind != JsonValueKind.String)
            {
                throw new CliDataException($"LoCoMo sample '{sampleId}' has session {number} without '{dateKey}'.");
            }

            var dateText = dateElement.GetString()!;
            if (!TemporalResolver.TryParseLoCoMoDateTime(dateText, out var date))
            {
                throw new CliDataException($"LoCoMo sample '{sampleId}' has an unreadable '{dateKey}': '{dateText}'.");
            }

            var turns = new List<LocomoTurn>();
            foreach (var turn in property.Value.EnumerateArray())
            {
                turns.Add(new LocomoTurn(
                    RequiredString(turn, "speaker", source),
                    RequiredString(turn, "dia_id", source),
                    OptionalString(turn, "text") ?? string.Empty,
                    OptionalString(turn, "blip_caption")));
            }

            sessions.Add(new LocomoSession(number, dateText, date, turns));
        }

        sessions.Sort((a, b) => a.Number.CompareTo(b.Number));

        var questions = new List<LocomoQuestion>();
        if (sample.TryGetProperty("qa", out var qa) && qa.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var q in qa.EnumerateArray())
            {
                var evidence = new List<string>();
                if (q.TryGetProperty("evidence", out var ev) && ev.ValueKind == JsonValueKind.Array)
                {
                    evidence.AddRange(ev.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!));
                }

                var category = q.TryGetProperty("category", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out var ci) ? ci : 0;
                questions.Add(new LocomoQuestion(
                    index,
                    OptionalString(q, "question") ?? string.Empty,
                    q.TryGetProperty("answer", out var answer) ? ScalarText(answer) : null,
                    category,
                    evidence));
                index++;
            }
        }

        return new LocomoSample(sampleId, speakerA, speakerB, sessions, questions);
    }

    private static string RequiredString(JsonElement element, string name, string source)
    {
        if (element.ValueKind == JsonValueKind.Object
            && element.TryGetProperty(name, out var value)
            && value.ValueKind == JsonValueKind.String)
        {
            return value.GetString()!;
        }

        throw new CliDataException($"LoCoMo file '{source}' has an entry without a string '{name}'.");
    }

    private static string? OptionalString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? ScalarText(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => element.GetRawText(),
        _ => null,
    };

    [GeneratedRegex(@"^session_(\d+)$", RegexOptions.CultureInvariant)]
    private static partial Regex SessionKeyRegex();
}

/// <summary>One LoCoMo conversation.</summary>
/// <param name="SampleId">The sample id (<c>conv-26</c>); used as the <c>user_id</c> scope.</param>
/// <param name="SpeakerA">The first speaker, stored with role <c>user</c>.</param>
/// <param name="SpeakerB">The second speaker, stored with role <c>assistant</c>.</param>
/// <param name="Sessions">The sessions that exist, in numeric order.</param>
/// <param name="Questions">All questions, in file order (their position is the audit's <c>qa_index</c>).</param>
internal sealed record LocomoSample(
    string SampleId,
    string SpeakerA,
    string SpeakerB,
    IReadOnlyList<LocomoSession> Sessions,
    IReadOnlyList<LocomoQuestion> Questions)
{
    /// <summary>Gets the number of turns over all sessions.</summary>
    public int TurnCount => Sessions.Sum(s => s.Turns.Count);
}

/// <summary>One session of a conversation.</summary>
/// <param name="Number">The session number N of <c>session_N</c>.</param>
/// <param name="DateText">The original <c>session_N_date_time</c> text.</param>
/// <param name="Date">The parsed date (UTC).</param>
/// <param name="Turns">The turns, in order.</param>
internal sealed record LocomoSession(int Number, string DateText, DateTimeOffset Date, IReadOnlyList<LocomoTurn> Turns);

/// <summary>One dialogue turn.</summary>
/// <param name="Speaker">The speaker's name.</param>
/// <param name="DiaId">The turn id (<c>D1:3</c>).</param>
/// <param name="Text">The text.</param>
/// <param name="BlipCaption">The caption of a shared photo, when any.</param>
internal sealed record LocomoTurn(string Speaker, string DiaId, string Text, string? BlipCaption)
{
    /// <summary>Gets the text that is stored: the turn text plus <c> [shared a photo: caption]</c> when a photo was shared.</summary>
    public string Content => string.IsNullOrWhiteSpace(BlipCaption) ? Text : $"{Text} [shared a photo: {BlipCaption}]";
}

/// <summary>One question.</summary>
/// <param name="Index">The 0-based position in the sample's <c>qa</c> array (the audit's <c>qa_index</c>).</param>
/// <param name="Question">The question text.</param>
/// <param name="Answer">The answer as text, when any (category 5 has none).</param>
/// <param name="Category">1 multi-hop, 2 temporal, 3 open-domain, 4 single-hop, 5 adversarial.</param>
/// <param name="Evidence">The raw evidence entries, possibly malformed (see <see cref="DialogIds.ParseEvidence"/>).</param>
internal sealed record LocomoQuestion(int Index, string Question, string? Answer, int Category, IReadOnlyList<string> Evidence);
