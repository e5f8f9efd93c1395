using System.Text.Json;

namespace Engram;

/// <content>Graph memory: relations extracted on add, relations around a query on search, an entity's neighbourhood.</content>
public sealed partial class MemoryEngine
{
    private const int SearchRelationLimit = 5;
    private const int RelationScanLimit = 200;

    /// <inheritdoc/>
    /// <returns>At most 200 relations.</returns>
    /// <exception cref="NotSupportedException">The registered store does not implement <see cref="IGraphStore"/>.</exception>
    public async Task<IReadOnlyList<GraphRelation>> GetRelationsAsync(
        string entity, MemoryScope? scope = null, bool includeInvalidated = false, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(entity);
        var graph = await _core.GetStoreAsync(cancellationToken).ConfigureAwait(false) as IGraphStore
            ?? throw new NotSupportedException($"The registered memory store '{_core.Store.Name}' has no graph ({nameof(IGraphStore)}).");
        return await graph.GetRelationsAsync(
            _projectId, scope, [RuleBasedRelationExtractor.Normalize(entity)], includeInvalidated, RelationScanLimit, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Gets the relations of a scope's memories (the scope's graph), newest first.</summary>
    /// <param name="scope">The scope: each non-null id must match; at least one id.</param>
    /// <param name="includeInvalidated">Whether contradicted relations are included (with their invalidation time).</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>At most 200 relations; empty when the store has no graph.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="scope"/> is <see langword="null"/>.</exception>
    /// <exception cref="MemoryValidationException">The scope has no id.</exception>
    public async Task<IReadOnlyList<GraphRelation>> GetScopeRelationsAsync(MemoryScope scope, bool includeInvalidated = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var normalized = RequestValidation.NormalizeScope(scope, required: true);
        return await _core.GetStoreAsync(cancellationToken).ConfigureAwait(false) is IGraphStore graph
            ? await graph.GetRelationsAsync(_projectId, normalized, null, includeInvalidated, RelationScanLimit, cancellationToken).ConfigureAwait(false)
            : [];
    }

    /// <summary>
    /// Gets the relations extracted from, or invalidated by, some memories (valid and invalidated ones), newest first.
    /// </summary>
    /// <param name="memoryIds">The memory ids.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The relations; empty when none or when the store has no graph.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="memoryIds"/> is <see langword="null"/>.</exception>
    public async Task<IReadOnlyList<GraphRelation>> GetMemoryRelationsAsync(IReadOnlyCollection<string> memoryIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(memoryIds);
        return memoryIds.Count > 0 && await _core.GetStoreAsync(cancellationToken).ConfigureAwait(false) is IGraphStore graph
            ? await graph.GetMemoryRelationsAsync(_projectId, memoryIds, cancellationToken).ConfigureAwait(false)
            : [];
    }

    /// <summary>
    /// Extracts the relations of new (or re-written) memories with the <see cref="IRelationExtractor"/> and finds the
    /// stored ones they contradict. The extractor is shown the scope's valid relations around the memories' entities
    /// (speakers, the user, the names they mention), except those of the memories themselves; what it answers is
    /// normalised (Mem0g's names), and relations or contradictions naming memories or relations it was not given are
    /// dropped. A contradicted relation that a memory states again is kept valid.
    /// </summary>
    private async Task<(List<GraphRelation> Added, List<GraphRelation> Invalidated, ModelUsage? Usage)> ExtractRelationsAsync(
        IGraphStore graph, MemoryScope scope, IReadOnlyList<MemoryItem> items, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (items.Count == 0)
        {
            return ([], [], null);
        }

        var memoryIds = items.Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
        var request = new RelationExtractionRequest { Memories = items, Scope = scope };
        var entities = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var self = request.SelfOf(item);
            if (self is not null)
            {
                entities.Add(RuleBasedRelationExtractor.Normalize(self));
            }

            entities.UnionWith(RuleBasedRelationExtractor.Extract(item.Memory, self).Select(t => t.Source));
            entities.UnionWith(_core.Entities.Extract(item.Memory, []).Select(e => RuleBasedRelationExtractor.Normalize(e.Name)));
        }

        entities.Remove(string.Empty);
        var existing = (await graph.GetRelationsAsync(_projectId, scope, entities, includeInvalidated: false, RelationScanLimit, cancellationToken).ConfigureAwait(false))
            .Where(r => !memoryIds.Contains(r.MemoryId))
            .ToList();
        var result = await _core.RelationExtractor.ExtractAsync(request with { ExistingRelations = existing }, cancellationToken).ConfigureAwait(false);

        var added = new List<GraphRelation>();
        foreach (var relation in result.Relations)
        {
            var source = RuleBasedRelationExtractor.Normalize(relation.Source);
            var relationship = RuleBasedRelationExtractor.Normalize(relation.Relationship);
            var destination = RuleBasedRelationExtractor.Normalize(relation.Destination);
            if (source.Length == 0 || relationship.Length == 0 || destination.Length == 0 || source == destination || !memoryIds.Contains(relation.MemoryId)
                || added.Exists(r => r.MemoryId == relation.MemoryId && r.Source == source && r.Relationship == relationship && r.Destination == destination))
            {
                continue;
            }

            added.Add(new GraphRelation
            {
                Scope = scope,
                Source = source,
                Relationship = relationship,
                Destination = destination,
                MemoryId = relation.MemoryId,
                CreatedAt = now,
            });
        }

        var byId = existing.ToDictionary(r => r.Id);
        var invalidated = new List<GraphRelation>();
        foreach (var contradiction in result.Contradictions)
        {
            if (!memoryIds.Contains(contradiction.MemoryId) || !byId.Remove(contradiction.RelationId, out var old)
                || added.Exists(r => r.Source == old.Source && r.Relationship == old.Relationship && r.Destination == old.Destination))
            {
                continue;
            }

            invalidated.Add(old with { InvalidatedAt = now, InvalidatedByMemoryId = contradiction.MemoryId });
        }

        return (added, invalidated, result.Usage);
    }

