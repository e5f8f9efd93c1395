using System.Globalization;
using System.IO.Compression;
using System.Text.Json;

namespace Engram.Cli.LongMemEval;

/// <summary>
/// A LongMemEval file (Wu et al., ICLR 2025; the cleaned S release or a subset of it): a JSON array of questions, each
/// with its own haystack of chat sessions. Gzip-compressed files (<c>.json.gz</c>) are recognised by their magic bytes.
/// </summary>
/// <remarks>
/// Only what the retrieval protocol of benchmarks.md §2 uses is read: <c>question_id</c>, <c>question_type</c>,
/// <c>question</c>, <c>question_date</c>, <c>answer_session_ids</c>, <c>haystack_session_ids</c>,
/// <c>haystack_dates</c> and <c>haystack_sessions</c> (turns <c>{role, content, has_answer?}</c>). Immutable.
/// </remarks>
/// <param name="Questions">The questions, in file order.</param>
internal sealed record LongMemEvalDataset(IReadOnlyList<LongMemEvalQuestion> Questions)
{
    /// <summary>The format of <c>question_date</c> and <c>haystack_dates</c>: <c>2023/05/20 (Sat) 02:21</c>.</summary>
    public const string DateFormat = "yyyy/MM/dd (ddd) HH:mm";

    /// <summary>Loads a LongMemEval file, plain or gzip-compressed.</summary>
    /// <param name="path">The path of the JSON (or gzip'd JSON) file.</param>
    /// <param name="cancellationToken">A token to cancel the read.</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="CliDataException">The file is missing, unreadable or not in LongMemEval's format.</exception>
    public static async Task<LongMemEvalDataset> LoadAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new CliDataException($"LongMemEval file '{path}' not found.");
        }

        try
        {
            await using var file = File.OpenRead(path);
            var magic = new byte[2];
            var read = await file.ReadAtLeastAsync(magic, magic.Length, throwOnEndOfStream: false, cancellationToken);
            file.Position = 0;
            await using Stream stream = read == 2 && magic[0] == 0x1f && magic[1] == 0x8b
                ? new GZipStream(file, CompressionMode.Decompress)
                : file;
            using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
            return Parse(document.RootElement, path);
        }
        catch (JsonException ex)
        {
            throw new CliDataException($"LongMemEval file '{path}' is not valid JSON: {ex.Message}", ex);
        }
        catch (InvalidDataException ex)
        {
            throw new CliDataException($"LongMemEval file '{path}' is not valid gzip: {ex.Message}", ex);
        }
        catch (IOException ex)
        {
            throw new CliDataException($"LongMemEval file '{path}' cannot be read: {ex.Message}", ex);
        }
    }

    /// <summary>Parses LongMemEval JSON text.</summary>
    /// <param name="json">The JSON array of questions.</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="CliDataException">The text is not in LongMemEval's format.</exception>
    public static LongMemEvalDataset Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return Parse(document.RootElement, "input");
        }
        catch (JsonException ex)
        {
            throw new CliDataException($"LongMemEval input is not valid JSON: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Selects questions: those of the given types (all when none is given), then the first <paramref name="count"/>
    /// of them, in file order.
    /// </summary>
    /// <param name="types">The question types to keep; empty keeps all.</param>
    /// <param name="count">The number of questions to keep, or <see langword="null"/> for all.</param>
    /// <returns>The selected questions.</returns>
    /// <exception cref="CliUsageException">A type does not occur in the file, or <paramref name="count"/> is not positive.</exception>
    public IReadOnlyList<LongMemEvalQuestion> Select(IReadOnlyCollection<string> types, int? count)
    {
        ArgumentNullException.ThrowIfNull(types);
        if (count is <= 0)
        {
            throw new CliUsageException($"--questions must be a positive number, not {count}.");
        }

        var known = Questions.Select(q => q.QuestionType).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var unknown = types.FirstOrDefault(t => !known.Contains(t, StringComparer.Ordinal));
        if (unknown is not null)
        {
            throw new CliUsageException($"Unknown question type '{unknown}'; the file has {string.Join(", ", known)}.");
        }

        IEnumerable<LongMemEvalQuestion> selected = Questions;
        if (types.Count > 0)
        {
            var wanted = types.ToHashSet(StringComparer.Ordinal);
            selected = selected.Where(q => wanted.Contains(q.QuestionType));
        }

        return (count is { } n ? selected.Take(n) : selected).ToList();
    }

    private static LongMemEvalDataset Parse(JsonElement root, string source)
    {
        if (root.ValueKind != JsonValueKind.Array)
        {
            throw new CliDataException($"LongMemEval file '{source}' must hold a JSON array of questions.");
        }

        var questions = new List<LongMemEvalQuestion>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var element in root.EnumerateArray())
        {
            var question = ParseQuestion(element, source);
            if (!ids.Add(question.QuestionId))
            {
                throw new CliDataException($"LongMemEval file '{source}' has question '{question.QuestionId}' twice.");
            }

            questions.Add(question);
        }

        return new LongMemEvalDataset(questions);
    }

    private static LongMemEvalQuestion ParseQuestion(JsonElement element, string source)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new CliDataException($"LongMemEval file '{source}' has an entry that is not an object.");
        }

        var id = RequiredString(element, "question_id", source, "?");
        var sessionIds = StringArray(element, "haystack_session_ids", source, id);
        var dates = StringArray(element, "haystack_dates", source, id);
        if (!element.TryGetProperty("haystack_sessions", out var haystack) || haystack.ValueKind != JsonValueKind.Array)
        {
            throw new CliDataException($"LongMemEval question '{id}' in '{source}' has no 'haystack_sessions' array.");
        }

        if (haystack.GetArrayLength() != sessionIds.Count || dates.Count != sessionIds.Count)
        {
            throw new CliDataException(
                $"LongMemEval question '{id}' in '{source}' has {sessionIds.Count} session ids, {dates.Count} dates and {haystack.GetArrayLength()} sessions.");
        }

        var sessions = new List<LongMemEvalSession>(sessionIds.Count);
        var index = 0;
        foreach (var session in haystack.EnumerateArray())
        {
            if (session.ValueKind != JsonValueKind.Array)
            {
                throw new CliDataException($"LongMemEval question '{id}' in '{source}': session '{sessionIds[index]}' is not an array of turns.");
            }

            var turns = new List<LongMemEvalTurn>();
            foreach (var turn in session.EnumerateArray())
            {
                var hasAnswer = turn.ValueKind == JsonValueKind.Object
                    && turn.TryGetProperty("has_answer", out var flag)
                    && flag.ValueKind == JsonValueKind.True;
                turns.Add(new LongMemEvalTurn(RequiredString(turn, "role", source, id), RequiredString(turn, "content", source, id), hasAnswer));
            }

            sessions.Add(new LongMemEvalSession(sessionIds[index], ParseDate(dates[index], "haystack_dates", id), turns));
            index++;
        }

        return new LongMemEvalQuestion(
            id,
            RequiredString(element, "question_type", source, id),
            RequiredString(element, "question", source, id),
            ParseDate(RequiredString(element, "question_date", source, id), "question_date", id),
            StringArray(element, "answer_session_ids", source, id).Distinct(StringComparer.Ordinal).ToList(),
            sessions);
    }

    /// <summary>Parses a LongMemEval date such as <c>2023/05/20 (Sat) 02:21</c>, read as UTC.</summary>
    /// <param name="text">The text.</param>
    /// <param name="date">The date (UTC).</param>
    /// <returns><see langword="true"/> when the text has the expected format.</returns>
    public static bool TryParseDate(string? text, out DateTimeOffset date) =>
        DateTimeOffset.TryParseExact(
            text, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out date);

    private static DateTimeOffset ParseDate(string text, string field, string id) =>
        TryParseDate(text, out var date)
            ? date
            : throw new CliDataException($"LongMemEval question '{id}' has an unreadable date in '{field}': '{text}' (expected '{DateFormat}').");

    private static string RequiredString(JsonElement element, string name, string source, string id)
    {
        if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
        {
            return value.GetString()!;
        }

        throw new CliDataException($"LongMemEval question '{id}' in '{source}' has an entry without a string '{name}'.");
    }

    private static List<string> StringArray(JsonElement element, string name, string source, string id)
    {
        if (!element.TryGetProperty(name, out var array) || array.ValueKind != JsonValueKind.Array
            || array.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
        {
            throw new CliDataException($"LongMemEval question '{id}' in '{source}' has no '{name}' array of strings.");
        }

        return array.EnumerateArray().Select(e => e.GetString()!).ToList();
    }
}

