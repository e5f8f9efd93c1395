using System.Collections.Frozen;
using System.Text;

namespace Engram;

#pragma warning disable CA1822 // Instance members by design: callers hold an instance (Default or injected), so a configurable analyzer can replace it later without an API break.
/// <summary>
/// Finds entity mentions in text without a model: capitalised name spans, quoted titles and known names, after Mem0's
/// spaCy-free heuristics (<c>mem0/utils/entity_extraction.py</c>, sources 3 and 4: capitalised multi-token spans
/// and quoted strings).
/// </summary>
/// <remarks>
/// <para>Rules, tuned for precision rather than recall:</para>
/// <list type="bullet">
/// <item><description>
/// <b>QUOTED</b>: text between double quotes (<c>"…"</c>, <c>“…”</c> or <c>«…»</c>) longer than 2 characters and at
/// most 100, trimmed of edge punctuation (<c>"Finding Freedom."</c> → <c>Finding Freedom</c>). Words inside quotes
/// are not also read as capitalised spans, so a title keeps its article (<c>The Lord of the Rings</c>). Straight
/// single quotes are not used: they are apostrophes too often.
/// </description></item>
/// <item><description>
/// <b>PROPER</b>: runs of capitalised words (first letter upper case, at least two letters, or an initial such as
/// <c>J.</c>), joined by spaces, hyphens (<c>Spider-Man</c>), title abbreviations (<c>Dr. Smith</c>) and, between
/// two capitalised words, up to two connectors <c>of</c>, <c>the</c>, <c>for</c>, <c>&amp;</c> or a name particle
/// (<c>de</c>, <c>van</c>, <c>von</c>, …): <c>Bank of America</c>, <c>Habitat for Humanity</c>,
/// <c>Vincent van Gogh</c>. Mem0 also accepts <c>at</c> and <c>in</c>; they are left out here because they join a
/// name to a place far more often than they build one (<c>Bank of America in New York</c>);
/// a connector never joins a run to a known name (<c>Expression of Melanie</c> gives only the PERSON).
/// <c>and</c> is not a connector either: it joins two names (<c>Luna and Oliver</c>) far more often than it
/// builds one. Any other punctuation ends a run; a possessive ends it after the word and is dropped from the name
/// (<c>Ed Sheeran's</c> → <c>Ed Sheeran</c>).
/// </description></item>
/// <item><description>
/// Sentence starts are capitalised by convention, so: a sentence-initial stop word, interjection or greeting
/// (<c>The</c>, <c>We</c>, <c>My</c>, <c>Thanks</c>, <c>Hey</c>, <c>Wow</c>) never starts a run; a single
/// capitalised word at sentence start is not an entity (<c>Painting is fun</c>), while a run of two or more is
/// (<c>Grand Canyon was amazing</c>); a sentence-initial word of four letters or more ending in <c>-ed</c>,
/// <c>-ing</c> or <c>-ly</c>, or followed by a known name, is dropped from the front of a run (<c>Visited Paris</c>
/// → <c>Paris</c>, <c>Tell Joanna</c> → <c>Joanna</c>). A capital after a colon also starts a sentence.
/// </description></item>
/// <item><description>
/// Never entities: the pronoun <c>I</c> and its contractions, capitalised stop words mid-sentence, weekday names
/// and their abbreviations (<c>Fri</c>), month names (they are dates; see <see cref="TemporalResolver"/>), numbers, and a lone mid-sentence interjection
/// (<c>OK</c>, <c>LOL</c>).
/// </description></item>
/// <item><description>
/// <b>PERSON</b> (overload with known names): each known name found anywhere, case-insensitively, on word
/// boundaries; the mention carries the known name's own spelling.
/// </description></item>
/// </list>
/// <para>
/// Mentions are distinct by <see cref="EntityMention.Key"/> (<see cref="Normalize"/>); when one key is found with
/// several types, PERSON wins over QUOTED, which wins over PROPER. Mentions are ordered by first occurrence.
/// Immutable, stateless and thread-safe.
/// </para>
/// </remarks>
public sealed class EntityExtractor
{
    /// <summary>The type of a known name (a speaker).</summary>
    public const string PersonType = "PERSON";

    /// <summary>The type of a capitalised name span.</summary>
    public const string ProperType = "PROPER";

    /// <summary>The type of a quoted string.</summary>
    public const string QuotedType = "QUOTED";

    private const int MaxQuotedLength = 100;
    private const int MaxConnectors = 2;

    private static readonly FrozenSet<string> Connectors = FrozenSet.Create(StringComparer.Ordinal,
        ["of", "the", "for", "de", "del", "della", "der", "di", "du", "da", "la", "le", "van", "von", "den"]);

