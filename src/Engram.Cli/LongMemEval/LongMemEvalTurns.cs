using System.Globalization;
using System.Text;
using System.Text.Json;
using Engram.Cli.Output;

namespace Engram.Cli.LongMemEval;

/// <summary>Maps LongMemEval sessions to Engram add requests (benchmarks.md §2).</summary>
internal static class LongMemEvalTurns
{
    /// <summary>The number of Unicode code points of a turn's content that are stored.</summary>
    public const int MaxContentCodePoints = 4000;

    /// <summary>The metadata key holding a memory's session id.</summary>
    public const string SessionIdKey = "haystack_session_id";

    /// <summary>
    /// Builds the text stored for a turn: <c>"&lt;role&gt;: &lt;content&gt;"</c>, the content cut to
    /// <see cref="MaxContentCodePoints"/> Unicode code points (never inside a surrogate pair).
    /// </summary>
    /// <param name="turn">The turn.</param>
    /// <returns>The memory text.</returns>
    public static string MemoryText(LongMemEvalTurn turn)
    {
        ArgumentNullException.ThrowIfNull(turn);
        return string.Concat(turn.Role, ": ", Truncate(turn.Content, MaxContentCodePoints));
    }

    /// <summary>Cuts a text to at most <paramref name="codePoints"/> Unicode code points (a lone surrogate counts as one).</summary>
    /// <param name="text">The text.</param>
    /// <param name="codePoints">The maximum number of code points.</param>
    /// <returns>The text itself when it is short enough, otherwise its first <paramref name="codePoints"/> code points.</returns>
    public static string Truncate(string text, int codePoints)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfNegative(codePoints);
        if (text.Length <= codePoints)
        {
            return text; // a UTF-16 string never has more code points than chars
        }

        var index = 0;
        for (var count = 0; count < codePoints && index < text.Length; count++)
        {
            _ = Rune.DecodeFromUtf16(text.AsSpan(index), out _, out var consumed); // a lone surrogate: InvalidData, one char
            index += Math.Max(consumed, 1);
        }

        return text[..index];
    }

    /// <summary>
    /// Builds the add request of one session: one message per turn (its role, content = <see cref="MemoryText"/>,
    /// external id <c>&lt;session id&gt;:&lt;turn index&gt;</c>), scope <c>user_id = question_id</c>, metadata
    /// <c>{"haystack_session_id"}</c> (a top-level <c>session_id</c> filter means the run scope, so the eval keeps its own key), the session date as the observation time, <c>infer=false</c>. With <c>infer=false</c> the
    /// engine stores each message's content verbatim as one memory, in message order.
    /// </summary>
    /// <param name="question">The question whose haystack the session belongs to.</param>
    /// <param name="session">The session.</param>
    /// <returns>The request.</returns>
    public static AddMemoriesRequest ToAddRequest(LongMemEvalQuestion question, LongMemEvalSession session)
    {
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(session);
        return new AddMemoriesRequest
        {
            Messages = session.Turns
                .Select((turn, index) => new MemoryMessage
                {
                    Role = turn.Role,
                    Content = MemoryText(turn),
                    ExternalId = string.Create(CultureInfo.InvariantCulture, $"{session.Id}:{index}"),
                })
                .ToList(),
            Scope = MemoryScope.ForUser(question.QuestionId),
            Metadata = new Dictionary<string, JsonElement>(StringComparer.Ordinal)
            {
                [SessionIdKey] = JsonSerializer.SerializeToElement(session.Id, CliJsonContext.Default.String),
            },
            Timestamp = session.Date,
            Infer = false,
        };
    }
}

/// <summary>A turn of a haystack: its session and 0-based index within the session.</summary>
/// <param name="SessionId">The session id.</param>
/// <param name="Turn">The 0-based turn index within the session.</param>
internal readonly record struct TurnRef(string SessionId, int Turn);
