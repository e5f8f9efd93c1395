using System.Collections.Frozen;

namespace Engram;

/// <summary>
/// Pseudo-relevance feedback (Rocchio 1971; the relevance-model family, Lavrenko and Croft, SIGIR 2001, RM3): the
/// words that dominate the best keyword hits are searched for as well, so that memories about the same thing in other
/// words ("Melanie's pottery class" → "clay", "bowl", "kiln") are found.
/// </summary>
/// <remarks>
/// <para>
/// Term selection over the feedback memories' own text (not their neighbour-turn context): each stem <i>t</i> of
/// memory <i>d</i> weighs <c>w(d) · tf(t, d) / |d|</c>, summed over the memories, where <i>w(d)</i> is the memory's
/// BM25 score relative to the best. Left out: the query's own terms and the speakers' names (the caller's exclusions),
/// numbers, and content-free conversational words (greetings, thanks, "awesome"; the general English list of
/// <c>ConversationLexicon.FillerWords</c>). The expansion terms are then searched with BM25 like the query, so the
/// store's inverse document frequency weighs them: a term common in the scope adds little.
/// </para>
/// <para>Stateless and thread-safe.</para>
/// </remarks>
internal static class FeedbackExpansion
{
    private static readonly FrozenSet<string> FillerStems = ConversationLexicon.FillerWords
        .SelectMany(w => TextAnalyzer.Default.Analyze(w))
        .ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Selects the expansion terms.</summary>
    /// <param name="documents">The feedback memories: text and relative BM25 weight in (0, 1].</param>
    /// <param name="excluded">Stems never selected: the query's own terms and the speakers' names.</param>
    /// <param name="count">The most terms to return.</param>
    /// <param name="analyzer">The analyzer that built the stored lexical text.</param>
    /// <returns>Up to <paramref name="count"/> stems, heaviest first (ties in ordinal order).</returns>
    public static IReadOnlyList<string> SelectTerms(
        IEnumerable<(string Text, double Weight)> documents, IReadOnlySet<string> excluded, int count, TextAnalyzer analyzer)
    {
        if (count <= 0)
        {
            return [];
        }

        var weights = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (text, weight) in documents)
        {
            var stems = analyzer.Analyze(text);
            if (stems.Count == 0 || weight <= 0)
            {
                continue;
            }

            var share = weight / stems.Count;
            foreach (var stem in stems)
            {
                if (!FillerStems.Contains(stem) && !stem.All(char.IsAsciiDigit))
                {
                    weights[stem] = weights.GetValueOrDefault(stem) + share;
                }
            }
        }

        return weights
            .Where(w => !excluded.Contains(w.Key))
            .OrderByDescending(w => w.Value)
            .ThenBy(w => w.Key, StringComparer.Ordinal)
            .Take(count)
            .Select(w => w.Key)
            .ToList();
    }
}
