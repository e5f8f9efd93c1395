using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Engram;

public sealed partial class MemoryEngine
{
    private const string ReasonBelowThreshold = "below_threshold";
    private const string ReasonBeyondTopK = "beyond_top_k";
    private const string ReasonSuperseded = "superseded";
    private const string ReasonExpired = "expired";

    /// <inheritdoc/>
    public async Task<SearchMemoriesResult> SearchAsync(SearchMemoriesRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var activity = EngramTelemetry.Start("memory.search", _projectId);
        var started = Stopwatch.GetTimestamp();

        if (string.IsNullOrWhiteSpace(request.Query))
        {
            throw new MemoryValidationException("query cannot be empty or whitespace.", "query");
        }

        var topK = request.TopK ?? _core.Options.DefaultTopK;
        if (topK is < 1 or > 1000)
        {
            throw new MemoryValidationException($"top_k must be between 1 and 1000, not {topK}.", "top_k");
        }

        var threshold = request.Threshold ?? _core.Options.DefaultThreshold;
        if (double.IsNaN(threshold) || threshold is < 0 or > 1)
        {
            throw new MemoryValidationException($"threshold must be between 0 and 1, not {threshold}.", "threshold");
        }

        var filter = RequestValidation.BuildReadFilter(request.Scope, request.Filter);
        var store = await _core.GetStoreAsync(cancellationToken).ConfigureAwait(false);
        var today = TodayUtc();

        // With explain, expired and superseded candidates are fetched too so that the response can say why they were dropped.
        var query = new MemoryQuery
        {
            ProjectId = _projectId,
            Filter = filter,
            ExcludeExpiredBefore = request.ShowExpired || request.Explain ? null : today,
            ExcludeSuperseded = request.LatestOnly && !request.Explain,
        };

        var features = QueryFeatures.Analyze(request.Query, _core.Analyzer, _core.Entities, _core.Time.GetUtcNow(), _core.Options.Retrieval.UseTime);
        var candidates = await GatherCandidatesAsync(store, query, request.Query, features, topK, cancellationToken).ConfigureAwait(false);
        var graph = store as IGraphStore;
        QueryGraph? queryGraph = null;
        if (_core.Options.Retrieval.UseGraph && (request.EnableGraph || _core.Options.EnableGraph) && graph is not null)
        {
            queryGraph = await LoadQueryGraphAsync(graph, request.Scope, request.Query, cancellationToken).ConfigureAwait(false);
            await AddGraphCandidatesAsync(store, query, queryGraph, PoolSize(topK), candidates, cancellationToken).ConfigureAwait(false);
        }

        var items = candidates.Count == 0
            ? []
            : await store.GetManyAsync(_projectId, candidates.Keys, cancellationToken).ConfigureAwait(false);
        items = await AddFeedbackAsync(store, query, features, topK, candidates, items, cancellationToken).ConfigureAwait(false);
        var context = ScoreItemSignals(features, candidates, items);

        var retrieval = _core.Options.Retrieval;
        var excluded = new List<ExcludedCandidate>();
        var scored = new List<(MemoryItem Item, FusedScore Fused)>(items.Count);
        foreach (var item in items)
        {
            var signals = candidates[item.Id];
            var fused = _core.Fusion.Fuse(signals, context);
            string? reason = null;
            if (!request.ShowExpired && item.IsExpired(today))
            {
                reason = ReasonExpired;
            }
            else if (request.LatestOnly && item.SupersededBy is not null)
            {
                reason = ReasonSuperseded;
            }
            else if (retrieval.Fusion == FusionMethod.Mem0 ? (signals.Vector ?? 0) < threshold : fused.Score < threshold)
            {
                reason = ReasonBelowThreshold;
            }

            if (reason is null)
            {
                scored.Add((item, fused));
            }
            else if (request.Explain)
            {
                excluded.Add(new ExcludedCandidate { MemoryId = item.Id, Reason = reason, Score = fused.Score, SupersededBy = item.SupersededBy });
            }
        }

        scored.Sort(static (a, b) =>
        {
            var byScore = b.Fused.Score.CompareTo(a.Fused.Score);
            return byScore != 0 ? byScore : string.CompareOrdinal(b.Item.Id, a.Item.Id);
        });

        if (request.Explain)
        {
            excluded.AddRange(scored.Skip(topK).Select(s => new ExcludedCandidate { MemoryId = s.Item.Id, Reason = ReasonBeyondTopK, Score = s.Fused.Score }));
        }

        var hits = scored.Take(topK).Select(s => new MemorySearchHit
        {
            Item = s.Item,
            Score = s.Fused.Score,
            Explanation = request.Explain
                ? new SearchExplanation
                {
                    Signals = s.Fused.Signals,
                    Fusion = _core.Fusion.MethodName,
                    RawScore = s.Fused.Raw,
                    Threshold = threshold,
                    SourceMessageIds = s.Item.SourceMessageIds,
                }
                : null,
        }).ToList();

        if (request.Rerank && _core.Reranker is { } reranker && hits.Count > 1)
        {
            hits = await RerankAsync(reranker, request.Query, hits, cancellationToken).ConfigureAwait(false);
        }

        if (_core.Logger.IsEnabled(LogLevel.Debug))
        {
            var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            Log.SearchCompleted(_core.Logger, hits.Count, candidates.Count, elapsedMs);
        }
        activity.SetTag("engram.search.candidates", candidates.Count);
        activity.SetTag("engram.search.results", hits.Count);
        var relations = request.EnableGraph && graph is not null
            ? await SearchRelationsAsync(
                queryGraph ?? await LoadQueryGraphAsync(graph, request.Scope, request.Query, cancellationToken).ConfigureAwait(false),
                request.Query,
                hits.Select(h => h.Item.Id).ToHashSet(StringComparer.Ordinal),
                cancellationToken).ConfigureAwait(false)
            : [];
        return new SearchMemoriesResult { Results = hits, Excluded = excluded, Relations = relations };
    }