    private static readonly FrozenSet<string> TitleAbbreviations = FrozenSet.Create(StringComparer.Ordinal,
    [
        "mr", "mrs", "ms", "dr", "st", "mt", "ft", "prof", "jr", "sr", "rev", "gen", "capt", "lt", "sgt", "col", "gov",
        "sen", "rep", "hon", "pres", "supt", "fr", "sis", "bro",
    ]);

    private static readonly FrozenSet<string> ClauseContractions = FrozenSet.Create(StringComparer.Ordinal,
        ["m", "re", "ve", "ll", "d", "t"]);

    private EntityExtractor()
    {
    }

    /// <summary>Gets the shared extractor (immutable; safe to use from any thread).</summary>
    public static EntityExtractor Default { get; } = new();

    /// <summary>Finds the capitalised name spans and quoted strings of a text.</summary>
    /// <param name="text">The text; may be empty.</param>
    /// <returns>The distinct mentions (types <c>PROPER</c> and <c>QUOTED</c>), in order of first occurrence.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    public IReadOnlyList<EntityMention> Extract(string text) => Extract(text, []);

    /// <summary>Finds entity mentions, including known names (for example the conversation's speakers) anywhere in the text.</summary>
    /// <param name="text">The text; may be empty.</param>
    /// <param name="knownNames">Names to find case-insensitively on word boundaries, reported as <c>PERSON</c>; blank entries are ignored.</param>
    /// <returns>The distinct mentions, in order of first occurrence.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> or <paramref name="knownNames"/> is <see langword="null"/>.</exception>
    public IReadOnlyList<EntityMention> Extract(string text, IReadOnlyCollection<string> knownNames)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(knownNames);

        var found = new List<Candidate>();
        if (knownNames.Count > 0)
        {
            FindKnownNames(text, knownNames, found);
        }

