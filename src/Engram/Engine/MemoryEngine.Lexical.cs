namespace Engram;

/// <content>Lexical enrichment: the neighbour-turn context indexed with a memory for BM25.</content>
public sealed partial class MemoryEngine
{
    /// <summary>
    /// The text of the messages that follow position <paramref name="last"/> in <paramref name="conversation"/>, up to
    /// <see cref="RetrievalOptions.LexicalFollowingMessages"/> of them (following-turn context of a new memory).
    /// </summary>
    private string FollowingText(IReadOnlyList<StoredMessage> conversation, int last)
    {
        var window = _core.Options.Retrieval.LexicalFollowingMessages;
        return window == 0 ? string.Empty : string.Join(' ', conversation.Skip(last + 1).Take(window).Select(m => CutContext(m.Content, keepEnd: false)));
    }

    /// <summary>
    /// Cuts one neighbour message to <see cref="RetrievalOptions.LexicalContextCharacters"/> at a word boundary, keeping
    /// its end (an earlier message: the words just before the memory) or its start (a following message).
    /// </summary>
    private string CutContext(string text, bool keepEnd)
    {
        var limit = _core.Options.Retrieval.LexicalContextCharacters;
        if (limit == 0 || text.Length <= limit)
        {
            return text;
        }

        if (keepEnd)
        {
            var start = text.Length - limit;
            var space = text.AsSpan(start).IndexOfAny(WordBreaks);
            return space < 0 ? text[start..] : text[(start + space + 1)..];
        }

        var end = text.AsSpan(0, limit + 1).LastIndexOfAny(WordBreaks);
        return end <= 0 ? text[..limit] : text[..end];
    }

    private static readonly System.Buffers.SearchValues<char> WordBreaks = System.Buffers.SearchValues.Create(" \t\r\n");

    /// <summary>
    /// The text of a fact's source messages when it differs from the fact (an extracted memory), indexed with it when
    /// <see cref="RetrievalOptions.IndexSourceMessages"/> is on: the words the speaker actually used find the fact too.
    /// </summary>
    private string SourceText(ExtractedFact fact, IReadOnlyList<StoredMessage> conversation, Dictionary<string, int> position)
    {
        if (!_core.Options.Retrieval.IndexSourceMessages)
        {
            return string.Empty;
        }

        var sources = fact.SourceMessageIds.Select(id => conversation[position[id]].Content).ToList();
        return sources.Count == 1 && string.Equals(sources[0], fact.Text, StringComparison.Ordinal) ? string.Empty : string.Join(' ', sources);
    }

    /// <summary>
    /// Following-turn context of earlier memories (<see cref="RetrievalOptions.LexicalFollowingMessages"/>): the memories
    /// of the last messages of the scope before <paramref name="added"/> get the stems of the new messages that fall
    /// within their window appended to their lexical text (by the store, in the add's transaction).
    /// </summary>
    /// <param name="store">The store.</param>
    /// <param name="scope">The scope of the new messages.</param>
    /// <param name="recent">The scope's messages before the new ones, oldest first.</param>
    /// <param name="added">The new messages, oldest first.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>One append per earlier memory; empty when the option is off or the scope has no earlier message.</returns>
    /// <remarks>
    /// The memories of a message are known from <see cref="RecentSourceCache"/> when this engine added it; otherwise they
    /// are looked up among the scope's memories created since the message (at most 10 per message of the window, at
    /// least 20). A memory built from several messages takes the window of its last one.
    /// </remarks>
    private async Task<List<LexicalAppend>> FollowingContextAsync(
        IMemoryStore store, MemoryScope scope, IReadOnlyList<StoredMessage> recent, IReadOnlyList<StoredMessage> added, CancellationToken cancellationToken)
    {
        var window = _core.Options.Retrieval.LexicalFollowingMessages;
        var appends = new List<LexicalAppend>();
        if (window == 0 || recent.Count == 0 || added.Count == 0)
        {
            return appends;
        }

        // The message at recent[r] has recent.Count - 1 - r messages after it already; it takes the new ones that still fit.
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        var missing = new List<StoredMessage>();
        for (var r = Math.Max(0, recent.Count - window); r < recent.Count; r++)
        {
            var take = window - (recent.Count - 1 - r);
            var lexical = _core.Analyzer.ToLexicalText(string.Join(' ', added.Take(take).Select(m => CutContext(m.Content, keepEnd: false))));
            if (lexical.Length == 0)
            {
                continue;
            }

            if (_core.RecentSources.TryGet(_projectId, recent[r].Id, out var memoryIds))
            {
                appends.AddRange(memoryIds.Select(id => new LexicalAppend(id, lexical)));
            }
            else
            {
                texts[recent[r].Id] = lexical;
                missing.Add(recent[r]);
            }
        }

        if (missing.Count == 0)
        {
            return appends;
        }

        // Memories are created with (or after) their messages, or backdated to when they were said: only the scope's memories
        // created since the oldest missing one.
        var since = missing.Min(m => m.CreatedAt < m.ObservedAt ? m.CreatedAt : m.ObservedAt).UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        var filter = MemoryFilter.AllOf(
            RequestValidation.ScopeFilter(scope),
            new ComparisonFilter(FilterField.Of(FilterFieldKind.CreatedAt), FilterOperator.Gte, System.Text.Json.JsonSerializer.SerializeToElement(since)));
        var page = await store.ListAsync(new MemoryQuery { ProjectId = _projectId, Filter = filter }, 0, Math.Max(20, window * 10), cancellationToken).ConfigureAwait(false);
        var order = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var r = 0; r < recent.Count; r++)
        {
            order[recent[r].Id] = r;
        }