    /// <summary>
    /// Candidates are the union of every enabled signal's top list (architecture §4.2): a memory found only by BM25 or
    /// only through an entity link is kept, unlike Mem0 where BM25 and entities only re-rank vector hits.
    /// </summary>
    private async Task<Dictionary<string, CandidateSignals>> GatherCandidatesAsync(
        IMemoryStore store, MemoryQuery query, string text, QueryFeatures features, int topK, CancellationToken cancellationToken)
    {
        var retrieval = _core.Options.Retrieval;
        var pool = PoolSize(topK);
        var candidates = new Dictionary<string, CandidateSignals>(StringComparer.Ordinal);

        CandidateSignals CandidateFor(string id)
        {
            if (!candidates.TryGetValue(id, out var c))
            {
                c = new CandidateSignals(id);
                candidates[id] = c;
            }

            return c;
        }

        var vectorTask = retrieval.UseVector || retrieval.Fusion == FusionMethod.Mem0
            ? SearchVectorsAsync(store, query, text, pool, cancellationToken)
            : Task.FromResult<IReadOnlyList<ScoredMemoryId>>([]);

        var terms = features.Terms;
        var keywordTask = retrieval.UseKeyword && terms.Count > 0
            ? store.SearchKeywordsAsync(query, terms, pool, cancellationToken)
            : Task.FromResult<IReadOnlyList<ScoredMemoryId>>([]);

        var entityKeys = features.EntityKeys;
        var entityTask = retrieval.UseEntities && entityKeys.Count > 0
            ? store.FindEntityLinksAsync(query, entityKeys, pool * 4, cancellationToken)
            : Task.FromResult<IReadOnlyList<EntityLink>>([]);

        await Task.WhenAll(vectorTask, keywordTask, entityTask).ConfigureAwait(false);

        var rank = 0;
        foreach (var hit in await vectorTask.ConfigureAwait(false))
        {
            var c = CandidateFor(hit.MemoryId);
            c.Vector = hit.Score;
            c.VectorRank = ++rank;
        }

        rank = 0;
        foreach (var hit in await keywordTask.ConfigureAwait(false))
        {
            var c = CandidateFor(hit.MemoryId);
            c.Bm25 = hit.Score;
            c.Bm25Rank = ++rank;
        }

        var boosts = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var link in await entityTask.ConfigureAwait(false))
        {
            var boost = SearchFusion.EntityBoost(link.LinkCount);
            if (!boosts.TryGetValue(link.MemoryId, out var current) || boost > current)
            {
                boosts[link.MemoryId] = boost;
            }
        }

        rank = 0;
        foreach (var (id, boost) in boosts.OrderByDescending(b => b.Value).ThenBy(b => b.Key, StringComparer.Ordinal).Take(pool))
        {
            var c = CandidateFor(id);
            c.Entity = boost;
            c.EntityRank = ++rank;
        }

