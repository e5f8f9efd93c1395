namespace Engram.Cli.Locomo;

/// <summary>
/// LoCoMo's evidence recall (the official definition): recall@k = |evidence ∩ first k retrieved dia_ids| / |evidence|,
/// averaged over questions, per category and overall (categories 1–4); all@k = the share of questions whose whole
/// evidence set is within the first k.
/// </summary>
internal static class RecallMetrics
{
    /// <summary>The cut-offs reported: 5, 10, 25 and 50.</summary>
    public static readonly IReadOnlyList<int> StandardKs = [5, 10, 25, 50];

    /// <summary>The evaluated categories: 1 multi-hop, 2 temporal, 3 open-domain, 4 single-hop.</summary>
    public static readonly IReadOnlyList<int> Categories = [1, 2, 3, 4];

    /// <summary>Computes the recall of one question at k.</summary>
    /// <param name="evidence">The normalised evidence ids (distinct, non-empty).</param>
    /// <param name="retrieved">The normalised retrieved ids, in rank order, without duplicates.</param>
    /// <param name="k">The cut-off.</param>
    /// <returns>The fraction of evidence ids within the first <paramref name="k"/> retrieved ids, in [0, 1].</returns>
    public static double RecallAt(IReadOnlyCollection<string> evidence, IReadOnlyList<string> retrieved, int k)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        ArgumentNullException.ThrowIfNull(retrieved);
        if (evidence.Count == 0)
        {
            return 0;
        }

        var top = retrieved.Take(k).ToHashSet(StringComparer.Ordinal);
        return (double)evidence.Count(top.Contains) / evidence.Count;
    }

    /// <summary>Tells whether the whole evidence set is within the first k retrieved ids.</summary>
    /// <param name="evidence">The normalised evidence ids (distinct, non-empty).</param>
    /// <param name="retrieved">The normalised retrieved ids, in rank order.</param>
    /// <param name="k">The cut-off.</param>
    /// <returns><see langword="true"/> when every evidence id is found.</returns>
    public static bool ContainsAllAt(IReadOnlyCollection<string> evidence, IReadOnlyList<string> retrieved, int k)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        ArgumentNullException.ThrowIfNull(retrieved);
        if (evidence.Count == 0)
        {
            return false;
        }

        var top = retrieved.Take(k).ToHashSet(StringComparer.Ordinal);
        return evidence.All(top.Contains);
    }

    /// <summary>Averages recall@k and all@k over questions, per category and overall.</summary>
    /// <param name="outcomes">The questions and what was retrieved for them; those outside categories 1–4 or without evidence are ignored.</param>
    /// <param name="ks">The cut-offs; defaults to <see cref="StandardKs"/>.</param>
    /// <returns>The summary.</returns>
    public static RecallSummary Summarize(IEnumerable<QuestionOutcome> outcomes, IReadOnlyList<int>? ks = null)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        ks ??= StandardKs;
        var evaluated = outcomes.Where(o => o.Evidence.Count > 0 && Categories.Contains(o.Category)).ToList();

        var recall = new Dictionary<int, CategoryScores>();
        var all = new Dictionary<int, CategoryScores>();
        foreach (var k in ks)
        {
            recall[k] = Score(evaluated, o => RecallAt(o.Evidence, o.Retrieved, k));
            all[k] = Score(evaluated, o => ContainsAllAt(o.Evidence, o.Retrieved, k) ? 1.0 : 0.0);
        }

        return new RecallSummary(evaluated.Count, recall, all);
    }

    private static CategoryScores Score(IReadOnlyList<QuestionOutcome> outcomes, Func<QuestionOutcome, double> score)
    {
        double? Mean(IEnumerable<QuestionOutcome> subset)
        {
            var values = subset.Select(score).ToList();
            return values.Count == 0 ? null : values.Average();
        }

        return new CategoryScores(
            Mean(outcomes),
            Categories.ToDictionary(c => c, c => Mean(outcomes.Where(o => o.Category == c))));
    }
}

/// <summary>One evaluated question: its category, evidence and the dia_ids retrieved for it.</summary>
/// <param name="Category">The LoCoMo category.</param>
/// <param name="Evidence">The normalised evidence ids.</param>
/// <param name="Retrieved">The normalised retrieved ids, in rank order, without duplicates.</param>
internal sealed record QuestionOutcome(int Category, IReadOnlyList<string> Evidence, IReadOnlyList<string> Retrieved);

/// <summary>Recall@k and all@k, per cut-off.</summary>
/// <param name="Questions">The number of questions averaged.</param>
/// <param name="Recall">Recall per cut-off.</param>
/// <param name="All">All@k per cut-off.</param>
internal sealed record RecallSummary(
    int Questions,
    IReadOnlyDictionary<int, CategoryScores> Recall,
    IReadOnlyDictionary<int, CategoryScores> All);

/// <summary>A score overall and per category, as fractions in [0, 1]; <see langword="null"/> where no question was evaluated.</summary>
/// <param name="Overall">The mean over categories 1–4 (question-weighted).</param>
/// <param name="ByCategory">The mean per category 1–4.</param>
internal sealed record CategoryScores(double? Overall, IReadOnlyDictionary<int, double?> ByCategory)
{
    /// <summary>Gets the score of one category, or <see langword="null"/>.</summary>
    /// <param name="category">The category.</param>
    /// <returns>The score.</returns>
    public double? For(int category) => ByCategory.TryGetValue(category, out var value) ? value : null;
}
