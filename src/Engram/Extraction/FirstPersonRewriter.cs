using System.Collections.Frozen;
using System.Text;

namespace Engram;

/// <summary>Rewrites first-person singular references into the speaker's name, with third-person verb agreement.</summary>
/// <remarks>
/// <para>
/// <c>I am</c>/<c>I'm</c> → <i>S</i> <c>is</c>; <c>I've</c> → <i>S</i> <c>has</c>; <c>I'll</c> → <i>S</i>
/// <c>will</c>; <c>I'd</c> → <i>S</i> <c>would</c> (<c>had</c> before a past participle); <c>my</c>, <c>mine</c> →
/// <i>S</i><c>'s</c>; <c>me</c>, <c>myself</c> → <i>S</i>. The verb right after <c>I</c> (after up to two adverbs
/// such as <c>really</c> or <c>just</c>) is put in the third person: <c>have</c> → <c>has</c>, <c>do</c> →
/// <c>does</c>, <c>don't</c> → <c>doesn't</c>, <c>haven't</c> → <c>hasn't</c>, otherwise by the English spelling
/// rules (-s; -es after s, sh, ch, x, z, o; consonant + y → -ies). It is left alone when it is a modal, a negated
/// auxiliary, a past form (-ed or a common irregular past), a form that is the same in past and present (<c>put</c>,
/// <c>read</c>), an -ing form, or not a verb (a stop word such as <c>and</c>). Words inside double quotes (titles)
/// are never rewritten. <c>we</c>, <c>our</c> and <c>us</c> stay. Stateless and thread-safe.
/// </para>
/// </remarks>
internal static class FirstPersonRewriter
{
    private static readonly FrozenSet<string> Modals = FrozenSet.Create(StringComparer.Ordinal,
    [
        "can", "could", "will", "would", "shall", "should", "may", "might", "must", "ought", "cannot", "gonna", "wanna",
        "gotta", "dare",
    ]);

    // Same form in past and present: ambiguous, so left as written.
    private static readonly FrozenSet<string> SameForm = FrozenSet.Create(StringComparer.Ordinal,
    [
        "bet", "burst", "cast", "cost", "cut", "fit", "hit", "hurt", "let", "put", "quit", "read", "set", "shed", "shut",
        "split", "spread", "thrust", "upset", "bid", "broadcast", "forecast",
    ]);

    // Common irregular past forms, and participles that follow "I" or "I'd" in casual speech.
    private static readonly FrozenSet<string> IrregularPast = FrozenSet.Create(StringComparer.Ordinal,
    [
        "was", "were", "had", "did", "arose", "awoke", "bore", "beat", "became", "began", "bent", "bit", "bled", "blew",
        "broke", "brought", "built", "burnt", "bought", "caught", "chose", "came", "crept", "dealt", "dug", "drew",
        "dreamt", "drank", "drove", "ate", "fell", "fed", "felt", "fought", "found", "fled", "flew", "forbade", "forgot",
        "forgave", "froze", "got", "gave", "went", "grew", "hung", "heard", "hid", "held", "kept", "knelt", "knew",
        "laid", "led", "leant", "leapt", "learnt", "left", "lent", "lay", "lit", "lost", "made", "meant", "met", "paid",
        "rode", "rang", "rose", "ran", "said", "saw", "sought", "sold", "sent", "shook", "shone", "shot", "shrank",
        "sang", "sank", "sat", "slept", "slid", "spoke", "sped", "spent", "spun", "spat", "stood", "stole", "stuck",
        "stung", "struck", "swore", "swept", "swam", "swung", "took", "taught", "tore", "told", "thought", "threw",
        "understood", "woke", "wore", "wove", "wept", "won", "wound", "wrote", "withdrew", "overcame", "undertook",
        "mistook", "misunderstood", "upheld", "been", "gone", "done", "seen", "known", "taken", "given", "gotten",
        "begun", "written", "eaten", "driven", "ridden", "spoken", "chosen", "forgotten", "fallen", "grown", "shown",
        "thrown", "flown", "worn", "torn",
    ]);

    private static readonly FrozenSet<string> PresentEed = FrozenSet.Create(StringComparer.Ordinal,
        ["need", "feed", "bleed", "breed", "speed", "succeed", "proceed", "exceed", "heed", "weed", "seed"]);