        foreach (var item in page.Items)
        {
            if (item.Scope != scope)
            {
                continue;
            }

            var last = item.SourceMessageIds.Where(order.ContainsKey).Select(id => order[id]).DefaultIfEmpty(-1).Max();
            if (last >= 0 && texts.TryGetValue(recent[last].Id, out var text))
            {
                appends.Add(new LexicalAppend(item.Id, text));
            }
        }

        return appends;
    }

    /// <summary>Remembers which memories the new messages produced, for the next add's following-turn context.</summary>
    private void RememberSources(IReadOnlyList<StoredMessage> added, IEnumerable<MemoryItem> memories)
    {
        if (_core.Options.Retrieval.LexicalFollowingMessages == 0)
        {
            return;
        }

        var bySource = memories
            .SelectMany(m => m.SourceMessageIds.Select(source => (Source: source, m.Id)))
            .ToLookup(x => x.Source, x => x.Id, StringComparer.Ordinal);
        foreach (var message in added)
        {
            _core.RecentSources.Add(_projectId, message.Id, [.. bySource[message.Id]]);
        }
    }

    /// <summary>The most neighbouring memories examined per erased message: its neighbours hold all of its words, so they rank first.</summary>
    private const int NeighbourScanLimit = 64;

    /// <summary>
    /// The lexical removals of an erasure by id: the neighbour-turn context copied the erased memories' source messages
    /// into the lexical text of the memories around them (see <see cref="LexicalRemoval"/>). For each source message,
    /// the memories of the same scope whose keywords match its words (at most <see cref="NeighbourScanLimit"/>, best
    /// first) get a removal that keeps their own words: their text, speaker and own source messages.
    /// </summary>
    /// <param name="store">The store.</param>
    /// <param name="items">The memories being erased.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The removals; empty when the erased memories have no stored source message.</returns>
    private async Task<List<LexicalRemoval>> NeighbourRemovalsAsync(IMemoryStore store, IReadOnlyList<MemoryItem> items, CancellationToken cancellationToken)
    {
        var erased = items.Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
        var removals = new List<LexicalRemoval>();
        foreach (var item in items)
        {
            if (item.SourceMessageIds.Count == 0 || RequestValidation.ScopeFilter(item.Scope) is not { } scopeFilter)
            {
                continue;
            }

            var query = new MemoryQuery { ProjectId = _projectId, Filter = scopeFilter };
            foreach (var message in await store.GetMessagesAsync(_projectId, item.SourceMessageIds, cancellationToken).ConfigureAwait(false))
            {
                var context = _core.Analyzer.Analyze(message.Content).Distinct(StringComparer.Ordinal).ToList();
                if (context.Count == 0)
                {
                    continue;
                }

                var hits = await store.SearchKeywordsAsync(query, context, NeighbourScanLimit, cancellationToken).ConfigureAwait(false);
                var neighbours = await store.GetManyAsync(
                    _projectId, hits.Select(h => h.MemoryId).Where(id => !erased.Contains(id)).ToList(), cancellationToken).ConfigureAwait(false);
                foreach (var neighbour in neighbours)
                {
                    removals.Add(new LexicalRemoval(neighbour.Id, context, await OwnTermsAsync(store, neighbour, cancellationToken).ConfigureAwait(false)));
                }
            }
        }

        return removals;
    }

    /// <summary>The terms a memory's lexical text holds of its own: its text, its speaker and its source messages.</summary>
    private async Task<HashSet<string>> OwnTermsAsync(IMemoryStore store, MemoryItem item, CancellationToken cancellationToken)
    {
        var own = new HashSet<string>(_core.Analyzer.Analyze(item.Memory), StringComparer.Ordinal);
        if (item.ActorId is { } actor)
        {
            own.UnionWith(_core.Analyzer.Analyze(actor));
        }

        if (item.SourceMessageIds.Count > 0)
        {
            foreach (var source in await store.GetMessagesAsync(_projectId, item.SourceMessageIds, cancellationToken).ConfigureAwait(false))
            {
                own.UnionWith(_core.Analyzer.Analyze(source.Content));
            }
        }

        return own;
    }
}

