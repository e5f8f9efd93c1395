namespace Engram;

/// <summary>
/// Combines the retrieval signals of a candidate into one score in [0, 1], by the method chosen in
/// <see cref="RetrievalOptions.Fusion"/>. Pure and thread-safe.
/// </summary>
internal sealed class SearchFusion(RetrievalOptions options)
{
    public const string VectorSignal = "vector";
    public const string KeywordSignal = "bm25";
    public const string EntitySignal = "entity";
    public const string SpeakerSignal = "speaker";
    public const string TimeSignal = "time";
    public const string FeedbackSignal = "feedback";
    public const string LengthSignal = "length";
    public const string GraphSignal = "graph";

    /// <summary>Mem0's entity boost weight (<c>ENTITY_BOOST_WEIGHT = 0.5</c>, <c>mem0/utils/scoring.py</c>).</summary>
    public const double Mem0EntityWeight = 0.5;

    public string MethodName => options.Fusion switch
    {
        FusionMethod.Rrf => "rrf",
        FusionMethod.Mem0 => "mem0",
        _ => "weighted",
    };

    /// <summary>
    /// Mem0's popularity damping of an entity link: <c>1 / (1 + 0.001 · (n − 1)²)</c> for an entity linked to n memories
    /// (<c>_compute_entity_boosts</c>); with an exact key match the similarity factor is 1.
    /// </summary>
    public static double EntityBoost(int linkCount) => 1.0 / (1.0 + (0.001 * Math.Pow(Math.Max(linkCount, 1) - 1, 2)));

    /// <summary>
    /// Mem0's sigmoid normalisation of a raw BM25 score: <c>1 / (1 + exp(−s · (raw − m)))</c>, with (m, s) chosen by the
    /// number of query terms (mem0-reference §3.1 step 6).
    /// </summary>
    public static double Mem0Bm25Sigmoid(double raw, int termCount)
    {
        var (midpoint, steepness) = termCount switch
        {
            <= 3 => (5.0, 0.7),
            <= 6 => (7.0, 0.6),
            <= 9 => (9.0, 0.5),
            <= 15 => (10.0, 0.5),
            _ => (12.0, 0.5),
        };
        return 1.0 / (1.0 + Math.Exp(-steepness * (raw - midpoint)));
    }

    /// <summary>
    /// The <c>length</c> document prior of a memory of <paramref name="characters"/> characters:
    /// <c>min(1, characters / LengthSaturationCharacters)</c>.
    /// </summary>
    public double LengthPrior(double characters) => Math.Min(1.0, characters / options.LengthSaturationCharacters);

    /// <summary>Scores one candidate.</summary>
    /// <param name="candidate">The candidate's signals.</param>
    /// <param name="context">Per-query facts every candidate shares.</param>
    public FusedScore Fuse(CandidateSignals candidate, FusionContext context) => options.Fusion switch
    {
        FusionMethod.Rrf => FuseRrf(candidate, context),
        FusionMethod.Mem0 => FuseMem0(candidate, context),
        _ => FuseWeighted(candidate, context),
    };

    private FusedScore FuseWeighted(CandidateSignals c, FusionContext context)
    {
        var vector = VectorValue(c.Vector, context);
        var keyword = context.MaxBm25 > 0 && c.Bm25 is { } b ? b / context.MaxBm25 : 0.0;
        var entity = c.Entity ?? 0.0;

        var signals = new List<SignalContribution>(6);
        double raw = 0, weights = 0;
        if (options.UseVector)
        {
            Add(VectorSignal, c.Vector ?? 0, vector, options.VectorWeight, c.VectorRank);
        }

        if (options.UseKeyword && context.AnyBm25)
        {
            Add(KeywordSignal, c.Bm25 ?? 0, keyword, options.KeywordWeight, c.Bm25Rank);
        }

        if (options.UseEntities && context.AnyEntity)
        {
            Add(EntitySignal, c.Entity ?? 0, entity, options.EntityWeight, c.EntityRank);
        }

        if (options.UseGraph && context.AnyGraph)
        {
            Add(GraphSignal, c.Graph ?? 0, c.Graph ?? 0, options.GraphWeight, c.GraphRank);
        }

        if (options.UseSpeaker && context.AnySpeaker)
        {
            Add(SpeakerSignal, c.Speaker ?? 0, c.Speaker ?? 0, options.SpeakerWeight, null);
        }

        if (options.UseTime && context.AnyTime)
        {
            Add(TimeSignal, c.Time ?? 0, c.Time ?? 0, options.TimeWeight, null);
        }

        if (options.UseFeedback && context.MaxFeedback > 0)
        {
            Add(FeedbackSignal, c.Feedback ?? 0, (c.Feedback ?? 0) / context.MaxFeedback, options.FeedbackWeight, c.FeedbackRank);
        }

        if (options.UseLength && c.Length is { } length)
        {
            Add(LengthSignal, length, LengthPrior(length), options.LengthWeight, null);
        }

        var score = weights > 0 ? Math.Clamp(raw / weights, 0.0, 1.0) : 0.0;
        return new FusedScore(score, raw, signals);

        void Add(string name, double rawValue, double value, double weight, int? rank)
        {
            raw += weight * value;
            weights += weight;
            signals.Add(new SignalContribution { Name = name, RawValue = rawValue, Value = value, Weight = weight, Contribution = weight * value, Rank = rank });
        }
    }

