using System.Collections.Frozen;

namespace Engram;

/// <summary>Splits conversational English text into sentences.</summary>
/// <remarks>
/// A sentence ends at a run of <c>.</c>, <c>!</c> or <c>?</c> (with any closing quotes or brackets after it) followed
/// by whitespace or the end of the text, and at every line break. A period after a title or common abbreviation
/// (<c>Dr.</c>, <c>e.g.</c>, <c>etc.</c>) or a single capital initial (<c>J. K. Rowling</c>) does not end a
/// sentence, nor does one inside a number (<c>3.5</c>). Stateless and thread-safe.
/// </remarks>
internal static class SentenceSplitter
{
    private static readonly FrozenSet<string> Abbreviations = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
    [
        "mr", "mrs", "ms", "dr", "st", "mt", "ft", "prof", "jr", "sr", "rev", "gen", "capt", "lt", "sgt", "col", "gov",
        "sen", "rep", "vs", "etc", "e.g", "i.e", "approx", "dept", "est", "inc", "ltd", "co", "corp", "ave",
    ]);

    /// <summary>Splits text into trimmed, non-empty sentences, terminal punctuation included.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The sentences in order.</returns>
    internal static List<string> Split(string text)
    {
        var sentences = new List<string>();
        var start = 0;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c is '\n' or '\r')
            {
                Add(text, start, i, sentences);
                start = i + 1;
                i++;
                continue;
            }

            if (c is '.' or '!' or '?' or '\u2026')
            {
                var end = i + 1;
                while (end < text.Length && text[end] is '.' or '!' or '?' or '\u2026')
                {
                    end++;
                }

                while (end < text.Length && text[end] is '"' or '\u201D' or '\u2019' or '\'' or ')' or ']')
                {
                    end++;
                }

                var atBoundary = end >= text.Length || char.IsWhiteSpace(text[end]);
                if (atBoundary && !(c == '.' && end == i + 1 && IsAbbreviation(text, start, i)))
                {
                    Add(text, start, end, sentences);
                    start = end;
                }

                i = end;
                continue;
            }

            i++;
        }

        Add(text, start, text.Length, sentences);
        return sentences;
    }

    private static bool IsAbbreviation(string text, int sentenceStart, int period)
    {
        var wordStart = period;
        while (wordStart > sentenceStart && (char.IsLetter(text[wordStart - 1]) || text[wordStart - 1] == '.'))
        {
            wordStart--;
        }

        var word = text.AsSpan(wordStart, period - wordStart);
        if (word.Length == 0)
        {
            return false;
        }

        if (word.Length == 1 && char.IsUpper(word[0]) && word[0] != 'I')
        {
            return true;
        }

        return Abbreviations.GetAlternateLookup<ReadOnlySpan<char>>().Contains(word);
    }

    private static void Add(string text, int start, int end, List<string> sentences)
    {
        var sentence = text.AsSpan(start, end - start).Trim();
        if (!sentence.IsEmpty)
        {
            sentences.Add(sentence.ToString());
        }
    }
}
