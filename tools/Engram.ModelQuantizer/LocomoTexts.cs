using System.Text.Json;

namespace Engram.ModelQuantizer;

/// <summary>Reads real conversation text from a LoCoMo file, for calibration and fidelity checks.</summary>
public static class LocomoTexts
{
    /// <summary>The prefix snowflake-arctic-embed expects on queries (documents take none).</summary>
    public const string QueryPrefix = "Represent this sentence for searching relevant passages: ";

    /// <summary>Reads every turn's text and every question of a LoCoMo file, in file order.</summary>
    /// <param name="path">The LoCoMo JSON file (an array of conversations with <c>conversation</c> and <c>qa</c>).</param>
    /// <returns>The turns, and the questions with <see cref="QueryPrefix"/> in front.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is <see langword="null"/> or blank.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="JsonException">The file is not JSON.</exception>
    public static LocomoTextSet Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var turns = new List<string>();
        var questions = new List<string>();
        foreach (var sample in document.RootElement.EnumerateArray())
        {
            foreach (var property in sample.GetProperty("conversation").EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.Array)
                {
                    turns.AddRange(property.Value.EnumerateArray()
                        .Select(turn => turn.GetProperty("text").GetString())
                        .OfType<string>());
                }
            }

            questions.AddRange(sample.GetProperty("qa").EnumerateArray()
                .Select(qa => qa.GetProperty("question").GetString())
                .OfType<string>()
                .Select(question => QueryPrefix + question));
        }

        return new LocomoTextSet(turns, questions);
    }
}
