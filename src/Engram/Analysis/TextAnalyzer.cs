using System.Text;

namespace Engram;

#pragma warning disable CA1822 // Instance members by design: callers hold an instance (Default or injected), so a configurable analyzer can replace it later without an API break.
/// <summary>
/// English text analysis for lexical retrieval and hashing embeddings: tokenization, stop words and the Porter stemmer.
/// </summary>
/// <remarks>
/// <para>
/// <b>Tokens.</b> A token is a maximal run of ASCII letters and digits after folding: upper case is lowered,
/// Latin letters with diacritics, ligatures and full-width forms are folded to ASCII with a fixed table (the same
/// on every host; see <c>TextFolding</c>), and every other character (punctuation, hyphens, symbols, emoji,
/// non-Latin scripts) separates tokens. So <c>LGBTQ-friendly</c> gives <c>lgbtq</c>, <c>friendly</c>;
/// <c>Zoë</c> gives <c>zoe</c>; <c>3.5</c> gives <c>3</c>, <c>5</c>; <c>4th</c> stays <c>4th</c>. Non-Latin
/// scripts (Greek, Cyrillic, CJK) produce no tokens.
/// </para>
/// <para>
/// <b>Apostrophes</b> (straight or typographic) inside a word are handled as English clitics:
/// possessive or contracted <c>'s</c> is dropped (<c>Caroline's</c> → <c>caroline</c>, <c>it's</c> → <c>it</c>);
/// <c>n't</c> becomes a separate <c>not</c> (<c>don't</c> → <c>do</c> <c>not</c>, with the irregular
/// <c>can't</c> → <c>can</c> <c>not</c>, <c>won't</c> → <c>will</c> <c>not</c>, <c>shan't</c> → <c>shall</c>
/// <c>not</c>, <c>ain't</c> → <c>is</c> <c>not</c>); <c>'m</c>, <c>'re</c>, <c>'ve</c>, <c>'ll</c>, <c>'d</c> become
/// <c>am</c>, <c>are</c>, <c>have</c>, <c>will</c>, <c>would</c>. All these expansions are stop words, so
/// <see cref="Analyze"/> drops them. Any other apostrophe inside a word is removed and the parts joined
/// (<c>O'Brien</c> → <c>obrien</c>); an apostrophe at a word edge separates tokens.
/// </para>
/// <para>
/// Produces only <c>[a-z0-9]</c> tokens, so a store's own tokenizer (SQLite FTS5 <c>unicode61</c>, PostgreSQL
/// <c>simple</c>) sees exactly the tokens of <see cref="ToLexicalText"/>. Immutable, stateless and thread-safe.
/// </para>
/// </remarks>
public sealed class TextAnalyzer
{
    private TextAnalyzer()
    {
    }

    /// <summary>Gets the shared analyzer (immutable; safe to use from any thread).</summary>
    public static TextAnalyzer Default { get; } = new();

