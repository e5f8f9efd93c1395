using System.Text.Json;

namespace Engram;

/// <content>Graph memory: relations extracted on add, relations around a query on search, an entity's neighbourhood.</content>
public sealed partial class MemoryEngine
{
    private const int SearchRelationLimit = 5;
    private const int RelationScanLimit = 200;

    /// <summary>
    /// Gets the relations around an entity: those whose source or destination is it (its one-hop neighbourhood), newest
    /// first.
    /// </summary>
    /// <param name="entity">The entity name, in any case and spacing (normalised as Mem0g did).</param>
    /// <param name="scope">The scope to look in, or <see langword="null"/> for the whole project.</param>
    /// <param name="includeInvalidated">Whether contradicted relations are included (with their invalidation time).</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>At most 200 relations.</returns>
    /// <exception cref="ArgumentException"><paramref name="entity"/> is empty.</exception>
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

    /// <summary>
    /// Extracts the relations of new memories and finds the stored ones they contradict: a relation of an exclusive
    /// relationship (<c>lives_in</c>, <c>works_at</c>, …) invalidates the valid relations of the same source, scope and
    /// relationship with another destination.
    /// </summary>
    private async Task<(List<GraphRelation> Added, List<GraphRelation> Invalidated)> ExtractRelationsAsync(
        IGraphStore graph, MemoryScope scope, IEnumerable<MemoryItem> items, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var added = new List<GraphRelation>();
        foreach (var item in items)
        {
            foreach (var (source, relationship, destination) in RuleBasedRelationExtractor.Extract(item.Memory, item.ActorId ?? scope.UserId ?? scope.AgentId))
            {
                added.Add(new GraphRelation
                {
                    Scope = scope,
                    Source = source,
                    Relationship = relationship,
                    Destination = destination,
                    MemoryId = item.Id,
                    CreatedAt = now,
                });
            }
        }

        var exclusive = added.Where(r => RuleBasedRelationExtractor.IsExclusive(r.Relationship)).ToList();
        if (exclusive.Count == 0)
        {
            return (added, []);
        }

        var stored = await graph.GetRelationsAsync(
            _projectId, scope, exclusive.Select(r => r.Source).Distinct(StringComparer.Ordinal).ToList(), includeInvalidated: false, RelationScanLimit, cancellationToken).ConfigureAwait(false);
        var invalidated = new List<GraphRelation>();
        foreach (var old in stored)
        {
            var replacement = exclusive.FirstOrDefault(r => r.Source == old.Source && r.Relationship == old.Relationship && r.Destination != old.Destination);
            if (replacement is not null)
            {
                invalidated.Add(old with { InvalidatedAt = now, InvalidatedByMemoryId = replacement.MemoryId });
            }
        }

        return (added, invalidated);
    }

    /// <summary>
    /// The valid relations around a query (Mem0g's search): those touching the query's entities (names it mentions, and
    /// the scope's user), ranked by how many query stems they share, then newest first; at most 5. Without an explicit
    /// scope (a search by filters), only relations of the memories found are returned, so the filters hold.
    /// </summary>
    /// <summary>
    /// The graph signal (<see cref="RetrievalOptions.UseGraph"/>): memories whose live relations name an entity of the
    /// query score 1, memories of relations that name the other end of those score 0.5 (one hop). Relations are matched
    /// by scope only, so the search's filter, expiry and supersession decide (one filtered list query) which of them join
    /// the candidates.
    /// </summary>
    private async Task AddGraphCandidatesAsync(
        IGraphStore graph, IMemoryStore store, MemoryQuery query, MemoryScope? scope, string text, int pool, Dictionary<string, CandidateSignals> candidates, CancellationToken cancellationToken)
    {
        scope = scope is { IsEmpty: false } ? scope : null;
        var entities = QueryEntities(text);
        if (entities.Count == 0)
        {
            return;
        }

        var direct = await graph.GetRelationsAsync(_projectId, scope, entities, includeInvalidated: false, RelationScanLimit, cancellationToken).ConfigureAwait(false);
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

    /// <summary>The query's entity names as the graph stores them: its content words and the entities it names.</summary>
    private HashSet<string> QueryEntities(string query)
    {
        var entities = RuleBasedRelationExtractor.Normalize(query).Split('_', StringSplitOptions.RemoveEmptyEntries)
            .Where(w => !EnglishStopWords.Words.Contains(w)).ToHashSet(StringComparer.Ordinal);
        entities.UnionWith(_core.Entities.Extract(query, []).Select(e => RuleBasedRelationExtractor.Normalize(e.Name)));
        return entities;
    }

    private async Task<IReadOnlyList<GraphRelation>> SearchRelationsAsync(string query, MemoryScope? scope, HashSet<string> hitIds, CancellationToken cancellationToken)
    {
        scope = scope is { IsEmpty: false } ? scope : null;
        if (await _core.GetStoreAsync(cancellationToken).ConfigureAwait(false) is not IGraphStore graph)
        {
            return [];
        }

        var entities = QueryEntities(query);
        var stems = _core.Analyzer.Analyze(query).ToHashSet(StringComparer.Ordinal);
        if (scope?.UserId is { } user)
        {
            entities.Add(RuleBasedRelationExtractor.Normalize(user));
        }

        var candidates = await graph.GetRelationsAsync(_projectId, scope, entities, includeInvalidated: false, RelationScanLimit, cancellationToken).ConfigureAwait(false);
        return candidates
            .Where(r => scope is not null || hitIds.Contains(r.MemoryId))
            .Select((r, i) => (Relation: r, Order: i, Overlap: _core.Analyzer.Analyze($"{r.Source} {r.Relationship} {r.Destination}".Replace('_', ' ')).Count(stems.Contains)))
            .OrderByDescending(c => c.Overlap)
            .ThenBy(c => c.Order)
            .Take(SearchRelationLimit)
            .Select(c => c.Relation)
            .ToList();
    }
}