    private static readonly FrozenSet<string> Adverbs = FrozenSet.Create(StringComparer.Ordinal,
    [
        "just", "also", "still", "always", "never", "often", "sometimes", "usually", "even", "only", "already",
        "actually", "kinda", "sorta", "ever", "now", "def", "totally", "really", "truly", "finally", "recently",
        "definitely", "absolutely", "honestly", "literally", "seriously", "sometimes", "mostly", "rarely", "seldom",
    ]);

    private static readonly FrozenSet<string> VerbsEndingInLy = FrozenSet.Create(StringComparer.Ordinal,
        ["apply", "reply", "rely", "fly", "supply", "comply", "imply", "multiply", "ally", "bully", "rally", "tally"]);

    /// <summary>Rewrites the first-person references of one sentence.</summary>
    /// <param name="sentence">The sentence.</param>
    /// <param name="speaker">The name to use, for example <c>Caroline</c> or <c>User</c>.</param>
    /// <returns>The rewritten sentence; <paramref name="sentence"/> itself when it has no first-person reference.</returns>
    internal static string Rewrite(string sentence, string speaker)
    {
        var words = Scan(sentence);
        if (words.Count == 0)
        {
            return sentence;
        }

        var replacements = new List<(int Start, int End, string Text)>();
        for (var k = 0; k < words.Count; k++)
        {
            var word = words[k];
            if (word.IsQuoted)
            {
                continue;
            }

            switch (word.Lower)
            {
                case "i":
                    if (word.End < sentence.Length - 1 && sentence[word.End] == '.' && char.IsLetter(sentence[word.End + 1]))
                    {
                        break; // "i.e."
                    }

                    replacements.Add((word.Start, word.End, speaker));
                    var verb = FindVerb(sentence, words, k);
                    if (verb >= 0)
                    {
                        var agreed = Agree(words[verb], sentence);
                        if (agreed is not null)
                        {
                            replacements.Add((words[verb].Start, words[verb].End, agreed));
                        }
                    }

                    break;
                case "i'm":
                case "im" when word.Surface(sentence) is "Im" or "im":
                    replacements.Add((word.Start, word.End, speaker + " is"));
                    break;
                case "i've":
                    replacements.Add((word.Start, word.End, speaker + " has"));
                    break;
                case "i'll":
                    replacements.Add((word.Start, word.End, speaker + " will"));
                    break;
                case "i'd":
                    var participle = k + 1 < words.Count && IsSpaceGap(sentence, words[k].End, words[k + 1].Start) &&
                                     IsPastForm(words[k + 1].Lower);
                    replacements.Add((word.Start, word.End, speaker + (participle ? " had" : " would")));
                    break;
                case "my":
                case "mine":
                    replacements.Add((word.Start, word.End, speaker + "'s"));
                    break;
                case "me":
                case "myself":
                    replacements.Add((word.Start, word.End, speaker));
                    break;
                default:
                    break;
            }
        }

        if (replacements.Count == 0)
        {
            return sentence;
        }

        var builder = new StringBuilder(sentence.Length + (replacements.Count * speaker.Length));
        var copied = 0;
        foreach (var (start, end, text) in replacements)
        {
            builder.Append(sentence, copied, start - copied).Append(text);
            copied = end;
        }

        builder.Append(sentence, copied, sentence.Length - copied);
        return builder.ToString();
    }

    /// <summary>Puts a verb in the third person singular (for tests and the rewriter).</summary>
    /// <param name="verb">A lower-case verb in the base form.</param>
    /// <returns>The agreeing form, for example <c>loves</c>, <c>goes</c>, <c>tries</c>, <c>plays</c>, <c>has</c>.</returns>
    internal static string ThirdPerson(string verb)
    {
        switch (verb)
        {
            case "be":
            case "am":
                return "is";
            case "have":
                return "has";
            case "do":
                return "does";
            case "go":
                return "goes";
            default:
                break;
        }

        if (verb.EndsWith("ss", StringComparison.Ordinal) || verb.EndsWith("us", StringComparison.Ordinal) ||
            verb.EndsWith("sh", StringComparison.Ordinal) || verb.EndsWith("ch", StringComparison.Ordinal) ||
            verb.EndsWith('x') || verb.EndsWith('z') || verb.EndsWith('o'))
        {
            return verb + "es";
        }

        if (verb.Length > 1 && verb.EndsWith('y') && !IsVowel(verb[^2]))
        {
            return verb[..^1] + "ies";
        }

        return verb + "s";
    }

