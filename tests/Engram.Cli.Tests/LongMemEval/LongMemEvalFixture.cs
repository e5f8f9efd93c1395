using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Engram.Cli.Tests.LongMemEval;

/// <summary>
/// A tiny synthetic LongMemEval file: three questions whose rankings are designed so that the metrics can be computed
/// by hand (see the comments of each question).
/// </summary>
internal static class LongMemEvalFixture
{
    /// <summary>
    /// "lme-a" (single-session-user): one answer session whose first turn names every content word of the question;
    /// nothing else in the haystack shares a word with it. Every metric is 1 at every k.
    /// </summary>
    public static JsonObject QuestionA() => Question(
        "lme-a",
        "single-session-user",
        "What breed is my dog Biscuit?",
        ["a-dog"],
        Session("a-pasta", "2023/05/18 (Thu) 09:00", ("user", "How long should I boil fresh pasta?", false), ("assistant", "Fresh pasta cooks in about three minutes.", false)),
        Session("a-dog", "2023/05/20 (Sat) 02:21", ("user", "My dog Biscuit is a greyhound, a breed I adore.", true), ("assistant", "Greyhounds make calm companions.", false)),
        Session("a-bike", "2023/05/22 (Mon) 17:45", ("user", "My bicycle tire keeps going flat.", false), ("assistant", "Check the inner tube for a puncture and patch it.", false)));

    /// <summary>
    /// "lme-c" (multi-session): two answer sessions. "c-hotel" answers with every content word of the question (session
    /// rank 1); "c-breakfast" shares no word with the question, and comes first in the haystack and before a session that
    /// shares none either, so that no neighbour-turn context gives it one: it ranks last of the 9 distinct sessions
    /// (one filler is listed twice). Every other session shares at least one word with the question, directly or through
    /// a neighbour turn. Its answer turns are c-hotel:0 (in the top 5) and c-breakfast:0 (last but one or last of 20).
    /// </summary>
    public static JsonObject QuestionC()
    {
        var rome = Session("c-rome", "2023/04/02 (Sun) 08:00", ("user", "Rome has so many fountains to see.", false), ("assistant", "The Trevi Fountain is the most famous one.", false));
        return Question(
            "lme-c",
            "multi-session",
            "What is the name of the hotel where I stayed in Rome?",
            ["c-hotel", "c-breakfast"],
            Session("c-breakfast", "2023/04/10 (Mon) 07:30", ("user", "The breakfast buffet was forgettable, sadly.", true), ("assistant", "Sorry the mornings disappointed you.", false)),
            Session("c-basil", "2023/04/01 (Sat) 12:00", ("user", "Any tips for growing basil?", false), ("assistant", "Water it often and give it sun.", false)),
            rome,
            Session("c-kitten", "2023/04/03 (Mon) 12:00", ("user", "What should I name my new kitten?", false), ("assistant", "Try Mochi or Pepper.", false)),
            Session("c-hostel", "2023/04/04 (Tue) 12:00", ("user", "Is a hotel or a hostel cheaper for students?", false), ("assistant", "Hostels are usually cheaper.", false)),
            Session("c-hotel", "2023/04/09 (Sun) 21:10", ("user", "In Rome I stayed at the Hotel Artemide, a name I keep forgetting.", true), ("assistant", "Hotel Artemide is a lovely pick near Termini.", false)),
            Session("c-book", "2023/04/05 (Wed) 12:00", ("user", "I stayed up late reading last night.", false), ("assistant", "A good book is worth it.", false)),
            Session("c-marathon", "2023/04/06 (Thu) 12:00", ("user", "The Rome marathon is in March.", false), ("assistant", "Train with long runs on weekends.", false)),
            (JsonObject)rome.DeepClone(),
            Session("c-chain", "2023/04/07 (Fri) 12:00", ("user", "Give me a name for a hotel chain.", false), ("assistant", "Maybe Harbor Suites.", false)));
    }

    /// <summary>
    /// "lme-d_abs" (single-session-user, abstention): its answer session shares no word with the question. It is
    /// ingested and searched but not scored, so it must not move any metric.
    /// </summary>
    public static JsonObject QuestionD() => Question(
        "lme-d_abs",
        "single-session-user",
        "What is the name of my pet iguana?",
        ["d-answer"],
        Session("d-filler", "2023/03/01 (Wed) 10:00", ("user", "What is the name of the tallest mountain?", false), ("assistant", "Mount Everest, the name everyone knows.", false)),
        Session("d-answer", "2023/03/02 (Thu) 10:00", ("user", "My lizard sleeps under a heat lamp.", true), ("assistant", "Reptiles need warmth.", false)));

    /// <summary>Gets the whole file as JSON text.</summary>
    public static string Json => new JsonArray(QuestionA(), QuestionC(), QuestionD()).ToJsonString();

    /// <summary>Writes the file gzip-compressed.</summary>
    /// <param name="path">The path.</param>
    /// <returns>A task.</returns>
    public static async Task WriteGzipAsync(string path)
    {
        await using var file = File.Create(path);
        await using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        await gzip.WriteAsync(Encoding.UTF8.GetBytes(Json));
    }

    private static JsonObject Question(string id, string type, string question, string[] answerSessions, params JsonObject[] sessions) => new()
    {
        ["question_id"] = id,
        ["question_type"] = type,
        ["question"] = question,
        ["question_date"] = "2023/06/01 (Thu) 10:00",
        ["answer"] = "synthetic",
        ["answer_session_ids"] = new JsonArray(answerSessions.Select(s => (JsonNode)JsonValue.Create(s)).ToArray()),
        ["haystack_dates"] = new JsonArray(sessions.Select(s => s["date"]!.DeepClone()).ToArray()),
        ["haystack_session_ids"] = new JsonArray(sessions.Select(s => s["id"]!.DeepClone()).ToArray()),
        ["haystack_sessions"] = new JsonArray(sessions.Select(s => s["turns"]!.DeepClone()).ToArray()),
    };

    private static JsonObject Session(string id, string date, params (string Role, string Content, bool HasAnswer)[] turns) => new()
    {
        ["id"] = id,
        ["date"] = date,
        ["turns"] = new JsonArray(turns.Select(t =>
        {
            var turn = new JsonObject { ["role"] = t.Role, ["content"] = t.Content };
            if (t.HasAnswer)
            {
                turn["has_answer"] = true;
            }

            return (JsonNode)turn;
        }).ToArray()),
    };

    /// <summary>Parses a JSON line.</summary>
    /// <param name="line">The line.</param>
    /// <returns>The root element (cloned).</returns>
    public static JsonElement Parse(string line)
    {
        using var document = JsonDocument.Parse(line);
        return document.RootElement.Clone();
    }
}