    /// <summary>Splits text into lower-case ASCII word tokens (see the type remarks for the exact rules).</summary>
    /// <param name="text">The text; may be empty.</param>
    /// <returns>The tokens in text order, stop words included; empty when the text has no letters or digits.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    public IReadOnlyList<string> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = new List<string>();
        TokenizeInto(text, tokens);
        return tokens;
    }

    /// <summary>Gets a value indicating whether a token is an English stop word.</summary>
    /// <param name="token">A lower-case token as produced by <see cref="Tokenize"/>.</param>
    /// <returns>
    /// <see langword="true"/> when the token is in the stop list: the Snowball English stop list (Porter), single-word
    /// entries, plus <c>cannot</c>, <c>will</c>, <c>shall</c>, <c>can</c>, <c>might</c>, <c>must</c>; not <c>may</c>
    /// (the month). Case-sensitive: pass lower-case tokens.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="token"/> is <see langword="null"/>.</exception>
    public bool IsStopWord(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return EnglishStopWords.Words.Contains(token);
    }

    /// <summary>Stems a token with the Porter (1980) algorithm, as in Porter's reference C implementation.</summary>
    /// <param name="token">A lower-case token; tokens with characters other than a–z, or of one or two letters, are returned unchanged.</param>
    /// <returns>The stem, for example <c>relational</c> → <c>relat</c>, <c>ponies</c> → <c>poni</c>, <c>running</c> → <c>run</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="token"/> is <see langword="null"/>.</exception>
    public string Stem(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return PorterStemmer.Stem(token);
    }

    /// <summary>Tokenizes, drops stop words and stems: the terms indexed for BM25 and hashed by the offline embedder.</summary>
    /// <param name="text">The text; may be empty.</param>
    /// <returns>The stems in text order (duplicates kept); empty for stop-word-only text.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    public IReadOnlyList<string> Analyze(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = new List<string>();
        TokenizeInto(text, tokens);
        var count = 0;
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (!EnglishStopWords.Words.Contains(token))
            {
                tokens[count++] = PorterStemmer.Stem(token);
            }
        }

        tokens.RemoveRange(count, tokens.Count - count);
        return tokens;
    }

    /// <summary>Gets the analysed text to index for BM25: <see cref="Analyze"/>'s stems joined by single spaces.</summary>
    /// <param name="text">The text; may be empty.</param>
    /// <returns>Space-separated lower-case stems, for example <c>carolin love hike</c> for "Caroline loves hiking"; empty for stop-word-only text.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    public string ToLexicalText(string text) => string.Join(' ', Analyze(text));

    /// <summary>Appends the tokens of <paramref name="text"/> to <paramref name="tokens"/>.</summary>
    /// <param name="text">The text.</param>
    /// <param name="tokens">The list to append to.</param>
    internal static void TokenizeInto(string text, List<string> tokens)
    {
        var folded = Fold(text);
        var span = folded.AsSpan();
        var i = 0;
        while (i < span.Length)
        {
            if (!char.IsAsciiLetterOrDigit(span[i]))
            {
                i++;
                continue;
            }

            var start = i;
            while (i < span.Length && char.IsAsciiLetterOrDigit(span[i]))
            {
                i++;
            }

            // A clitic: apostrophe followed by letters, right after the word.
            if (i + 1 < span.Length && span[i] == '\'' && char.IsAsciiLetter(span[i + 1]))
            {
                var suffixStart = i + 1;
                var suffixEnd = suffixStart;
                while (suffixEnd < span.Length && char.IsAsciiLetterOrDigit(span[suffixEnd]))
                {
                    suffixEnd++;
                }

                AddWithClitic(span[start..i], span[suffixStart..suffixEnd], tokens);
                i = suffixEnd;
                continue;
            }

            tokens.Add(new string(span[start..i]));
        }
    }

    /// <summary>Folds text to lower-case ASCII letters, digits, apostrophes and spaces (a separator).</summary>
    /// <param name="text">The text.</param>
    /// <returns>The folded text; <paramref name="text"/> lower-cased when it is ASCII already.</returns>
    internal static string Fold(string text)
    {
        if (Ascii.IsValid(text))
        {
            return HasUpperAscii(text) ? LowerAscii(text) : text;
        }

        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c < '\u0080')
            {
                builder.Append(TextFolding.ToLowerAscii(c));
            }
            else if (TextFolding.IsApostrophe(c))
            {
                builder.Append('\'');
            }
            else
            {
                var replacement = TextFolding.FoldNonAscii(c);
                builder.Append(replacement ?? " ");
            }
        }

        return builder.ToString();
    }

    private static bool HasUpperAscii(string text)
    {
        foreach (var c in text)
        {
            if (c is >= 'A' and <= 'Z')
            {
                return true;
            }
        }

        return false;
    }

    private static string LowerAscii(string text) => string.Create(text.Length, text, static (span, source) =>
    {
        for (var i = 0; i < source.Length; i++)
        {
            span[i] = TextFolding.ToLowerAscii(source[i]);
        }
    });

    private static void AddWithClitic(ReadOnlySpan<char> word, ReadOnlySpan<char> suffix, List<string> tokens)
    {
        switch (suffix)
        {
            case "s":
                tokens.Add(new string(word));
                return;
            case "m":
                tokens.Add(new string(word));
                tokens.Add("am");
                return;
            case "re":
                tokens.Add(new string(word));
                tokens.Add("are");
                return;
            case "ve":
                tokens.Add(new string(word));
                tokens.Add("have");
                return;
            case "ll":
                tokens.Add(new string(word));
                tokens.Add("will");
                return;
            case "d":
                tokens.Add(new string(word));
                tokens.Add("would");
                return;
            case "t" when word.Length > 1 && word[^1] == 'n':
                var stem = word[..^1];
                tokens.Add(stem switch
                {
                    "ca" => "can",
                    "wo" => "will",
                    "sha" => "shall",
                    "ai" => "is",
                    _ => new string(stem),
                });
                tokens.Add("not");
                return;
            default:
                tokens.Add(string.Concat(word, suffix));
                return;
        }
    }
}
#pragma warning restore CA1822
