namespace Engram.Cli.LongMemEval;

/// <summary>
/// The retrieval metrics of benchmarks.md §2 over one question's ranked turns. Sessions are ranked by the first
/// occurrence of their turns in the hit list. <c>recall_any@k</c>: an answer session among the first k sessions;
/// <c>recall_all@k</c>: all of them; <c>recall_frac@k</c>: the share of them; <c>ndcg@k</c>: binary relevance,
/// DCG = Σ rel_i / log2(i + 1) over the first k sessions, divided by the DCG of min(k, |answer sessions|) relevant
/// sessions at the top; <c>turn_recall@k</c>: the share of the <c>has_answer</c> turns among the turns of the first k hits.
/// </summary>
internal static class LongMemEvalMetrics
{
    /// <summary>The cut-offs reported: 5, 10, 25 and 50.</summary>
    public static readonly IReadOnlyList<int> StandardKs = [5, 10, 25, 50];

    /// <summary>Ranks sessions by the first occurrence of their turns in the hit list.</summary>
    /// <param name="hits">The turns of the hits, best first.</param>
    /// <returns>The distinct session ids, best first.</returns>
    public static IReadOnlyList<string> SessionRanking(IEnumerable<TurnRef> hits)
    {
        ArgumentNullException.ThrowIfNull(hits);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return hits.Select(h => h.SessionId).Where(seen.Add).ToList();
    }

    /// <summary>Computes one question's session and turn metrics at one cut-off.</summary>
    /// <param name="answerSessions">The distinct answer session ids (non-empty for a scored question).</param>
    /// <param name="answerTurns">The turns labelled <c>has_answer</c> (may be empty).</param>
    /// <param name="hits">The turns of the hits, best first (a turn ingested twice may occur twice).</param>
    /// <param name="k">The cut-off.</param>
    /// <returns>The metrics; <see cref="QuestionScores.TurnRecall"/> is <see langword="null"/> without answer turns.</returns>
    public static QuestionScores Score(IReadOnlyCollection<string> answerSessions, IReadOnlyCollection<TurnRef> answerTurns, IReadOnlyList<TurnRef> hits, int k)
    {
        ArgumentNullException.ThrowIfNull(answerSessions);
        ArgumentNullException.ThrowIfNull(answerTurns);
        ArgumentNullException.ThrowIfNull(hits);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        var answers = answerSessions.ToHashSet(StringComparer.Ordinal);
        var top = SessionRanking(hits).Take(k).ToList();
        var found = top.Count(answers.Contains);

        double? turnRecall = null;
        if (answerTurns.Count > 0)
        {
            var topTurns = hits.Take(k).ToHashSet();
            turnRecall = (double)answerTurns.Distinct().Count(topTurns.Contains) / answerTurns.Distinct().Count();
        }

        return new QuestionScores(
            RecallAny: found > 0 ? 1 : 0,
            RecallAll: answers.Count > 0 && found == answers.Count ? 1 : 0,
            RecallFraction: answers.Count == 0 ? 0 : (double)found / answers.Count,
            Ndcg: Ndcg(top, answers, k),
            TurnRecall: turnRecall);
    }

    /// <summary>Computes binary nDCG@k over a session ranking.</summary>
    /// <param name="ranking">The sessions, best first.</param>
    /// <param name="relevant">The relevant sessions.</param>
    /// <param name="k">The cut-off.</param>
    /// <returns>nDCG in [0, 1]; 0 when nothing is relevant.</returns>
    public static double Ndcg(IReadOnlyList<string> ranking, IReadOnlySet<string> relevant, int k)
    {
        ArgumentNullException.ThrowIfNull(ranking);
        ArgumentNullException.ThrowIfNull(relevant);
        var dcg = 0.0;
        for (var i = 0; i < Math.Min(k, ranking.Count); i++)
        {
            if (relevant.Contains(ranking[i]))
            {
                dcg += 1 / Math.Log2(i + 2); // rank i + 1 (1-based): 1 / log2(rank + 1)
            }
        }

        var ideal = 0.0;
        for (var i = 0; i < Math.Min(k, relevant.Count); i++)
        {
            ideal += 1 / Math.Log2(i + 2);
        }

        return ideal == 0 ? 0 : dcg / ideal;
    }

    /// <summary>Averages question scores per cut-off: session metrics over all given questions, turn recall over those with answer turns.</summary>
    /// <param name="questions">The scored questions' metrics, each keyed by cut-off.</param>
    /// <param name="ks">The cut-offs.</param>
    /// <returns>The means; <see langword="null"/> where no question counts.</returns>
    public static ScoreSummary Summarize(IReadOnlyCollection<IReadOnlyDictionary<int, QuestionScores>> questions, IReadOnlyList<int> ks)
    {
        ArgumentNullException.ThrowIfNull(questions);
        ArgumentNullException.ThrowIfNull(ks);
        double? Mean(int k, Func<QuestionScores, double> value) => questions.Count == 0 ? null : questions.Average(q => value(q[k]));
        double? TurnMean(int k)
        {
            var values = questions.Select(q => q[k].TurnRecall).OfType<double>().ToList();
            return values.Count == 0 ? null : values.Average();
        }

        return new ScoreSummary(
            questions.Count,
            ks.Count == 0 ? 0 : questions.Count(q => q[ks[0]].TurnRecall is not null),
            ks.ToDictionary(k => k, k => Mean(k, s => s.RecallAny)),
            ks.ToDictionary(k => k, k => Mean(k, s => s.RecallAll)),
            ks.ToDictionary(k => k, k => Mean(k, s => s.RecallFraction)),
            ks.ToDictionary(k => k, k => Mean(k, s => s.Ndcg)),
            ks.ToDictionary(k => k, TurnMean));
    }
}

/// <summary>One question's metrics at one cut-off.</summary>
/// <param name="RecallAny">1 when an answer session is among the first k sessions, else 0.</param>
/// <param name="RecallAll">1 when every answer session is, else 0.</param>
/// <param name="RecallFraction">The share of answer sessions among the first k sessions.</param>
/// <param name="Ndcg">Binary nDCG@k over the session ranking.</param>
/// <param name="TurnRecall">The share of <c>has_answer</c> turns among the turns of the first k hits; <see langword="null"/> without such turns.</param>
internal sealed record QuestionScores(double RecallAny, double RecallAll, double RecallFraction, double Ndcg, double? TurnRecall);

/// <summary>Mean metrics over a set of scored questions, per cut-off.</summary>
/// <param name="Questions">The number of scored questions (session metrics are averaged over them).</param>
/// <param name="TurnQuestions">The number of them with at least one <c>has_answer</c> turn (turn recall is averaged over these).</param>
/// <param name="RecallAny">Mean recall_any per cut-off (session metrics are <see langword="null"/> when no question was scored).</param>
/// <param name="RecallAll">Mean recall_all per cut-off.</param>
/// <param name="RecallFraction">Mean recall_frac per cut-off.</param>
/// <param name="Ndcg">Mean nDCG per cut-off.</param>
/// <param name="TurnRecall">Mean turn recall per cut-off; <see langword="null"/> when no question has answer turns.</param>
internal sealed record ScoreSummary(
    int Questions,
    int TurnQuestions,
    IReadOnlyDictionary<int, double?> RecallAny,
    IReadOnlyDictionary<int, double?> RecallAll,
    IReadOnlyDictionary<int, double?> RecallFraction,
    IReadOnlyDictionary<int, double?> Ndcg,
    IReadOnlyDictionary<int, double?> TurnRecall);
