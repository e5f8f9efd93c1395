using System.Collections.Frozen;

namespace Engram;

/// <summary>The English stop list used by <see cref="TextAnalyzer"/>.</summary>
/// <remarks>
/// <para>
/// Source: the Snowball English stop list by Martin Porter (<c>snowballstem.org/algorithms/english/stop.txt</c>),
/// its single-word entries verbatim (pronouns, forms of <i>be</i>, <i>have</i>, <i>do</i>, <i>would/should/could/
/// ought</i>, articles, conjunctions, prepositions and the common adverbs/determiners), plus <c>cannot</c>. Its
/// apostrophe compounds (<c>i'm</c>, <c>don't</c>, …) are not needed because the tokenizer expands contractions into
/// these words.
/// </para>
/// <para>
/// Added, documented departure: the auxiliaries <c>will</c>, <c>shall</c>, <c>can</c>, <c>might</c>, <c>must</c>,
/// which the Snowball file lists in comments but leaves out for their noun homonyms. They are kept out of the index
/// here because the tokenizer produces <c>will</c> from every <c>'ll</c>. <c>may</c> stays indexed (the month).
/// </para>
/// <para>General English only: no corpus- or dataset-specific words. Immutable and thread-safe.</para>
/// </remarks>
internal static class EnglishStopWords
{
    /// <summary>The stop words, lower-case ASCII.</summary>
    internal static readonly FrozenSet<string> Words = FrozenSet.Create(StringComparer.Ordinal,
    [
        // Pronouns (Snowball)
        "i", "me", "my", "myself", "we", "our", "ours", "ourselves", "you", "your", "yours", "yourself", "yourselves",
        "he", "him", "his", "himself", "she", "her", "hers", "herself", "it", "its", "itself", "they", "them", "their",
        "theirs", "themselves", "what", "which", "who", "whom", "this", "that", "these", "those",

        // Verb forms: be, have, do, and the auxiliaries Snowball keeps (would, should, could, ought)
        "am", "is", "are", "was", "were", "be", "been", "being", "have", "has", "had", "having", "do", "does", "did",
        "doing", "would", "should", "could", "ought",

        // Auxiliaries from Snowball's commented section (departure, see remarks); "may" deliberately excluded
        "will", "shall", "can", "cannot", "might", "must",

        // Articles, conjunctions, prepositions, adverbs and determiners (Snowball "the rest")
        "a", "an", "the", "and", "but", "if", "or", "because", "as", "until", "while", "of", "at", "by", "for", "with",
        "about", "against", "between", "into", "through", "during", "before", "after", "above", "below", "to", "from",
        "up", "down", "in", "out", "on", "off", "over", "under", "again", "further", "then", "once", "here", "there",
        "when", "where", "why", "how", "all", "any", "both", "each", "few", "more", "most", "other", "some", "such",
        "no", "nor", "not", "only", "own", "same", "so", "than", "too", "very",
    ]);
}