    /// <summary>
    /// An update that changes a memory's text, with graph memory on (<see cref="MemoryOptions.EnableGraph"/>, or
    /// relations already extracted from the memory): the memory's valid relations are invalidated by the memory itself
    /// at the update time, and relations are extracted from the new text (which may contradict other relations).
    /// </summary>
    private async Task<(List<GraphRelation> Added, List<RelationInvalidation> Invalidations)> ReextractRelationsAsync(
        IGraphStore graph, MemoryItem updated, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var own = (await graph.GetMemoryRelationsAsync(_projectId, [updated.Id], cancellationToken).ConfigureAwait(false))
            .Where(r => r.MemoryId == updated.Id)
            .ToList();
        if (!_core.Options.EnableGraph && own.Count == 0)
        {
            return ([], []);
        }

        var (added, invalidated, _) = await ExtractRelationsAsync(graph, updated.Scope, [updated], now, cancellationToken).ConfigureAwait(false);
        var invalidations = own.Where(r => r.InvalidatedAt is null)
            .Select(r => new RelationInvalidation(r.Id, now, updated.Id))
            .Concat(invalidated.Select(r => new RelationInvalidation(r.Id, now, r.InvalidatedByMemoryId!)))
            .ToList();
        return (added, invalidations);
    }

    /// <summary>
    /// The graph signal (<see cref="RetrievalOptions.UseGraph"/>): memories whose live relations name an entity of the
    /// query score 1, memories of relations that name the other end of those score 0.5 (one hop). Relations are matched
    /// by scope only, so the search's filter, expiry and supersession decide (one filtered list query) which of them join
    /// the candidates.
    /// </summary>
    private async Task AddGraphCandidatesAsync(
        IMemoryStore store, MemoryQuery query, QueryGraph queryGraph, int pool, Dictionary<string, CandidateSignals> candidates, CancellationToken cancellationToken)
    {
        var (graph, scope, entities, direct) = queryGraph;
        if (entities.Count == 0)
        {
            return;
        }

        var scores = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var relation in direct)
        {
            scores[relation.MemoryId] = 1.0;
        }

        var neighbours = direct.SelectMany(r => new[] { r.Source, r.Destination }).Where(e => !entities.Contains(e)).ToHashSet(StringComparer.Ordinal);
        if (neighbours.Count > 0)
        {
            foreach (var relation in await graph.GetRelationsAsync(_projectId, scope, neighbours, includeInvalidated: false, RelationScanLimit, cancellationToken).ConfigureAwait(false))
            {
                scores.TryAdd(relation.MemoryId, 0.5);
            }
        }

        if (scores.Count == 0)
        {
            return;
        }