/// <summary>One LongMemEval question with its haystack.</summary>
/// <param name="QuestionId">The id; the <c>user_id</c> scope of its haystack. Ids ending in <c>_abs</c> are abstention questions.</param>
/// <param name="QuestionType">The type (<c>knowledge-update</c>, <c>multi-session</c>, <c>temporal-reasoning</c>, …).</param>
/// <param name="Question">The question text.</param>
/// <param name="QuestionDate">When the question is asked (UTC).</param>
/// <param name="AnswerSessionIds">The distinct ids of the sessions that hold the answer.</param>
/// <param name="Sessions">The haystack, in haystack order (not always chronological; a session may occur twice).</param>
internal sealed record LongMemEvalQuestion(
    string QuestionId,
    string QuestionType,
    string Question,
    DateTimeOffset QuestionDate,
    IReadOnlyList<string> AnswerSessionIds,
    IReadOnlyList<LongMemEvalSession> Sessions)
{
    /// <summary>The suffix of abstention question ids (ingested and searched, not scored).</summary>
    public const string AbstentionSuffix = "_abs";

    /// <summary>Gets a value indicating whether this is an abstention question (its id ends in <c>_abs</c>).</summary>
    public bool IsAbstention => QuestionId.EndsWith(AbstentionSuffix, StringComparison.Ordinal);

    /// <summary>Gets the number of turns over all sessions of the haystack.</summary>
    public int TurnCount => Sessions.Sum(s => s.Turns.Count);
}

/// <summary>One chat session of a haystack.</summary>
/// <param name="Id">The session id (<c>haystack_session_ids</c>).</param>
/// <param name="Date">The session's date (<c>haystack_dates</c>, read as UTC).</param>
/// <param name="Turns">The turns, in order.</param>
internal sealed record LongMemEvalSession(string Id, DateTimeOffset Date, IReadOnlyList<LongMemEvalTurn> Turns);

/// <summary>One turn of a session.</summary>
/// <param name="Role"><c>user</c> or <c>assistant</c>.</param>
/// <param name="Content">The text.</param>
/// <param name="HasAnswer">Whether the turn is labelled as holding (part of) the answer.</param>
internal sealed record LongMemEvalTurn(string Role, string Content, bool HasAnswer);