    /// <summary>
    /// The vector signal's value in [0, 1]: the cosine itself (<see cref="VectorNormalization.Cosine"/>), or its place
    /// between the lowest and the highest cosine of the query's vector candidates (<see cref="VectorNormalization.MinMax"/>;
    /// 0 for a memory outside them; the cosine itself when they have no range).
    /// </summary>
    private double VectorValue(double? cosine, FusionContext context)
    {
        if (cosine is not { } value)
        {
            return 0.0;
        }

        if (options.VectorNormalization == VectorNormalization.Cosine)
        {
            return Math.Clamp(value, 0.0, 1.0);
        }

        // One vector candidate (or all tied) has no range to place it in: its cosine stands.
        var range = context.MaxVector - context.MinVector;
        return range > 1e-9 ? Math.Clamp((value - context.MinVector) / range, 0.0, 1.0) : Math.Clamp(value, 0.0, 1.0);
    }

    private FusedScore FuseRrf(CandidateSignals c, FusionContext context)
    {
        var k = options.RrfK;
        var signals = new List<SignalContribution>(6);
        double raw = 0, best = 0;
        if (options.UseVector)
        {
            Add(VectorSignal, c.Vector ?? 0, c.VectorRank, options.VectorWeight);
        }

        if (options.UseKeyword && context.AnyBm25)
        {
            Add(KeywordSignal, c.Bm25 ?? 0, c.Bm25Rank, options.KeywordWeight);
        }

        if (options.UseEntities && context.AnyEntity)
        {
            Add(EntitySignal, c.Entity ?? 0, c.EntityRank, options.EntityWeight);
        }

        if (options.UseGraph && context.AnyGraph)
        {
            Add(GraphSignal, c.Graph ?? 0, c.GraphRank, options.GraphWeight);
        }

        // Binary signals have no list of their own: a match counts as rank 1.
        if (options.UseSpeaker && context.AnySpeaker)
        {
            Add(SpeakerSignal, c.Speaker ?? 0, c.Speaker is > 0 ? 1 : null, options.SpeakerWeight);
        }

        if (options.UseTime && context.AnyTime)
        {
            Add(TimeSignal, c.Time ?? 0, c.Time is > 0 ? 1 : null, options.TimeWeight);
        }

        if (options.UseFeedback && context.MaxFeedback > 0)
        {
            Add(FeedbackSignal, c.Feedback ?? 0, c.FeedbackRank, options.FeedbackWeight);
        }

        var score = best > 0 ? Math.Clamp(raw / best, 0.0, 1.0) : 0.0;
        return new FusedScore(score, raw, signals);

        void Add(string name, double rawValue, int? rank, double weight)
        {
            var value = rank is { } r ? 1.0 / (k + r) : 0.0;
            raw += weight * value;
            best += weight / (k + 1.0);
            signals.Add(new SignalContribution { Name = name, RawValue = rawValue, Value = value * (k + 1.0), Weight = weight, Contribution = weight * value, Rank = rank });
        }
    }

    private static FusedScore FuseMem0(CandidateSignals c, FusionContext context)
    {
        var semantic = c.Vector ?? 0.0;
        var bm25 = c.Bm25 is { } b && b > 0 ? Mem0Bm25Sigmoid(b, context.TermCount) : 0.0;
        var entity = (c.Entity ?? 0.0) * Mem0EntityWeight;
        var maxPossible = 1.0 + (context.AnyBm25 ? 1.0 : 0.0) + (context.AnyEntity ? Mem0EntityWeight : 0.0);
        var raw = semantic + bm25 + entity;
        var signals = new List<SignalContribution>(3)
        {
            new() { Name = VectorSignal, RawValue = semantic, Value = Math.Clamp(semantic, 0, 1), Weight = 1.0, Contribution = semantic, Rank = c.VectorRank },
        };
        if (context.AnyBm25)
        {
            signals.Add(new() { Name = KeywordSignal, RawValue = c.Bm25 ?? 0, Value = bm25, Weight = 1.0, Contribution = bm25, Rank = c.Bm25Rank });
        }

        if (context.AnyEntity)
        {
            signals.Add(new() { Name = EntitySignal, RawValue = c.Entity ?? 0, Value = c.Entity ?? 0, Weight = Mem0EntityWeight, Contribution = entity, Rank = c.EntityRank });
        }

        return new FusedScore(Math.Clamp(raw / maxPossible, 0.0, 1.0), raw, signals);
    }
}

/// <summary>Per-query facts shared by every candidate of a search.</summary>
/// <param name="MaxBm25">The best raw BM25 score among the keyword candidates (0 when none).</param>
/// <param name="AnyBm25">Whether any candidate has a BM25 score.</param>
/// <param name="AnyEntity">Whether any candidate has an entity boost.</param>
/// <param name="TermCount">The number of analysed query terms.</param>
/// <param name="AnySpeaker">Whether the query names the speaker of any candidate.</param>
/// <param name="AnyTime">Whether any candidate was observed within a date range of the query.</param>
/// <param name="MaxFeedback">The best raw BM25 score of the feedback expansion terms (0 when none).</param>
/// <param name="AnyGraph">Whether any candidate has a graph score.</param>
/// <param name="MinVector">The lowest cosine among the vector candidates.</param>
/// <param name="MaxVector">The highest cosine among the vector candidates.</param>
internal readonly record struct FusionContext(
    double MaxBm25,
    bool AnyBm25,
    bool AnyEntity,
    int TermCount,
    bool AnySpeaker = false,
    bool AnyTime = false,
    double MaxFeedback = 0,
    bool AnyGraph = false,
    double MinVector = 0,
    double MaxVector = 1);

/// <summary>A fused score in [0, 1], the raw sum before normalisation, and each signal's share.</summary>
internal readonly record struct FusedScore(double Score, double Raw, IReadOnlyList<SignalContribution> Signals);