        var ids = scores.OrderByDescending(s => s.Value).ThenBy(s => s.Key, StringComparer.Ordinal).Take(pool).Select(s => s.Key).ToList();
        MemoryFilter byId = new ComparisonFilter(FilterField.Of(FilterFieldKind.Id), FilterOperator.In, JsonSerializer.SerializeToElement(ids));
        var allowed = await store.ListAsync(query with { Filter = query.Filter is { } filter ? new AndFilter([filter, byId]) : byId }, 0, ids.Count, cancellationToken).ConfigureAwait(false);
        var allowedIds = allowed.Items.Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
        var rank = 0;
        foreach (var id in ids.Where(allowedIds.Contains))
        {
            if (!candidates.TryGetValue(id, out var candidate))
            {
                candidate = new CandidateSignals(id);
                candidates[id] = candidate;
            }

            candidate.Graph = scores[id];
            candidate.GraphRank = ++rank;
        }
    }

    /// <summary>
    /// What one search reads from the graph once, for both the graph signal and the returned relations: the query's
    /// entities and the valid relations touching them (newest first, at most 200). An empty scope (a search by filters)
    /// reads the whole project.
    /// </summary>
    private async Task<QueryGraph> LoadQueryGraphAsync(IGraphStore graph, MemoryScope? scope, string query, CancellationToken cancellationToken)
    {
        scope = scope is { IsEmpty: false } ? scope : null;
        var entities = QueryEntities(query);
        var direct = entities.Count == 0
            ? []
            : await graph.GetRelationsAsync(_projectId, scope, entities, includeInvalidated: false, RelationScanLimit, cancellationToken).ConfigureAwait(false);
        return new QueryGraph(graph, scope, entities, direct);
    }

    /// <summary>The query's entity names as the graph stores them: its content words and the entities it names.</summary>
    private HashSet<string> QueryEntities(string query)
    {
        var entities = RuleBasedRelationExtractor.Normalize(query).Split('_', StringSplitOptions.RemoveEmptyEntries)
            .Where(w => !EnglishStopWords.Words.Contains(w)).ToHashSet(StringComparer.Ordinal);
        entities.UnionWith(_core.Entities.Extract(query, []).Select(e => RuleBasedRelationExtractor.Normalize(e.Name)));
        return entities;
    }

    /// <summary>
    /// The valid relations around a query (Mem0g's search): those touching the query's entities (names it mentions, and
    /// the scope's user), ranked by how many query stems they share, then newest first; at most 5. Without an explicit
    /// scope (a search by filters), only relations of the memories found are returned, so the filters hold. The user's
    /// relations are read only when the query's entities do not already include the user; the newest 200 of both reads
    /// are the newest 200 of one read of all the entities.
    /// </summary>
    private async Task<IReadOnlyList<GraphRelation>> SearchRelationsAsync(QueryGraph queryGraph, string query, HashSet<string> hitIds, CancellationToken cancellationToken)
    {
        var (graph, scope, entities, direct) = queryGraph;
        var candidates = direct;
        if (scope?.UserId is { } userId && RuleBasedRelationExtractor.Normalize(userId) is { Length: > 0 } user && !entities.Contains(user))
        {
            var ofUser = await graph.GetRelationsAsync(_projectId, scope, [user], includeInvalidated: false, RelationScanLimit, cancellationToken).ConfigureAwait(false);
            candidates = direct.Concat(ofUser).DistinctBy(r => r.Id).OrderByDescending(r => r.Id).Take(RelationScanLimit).ToList();
        }

        var stems = _core.Analyzer.Analyze(query).ToHashSet(StringComparer.Ordinal);
        return candidates
            .Where(r => scope is not null || hitIds.Contains(r.MemoryId))
            .Select((r, i) => (Relation: r, Order: i, Overlap: _core.Analyzer.Analyze($"{r.Source} {r.Relationship} {r.Destination}".Replace('_', ' ')).Count(stems.Contains)))
            .OrderByDescending(c => c.Overlap)
            .ThenBy(c => c.Order)
            .Take(SearchRelationLimit)
            .Select(c => c.Relation)
            .ToList();
    }

    /// <summary>The graph reads of one search (see <see cref="LoadQueryGraphAsync"/>).</summary>
    private sealed record QueryGraph(IGraphStore Graph, MemoryScope? Scope, HashSet<string> Entities, IReadOnlyList<GraphRelation> Direct);
}