    private static int FindVerb(string sentence, List<Word> words, int subject)
    {
        var k = subject + 1;
        for (var skipped = 0; k < words.Count && skipped <= 2; skipped++, k++)
        {
            if (!IsSpaceGap(sentence, words[k - 1].End, words[k].Start) || words[k].IsQuoted)
            {
                return -1;
            }

            if (!IsAdverb(words[k].Lower))
            {
                return k;
            }
        }

        return -1;
    }

    private static string? Agree(Word word, string sentence)
    {
        var lower = word.Lower;
        switch (lower)
        {
            case "am":
                return "is";
            case "have":
                return "has";
            case "do":
                return "does";
            case "don't":
            case "dont":
                return "doesn't";
            case "haven't":
            case "havent":
                return "hasn't";
            default:
                break;
        }

        if (Modals.Contains(lower) || SameForm.Contains(lower) || IsPastForm(lower) || EnglishStopWords.Words.Contains(lower) ||
            lower.EndsWith("ing", StringComparison.Ordinal))
        {
            return null;
        }

        foreach (var c in lower)
        {
            if (c is < 'a' or > 'z')
            {
                return null; // contractions such as "can't", "didn't", numbers
            }
        }

        // A word ending in a single s ("I always" is handled as an adverb) is taken as already agreeing.
        if (lower.EndsWith('s') && !lower.EndsWith("ss", StringComparison.Ordinal) && !lower.EndsWith("us", StringComparison.Ordinal))
        {
            return null;
        }

        var surface = word.Surface(sentence);
        var agreed = ThirdPerson(lower);
        var common = 0;
        while (common < lower.Length && common < agreed.Length && lower[common] == agreed[common])
        {
            common++;
        }

        var suffix = agreed[common..];
        var isUpper = surface.Length > 1 && surface.All(char.IsUpper);
        return surface[..common] + (isUpper ? suffix.ToUpperInvariant() : suffix);
    }

    private static bool IsPastForm(string lower)
    {
        if (IrregularPast.Contains(lower))
        {
            return true;
        }

        if (lower.EndsWith("eed", StringComparison.Ordinal))
        {
            return !PresentEed.Contains(lower);
        }

        return lower.Length > 3 && lower.EndsWith("ed", StringComparison.Ordinal) && lower is not ("embed" or "shred");
    }

    private static bool IsAdverb(string lower) =>
        Adverbs.Contains(lower) ||
        (lower.Length >= 4 && lower.EndsWith("ly", StringComparison.Ordinal) && !VerbsEndingInLy.Contains(lower));

    private static bool IsVowel(char c) => c is 'a' or 'e' or 'i' or 'o' or 'u';

    private static bool IsSpaceGap(string text, int from, int to)
    {
        if (to <= from)
        {
            return false;
        }

        for (var c = from; c < to; c++)
        {
            if (!char.IsWhiteSpace(text[c]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Splits a sentence into words (letters, digits, inner apostrophes) and marks words inside double quotes.</summary>
    private static List<Word> Scan(string sentence)
    {
        var words = new List<Word>();
        var quoted = false;
        var i = 0;
        while (i < sentence.Length)
        {
            var c = sentence[i];
            if (c is '"' or '\u201C' or '\u201D')
            {
                quoted = c switch
                {
                    '\u201C' => true,
                    '\u201D' => false,
                    _ => !quoted,
                };
                i++;
                continue;
            }

            if (!char.IsLetterOrDigit(c))
            {
                i++;
                continue;
            }

            var start = i;
            while (i < sentence.Length && (char.IsLetterOrDigit(sentence[i]) ||
                   (TextFolding.IsApostrophe(sentence[i]) && i + 1 < sentence.Length && char.IsLetter(sentence[i + 1]) && i > start)))
            {
                i++;
            }

            var lower = string.Create(i - start, (sentence, start), static (span, state) =>
            {
                for (var k = 0; k < span.Length; k++)
                {
                    var ch = state.sentence[state.start + k];
                    span[k] = TextFolding.IsApostrophe(ch) ? '\'' : char.ToLowerInvariant(ch);
                }
            });
            words.Add(new Word(start, i, lower, quoted));
        }

        return words;
    }

    private readonly record struct Word(int Start, int End, string Lower, bool IsQuoted)
    {
        public string Surface(string sentence) => sentence[Start..End];
    }
}