        return candidates;
    }

    private int PoolSize(int topK) => Math.Max(topK * 4, _core.Options.Retrieval.MinCandidates);

    /// <summary>
    /// Pseudo-relevance feedback (<see cref="RetrievalOptions.UseFeedback"/>): selects expansion terms from the text of
    /// the best BM25 hits, searches them with BM25, records each hit's <see cref="CandidateSignals.Feedback"/> and adds
    /// the hits that were not candidates yet (fetching their items).
    /// </summary>
    /// <returns>The candidates' items, with those of the new candidates added.</returns>
    private async Task<IReadOnlyList<MemoryItem>> AddFeedbackAsync(
        IMemoryStore store,
        MemoryQuery query,
        QueryFeatures features,
        int topK,
        Dictionary<string, CandidateSignals> candidates,
        IReadOnlyList<MemoryItem> items,
        CancellationToken cancellationToken)
    {
        var retrieval = _core.Options.Retrieval;
        if (!retrieval.UseFeedback || !retrieval.UseKeyword || retrieval.Fusion == FusionMethod.Mem0 || items.Count == 0)
        {
            return items;
        }

        var best = candidates.Values.Max(c => c.Bm25) ?? 0;
        if (best <= 0)
        {
            return items;
        }

        var byId = items.ToDictionary(i => i.Id, StringComparer.Ordinal);
        var documents = candidates.Values
            .Where(c => c.Bm25Rank is { } rank && rank <= retrieval.FeedbackDocuments && byId.ContainsKey(c.MemoryId))
            .OrderBy(c => c.Bm25Rank)
            .Select(c => (byId[c.MemoryId].Memory, (c.Bm25 ?? 0) / best));
        var excluded = new HashSet<string>(features.Terms, StringComparer.Ordinal);
        foreach (var speaker in items.Select(i => i.ActorId).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            excluded.UnionWith(_core.Analyzer.Analyze(speaker));
        }

        var expansion = FeedbackExpansion.SelectTerms(documents, excluded, retrieval.FeedbackTerms, _core.Analyzer);
        if (expansion.Count == 0)
        {
            return items;
        }

        // Every hit of the pool scores the candidates it names; only the best top_k hits become new candidates (each one
        // costs a fetch).
        var hits = await store.SearchKeywordsAsync(query, expansion, PoolSize(topK), cancellationToken).ConfigureAwait(false);
        var added = new List<string>();
        var rank = 0;
        foreach (var hit in hits)
        {
            rank++;
            if (!candidates.TryGetValue(hit.MemoryId, out var c))
            {
                if (rank > topK)
                {
                    continue;
                }

                c = new CandidateSignals(hit.MemoryId);
                candidates[hit.MemoryId] = c;
                added.Add(hit.MemoryId);
            }

            c.Feedback = hit.Score;
            c.FeedbackRank = rank;
        }

        if (added.Count == 0)
        {
            return items;
        }

        var more = await store.GetManyAsync(_projectId, added, cancellationToken).ConfigureAwait(false);
        return [.. items, .. more];
    }

    /// <summary>
    /// Sets the signals that need the memory itself (<see cref="RetrievalOptions.UseSpeaker"/>,
    /// <see cref="RetrievalOptions.UseTime"/>, <see cref="RetrievalOptions.UseLength"/>) and gathers the per-query facts
    /// the fusion needs.
    /// </summary>
    private FusionContext ScoreItemSignals(QueryFeatures features, Dictionary<string, CandidateSignals> candidates, IReadOnlyList<MemoryItem> items)
    {
        var retrieval = _core.Options.Retrieval;
        var useSpeaker = retrieval.UseSpeaker && features.Tokens.Count > 0;
        var firstPerson = useSpeaker && retrieval.FirstPersonSpeaker && SpeakerMatcher.IsFirstPerson(features.Tokens);
        var useTime = retrieval.UseTime && features.Dates.Count > 0;
        bool anySpeaker = false, anyTime = false;
        var named = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var c = candidates[item.Id];
            if (useSpeaker)
            {
                var isNamed = false;
                if (item.ActorId is { } actor && !named.TryGetValue(actor, out isNamed))
                {
                    isNamed = SpeakerMatcher.IsNamed(actor, features.Tokens, _core.Analyzer);
                    named[actor] = isNamed;
                }

                isNamed |= firstPerson && SpeakerMatcher.IsOwnerSpeaking(item.Role, item.ActorId);
                c.Speaker = isNamed ? 1 : 0;
                anySpeaker |= isNamed;
            }

            if (retrieval.UseLength)
            {
                c.Length = item.Memory.Length;
            }

            if (useTime)
            {
                var inRange = TimeMatcher.Matches(item.ObservedAt, features.Dates, retrieval.TimeWindowDays);
                c.Time = inRange ? 1 : 0;
                anyTime |= inRange;
            }
        }

        return new FusionContext(
            candidates.Values.Max(c => c.Bm25) ?? 0,
            candidates.Values.Any(c => c.Bm25 is > 0),
            candidates.Values.Any(c => c.Entity is > 0),
            features.Terms.Count,
            anySpeaker,
            anyTime,
            candidates.Values.Max(c => c.Feedback) ?? 0,
            candidates.Values.Any(c => c.Graph is > 0),
            candidates.Values.Min(c => c.Vector) ?? 0,
            candidates.Values.Max(c => c.Vector) ?? 1);
    }

    private async Task<IReadOnlyList<ScoredMemoryId>> SearchVectorsAsync(IMemoryStore store, MemoryQuery query, string text, int pool, CancellationToken cancellationToken)
    {
        var (vectors, model) = await _core.EmbedAsync([text], cancellationToken, query: true).ConfigureAwait(false);
        return await store.SearchVectorsAsync(query, vectors[0], model, pool, cancellationToken).ConfigureAwait(false);
    }
}