        var knownFirstWords = found.Count == 0
            ? null
            : found.Select(c => c.Mention.Key.Split(' ')[0]).ToHashSet(StringComparer.Ordinal);
        var quoted = FindQuoted(text, found);
        FindCapitalisedSpans(text, quoted, knownFirstWords, found);
        return Merge(found);
    }

    /// <summary>
    /// Normalises an entity name into its key: lower case, diacritics folded, whitespace collapsed, edge punctuation
    /// trimmed and a trailing possessive <c>'s</c> removed.
    /// </summary>
    /// <param name="name">The name as written.</param>
    /// <returns>The key, for example <c>"Ed  Sheeran's"</c> → <c>ed sheeran</c>, <c>Zoë</c> → <c>zoe</c>; empty when the name has no letters or digits.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <see langword="null"/>.</exception>
    public static string Normalize(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var builder = new StringBuilder(name.Length);
        var pendingSpace = false;
        foreach (var c in name)
        {
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            string? folded;
            if (c < '\u0080')
            {
                folded = null;
            }
            else if (TextFolding.IsApostrophe(c))
            {
                folded = "'";
            }
            else
            {
                folded = TextFolding.FoldNonAscii(c);
                if (folded is { Length: 0 })
                {
                    continue;
                }
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            if (folded is null)
            {
                builder.Append(c < '\u0080' ? TextFolding.ToLowerAscii(c) : char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(folded);
            }
        }

        var key = TrimNonAlphanumeric(builder.ToString());
        if (key.EndsWith("'s", StringComparison.Ordinal))
        {
            key = TrimNonAlphanumeric(key[..^2]);
        }

        return key;
    }

    private static string TrimNonAlphanumeric(string value)
    {
        var start = 0;
        var end = value.Length;
        while (start < end && !char.IsLetterOrDigit(value[start]))
        {
            start++;
        }

        while (end > start && !char.IsLetterOrDigit(value[end - 1]))
        {
            end--;
        }

        return start == 0 && end == value.Length ? value : value[start..end];
    }

    private static void FindKnownNames(string text, IReadOnlyCollection<string> knownNames, List<Candidate> found)
    {
        foreach (var rawName in knownNames)
        {
            var name = rawName?.Trim();
            if (string.IsNullOrEmpty(name))
            {
                continue;
            }

            var key = Normalize(name);
            if (key.Length == 0)
            {
                continue;
            }

            var from = 0;
            while (from < text.Length)
            {
                var index = text.AsSpan(from).IndexOf(name, StringComparison.OrdinalIgnoreCase);
                if (index < 0)
                {
                    break;
                }

                index += from;
                var end = index + name.Length;
                var startsOnBoundary = index == 0 || !char.IsLetterOrDigit(text[index - 1]);
                var endsOnBoundary = end >= text.Length || !char.IsLetterOrDigit(text[end]);
                if (startsOnBoundary && endsOnBoundary)
                {
                    found.Add(new Candidate(index, new EntityMention(key, name, PersonType)));
                    break;
                }

                from = index + 1;
            }
        }
    }

    /// <summary>Finds quoted strings; returns their character ranges (content only).</summary>
    private static List<Range> FindQuoted(string text, List<Candidate> found)
    {
        var ranges = new List<Range>();
        var i = 0;
        while (i < text.Length)
        {
            var close = text[i] switch
            {
                '"' => '"',
                '\u201C' => '\u201D',
                '\u00AB' => '\u00BB',
                _ => '\0',
            };

            if (close == '\0')
            {
                i++;
                continue;
            }

            var end = text.IndexOf(close, i + 1);
            if (end < 0)
            {
                break;
            }

            var contentStart = i + 1;
            ranges.Add(new Range(contentStart, end));
            var content = text[contentStart..end];
            var name = TrimNonAlphanumeric(content.Trim());
            if (name.Length > 2 && name.Length <= MaxQuotedLength)
            {
                var key = Normalize(name);
                if (key.Length > 2)
                {
                    found.Add(new Candidate(contentStart, new EntityMention(key, name, QuotedType)));
                }
            }

            i = end + 1;
        }

        return ranges;
    }

    private static void FindCapitalisedSpans(string text, List<Range> quoted, HashSet<string>? knownFirstWords, List<Candidate> found)
    {
        var words = Scan(text);
        var span = new List<int>(4);
        var pendingConnectors = 0;
        for (var w = 0; w < words.Count; w++)
        {
            var word = words[w];
            if (word.BreakBefore || IsQuoted(word.Start, quoted))
            {
                Close(text, words, span, pendingConnectors, knownFirstWords, found);
                span.Clear();
                pendingConnectors = 0;
                if (IsQuoted(word.Start, quoted))
                {
                    continue;
                }
            }

            var lower = Lower(text, word);
            if (IsCapitalisedName(text, word, lower))
            {
                if (pendingConnectors > 0 && knownFirstWords?.Contains(lower) == true)
                {
                    // "Expression of Melanie", "Jon & Jon": a connector never joins a known name to a run.
                    Close(text, words, span, pendingConnectors, knownFirstWords, found);
                    span.Clear();
                }

                span.Add(w);
                pendingConnectors = 0;
                if (word.IsPossessive)
                {
                    Close(text, words, span, 0, knownFirstWords, found);
                    span.Clear();
                }

                continue;
            }

            if (span.Count > 0 && pendingConnectors < MaxConnectors && !word.IsPossessive && !word.IsContraction &&
                (word.IsAmpersand || Connectors.Contains(lower)))
            {
                span.Add(w);
                pendingConnectors++;
                continue;
            }

            Close(text, words, span, pendingConnectors, knownFirstWords, found);
            span.Clear();
            pendingConnectors = 0;
        }

        Close(text, words, span, pendingConnectors, knownFirstWords, found);
    }

    private static bool IsQuoted(int position, List<Range> quoted)
    {
        foreach (var range in quoted)
        {
            if (position >= range.Start.Value && position < range.End.Value)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsCapitalisedName(string text, Word word, string lower)
    {
        if (word.IsAmpersand || word.IsContraction || !char.IsUpper(text[word.Start]))
        {
            return false;
        }

        var length = word.CoreEnd - word.Start;
        if (length == 1)
        {
            // An initial ("J. K. Rowling"), never the pronoun I or the article A.
            return word.IsInitial && lower is not ("i" or "a");
        }

        if (ConversationLexicon.Weekdays.Contains(lower) || ConversationLexicon.WeekdayAbbreviations.Contains(lower) ||
            ConversationLexicon.Months.Contains(lower))
        {
            return false;
        }

        if (word.IsSentenceStart)
        {
            return !EnglishStopWords.Words.Contains(lower) && !ConversationLexicon.SentenceStarters.Contains(lower);
        }

        return !EnglishStopWords.Words.Contains(lower);
    }

    private static void Close(string text, List<Word> words, List<int> span, int trailingConnectors, HashSet<string>? knownFirstWords, List<Candidate> found)
    {
        var count = span.Count - trailingConnectors;
        if (count <= 0)
        {
            return;
        }

        var first = 0;
        var firstWord = words[span[0]];
        if (firstWord.IsSentenceStart && count >= 2 &&
            (IsLikelyVerbOrAdverb(Lower(text, firstWord)) || knownFirstWords?.Contains(Lower(text, words[span[1]])) == true))
        {
            first = 1;
            while (first < count && !IsCapitalisedName(text, words[span[first]], Lower(text, words[span[first]])))
            {
                first++;
            }

            if (first >= count)
            {
                return;
            }

            firstWord = words[span[first]];
        }

        var last = words[span[count - 1]];
        if (count - first == 1)
        {
            if (firstWord.IsSentenceStart || ConversationLexicon.Interjections.Contains(Lower(text, firstWord)))
            {
                return;
            }
        }

        var name = text[firstWord.Start..last.CoreEnd];
        var key = Normalize(name);
        if (key.Length > 0)
        {
            found.Add(new Candidate(firstWord.Start, new EntityMention(key, name, ProperType)));
        }
    }

    private static bool IsLikelyVerbOrAdverb(string lower) =>
        lower.Length >= 4 && (lower.EndsWith("ed", StringComparison.Ordinal) || lower.EndsWith("ing", StringComparison.Ordinal) ||
                              lower.EndsWith("ly", StringComparison.Ordinal));

    private static string Lower(string text, Word word) => Normalize(text[word.Start..word.CoreEnd]);

    private static List<EntityMention> Merge(List<Candidate> found)
    {
        var best = new Dictionary<string, Candidate>(StringComparer.Ordinal);
        foreach (var candidate in found)
        {
            var key = candidate.Mention.Key;
            if (!best.TryGetValue(key, out var existing))
            {
                best[key] = candidate;
                continue;
            }

            var position = Math.Min(existing.Position, candidate.Position);
            var winner = Rank(candidate.Mention.Type) > Rank(existing.Mention.Type) ? candidate.Mention : existing.Mention;
            best[key] = new Candidate(position, winner);
        }

        var result = best.Values.ToList();
        result.Sort(static (a, b) => a.Position != b.Position
            ? a.Position.CompareTo(b.Position)
            : string.CompareOrdinal(a.Mention.Key, b.Mention.Key));
        return result.ConvertAll(static c => c.Mention);
    }

    private static int Rank(string type) => type switch
    {
        PersonType => 3,
        QuotedType => 2,
        _ => 1,
    };

    /// <summary>Splits text into words with the flags the span rules need.</summary>
    private static List<Word> Scan(string text)
    {
        var words = new List<Word>();
        var sentenceStart = true;
        var breakPending = true;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsLetterOrDigit(c))
            {
                var start = i;
                var j = i;
                while (j < text.Length && char.IsLetterOrDigit(text[j]))
                {
                    j++;
                }

                var coreEnd = j;
                var possessive = false;
                var contraction = false;
                if (j + 1 < text.Length && TextFolding.IsApostrophe(text[j]) && char.IsLetter(text[j + 1]))
                {
                    var k = j + 1;
                    while (k < text.Length && char.IsLetterOrDigit(text[k]))
                    {
                        k++;
                    }

                    var suffix = Normalize(text[(j + 1)..k]);
                    if (suffix == "s")
                    {
                        possessive = true;
                    }
                    else if (ClauseContractions.Contains(suffix))
                    {
                        contraction = true;
                    }
                    else
                    {
                        coreEnd = k;
                    }

                    j = k;
                }

                var initial = false;
                var isDigit = char.IsDigit(c);
                if (j < text.Length && text[j] == '.' && !possessive && !contraction)
                {
                    var core = Normalize(text[start..coreEnd]);
                    if ((coreEnd - start == 1 && char.IsUpper(c)) || TitleAbbreviations.Contains(core))
                    {
                        // "J." or "Dr.": the period neither ends the sentence nor breaks the name.
                        initial = coreEnd - start == 1;
                        j++;
                    }
                }

                words.Add(new Word(start, coreEnd, sentenceStart, breakPending || isDigit, possessive, contraction, initial, false));
                sentenceStart = false;
                breakPending = isDigit;
                i = j;
                continue;
            }

            if (c == '&')
            {
                words.Add(new Word(i, i + 1, sentenceStart, breakPending, false, false, false, true));
                i++;
                continue;
            }

            if (c is '.' or '!' or '?' or '\n' or '\r')
            {
                sentenceStart = true;
                breakPending = true;
            }
            else if (c == ':' && i + 2 < text.Length && text[i + 1] == ' ' && char.IsUpper(text[i + 2]))
            {
                // "Caroline said: Stay motivated": a capital after a colon starts a new sentence.
                sentenceStart = true;
                breakPending = true;
            }
            else if (c is '-' or '\u2010' or '\u2011')
            {
                // A hyphen inside a word joins ("Spider-Man"); a spaced dash breaks.
                var joins = i > 0 && i + 1 < text.Length && char.IsLetterOrDigit(text[i - 1]) && char.IsLetterOrDigit(text[i + 1]);
                breakPending |= !joins;
            }
            else if (!char.IsWhiteSpace(c))
            {
                breakPending = true;
            }

            i++;
        }

        return words;
    }

    /// <summary>A word of the text: <c>[Start, CoreEnd)</c> without a trailing possessive or contraction.</summary>
    private readonly record struct Word(
        int Start,
        int CoreEnd,
        bool IsSentenceStart,
        bool BreakBefore,
        bool IsPossessive,
        bool IsContraction,
        bool IsInitial,
        bool IsAmpersand);

    private readonly record struct Candidate(int Position, EntityMention Mention);
}
#pragma warning restore CA1822
