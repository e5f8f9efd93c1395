using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Engram;

public sealed partial class MemoryEngine
{
    /// <summary>The metadata key and value that mark a procedural memory (Mem0).</summary>
    private const string MemoryTypeKey = "memory_type";

    private const string ProceduralMemoryType = "procedural_memory";

    /// <inheritdoc/>
    public async Task<AddMemoriesResult> AddAsync(AddMemoriesRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var activity = EngramTelemetry.Start("memory.add", _projectId);
        var started = Stopwatch.GetTimestamp();

        if (request.Messages is null)
        {
            throw new MemoryValidationException("messages are required: a string, one message or a list of messages.", "messages");
        }

        var scope = RequestValidation.NormalizeScope(request.Scope, required: true);
        var metadata = RequestValidation.StripIdentityKeys(request.Metadata, _core.Logger);
        foreach (var message in request.Messages)
        {
            if (message is null || string.IsNullOrWhiteSpace(message.Role))
            {
                throw new MemoryValidationException("Every message needs a role (user, assistant or system).", "messages");
            }
        }

        var now = _core.Time.GetUtcNow();
        var observedAt = (request.Timestamp ?? now).ToUniversalTime();
        var stored = request.Messages
            .Where(m => !string.IsNullOrWhiteSpace(m.Content))
            .Select(m => new StoredMessage
            {
                Id = NewId(),
                Scope = scope,
                Role = m.Role.Trim().ToLowerInvariant(),
                Content = m.Content,
                Name = string.IsNullOrWhiteSpace(m.Name) ? null : m.Name.Trim(),
                ExternalId = m.ExternalId,
                ObservedAt = observedAt,
                CreatedAt = now,
            })
            .ToList();

        if (stored.Count == 0)
        {
            return new AddMemoriesResult { Results = [] };
        }

        var store = await _core.GetStoreAsync(cancellationToken).ConfigureAwait(false);
        var extractionContext = request.Infer ? _core.Options.ExtractionContextMessages : 0;
        var lexicalContext = _core.Options.Retrieval.LexicalContextMessages;
        var recentCount = Math.Max(Math.Max(extractionContext, lexicalContext), _core.Options.Retrieval.LexicalFollowingMessages);
        var recent = recentCount > 0
            ? await store.GetRecentMessagesAsync(_projectId, scope, recentCount, cancellationToken).ConfigureAwait(false)
            : [];

        var procedural = IsProcedural(request, scope);
        if (procedural)
        {
            metadata = new Dictionary<string, System.Text.Json.JsonElement>(metadata, StringComparer.Ordinal)
            {
                [MemoryTypeKey] = System.Text.Json.JsonSerializer.SerializeToElement(ProceduralMemoryType),
            };
        }

        IReadOnlyList<MemoryItem> existing = [];
        FactExtractionResult extraction;
        if (request.Infer)
        {
            existing = await FindSimilarMemoriesAsync(store, stored, scope, cancellationToken).ConfigureAwait(false);
            extraction = await ExtractFactsAsync(
                new FactExtractionRequest
                {
                    Messages = stored,
                    RecentMessages = recent.TakeLast(extractionContext).ToList(),
                    ExistingMemories = existing,
                    ObservationDate = observedAt,
                    Scope = scope,
                    CustomInstructions = request.CustomInstructions,
                    Categories = request.CustomCategories ?? MemoryCategories.Default,
                    Procedural = procedural,
                },
                cancellationToken).ConfigureAwait(false);
        }
        else
        {
            extraction = new FactExtractionResult
            {
                Facts = stored.Where(m => m.Role != MemoryRoles.System)
                    .Select(m => new ExtractedFact { Text = m.Content, SourceMessageIds = [m.Id], ActorId = m.Name, AttributedTo = m.Role })
                    .ToList(),
            };
        }

        var conversation = recent.TakeLast(lexicalContext).Concat(stored).ToList();
        // A given timestamp backdates the memories (Mem0: "backdate created_at"), so created_at filters see them then.
        var createdAt = request.Timestamp is null ? now : observedAt;
        var records = await BuildRecordsAsync(extraction.Facts, conversation, scope, metadata, request.ExpirationDate, observedAt, createdAt, cancellationToken).ConfigureAwait(false);
        if (request.Immutable)
        {
            records = records.Select(r => (r.Record with { Item = r.Record.Item with { Immutable = true } }, r.Fact)).ToList();
        }

        if (request.Infer)
        {
            records = await DropDuplicatesAsync(store, records, scope, cancellationToken).ConfigureAwait(false);
        }

        var history = records.Select(r => new MemoryHistoryEntry
        {
            Id = NewId(),
            MemoryId = r.Record.Item.Id,
            Event = MemoryEventType.Add,
            NewMemory = r.Record.Item.Memory,
            CreatedAt = now,
            ActorId = r.Record.Item.ActorId,
            Role = r.Record.Item.Role,
        }).ToList();

        var events = records.Select(r => new MemoryEvent
        {
            Id = r.Record.Item.Id,
            Memory = r.Record.Item.Memory,
            Event = MemoryEventType.Add,
            ActorId = r.Record.Item.ActorId,
            Role = r.Record.Item.Role,
        }).ToList();

        // Supersession: only memories the extractor was shown may be replaced, so a model can never touch other memories.
        var existingById = existing.ToDictionary(m => m.Id, StringComparer.Ordinal);
        var supersessions = new List<MemorySupersession>();
        foreach (var (record, fact) in records)
        {
            foreach (var oldId in fact.SupersededMemoryIds.Distinct(StringComparer.Ordinal))
            {
                // An immutable memory stays current: nothing supersedes it.
                if (!existingById.Remove(oldId, out var old) || old.Immutable)
                {
                    continue;
                }

                supersessions.Add(new MemorySupersession(old.Id, record.Item.Id, observedAt));
                history.Add(new MemoryHistoryEntry
                {
                    Id = NewId(),
                    MemoryId = old.Id,
                    Event = MemoryEventType.Supersede,
                    OldMemory = old.Memory,
                    NewMemory = record.Item.Memory,
                    CreatedAt = now,
                    ActorId = record.Item.ActorId,
                    Role = record.Item.Role,
                    RelatedMemoryId = record.Item.Id,
                });
                events.Add(new MemoryEvent { Id = old.Id, Memory = old.Memory, Event = MemoryEventType.Supersede, ActorId = old.ActorId, Role = old.Role });
            }
        }

        var (addedRelations, invalidatedRelations, relationUsage) = (request.EnableGraph || _core.Options.EnableGraph) && store is IGraphStore graph
            ? await ExtractRelationsAsync(graph, scope, records.Select(r => r.Record.Item).ToList(), now, cancellationToken).ConfigureAwait(false)
            : ([], [], null);
        var usage = relationUsage?.Add(extraction.Usage) ?? extraction.Usage;
        await store.WriteAsync(
            new MemoryWriteBatch
            {
                ProjectId = _projectId,
                Relations = addedRelations,
                RelationInvalidations = invalidatedRelations.Select(r => new RelationInvalidation(r.Id, now, r.InvalidatedByMemoryId!)).ToList(),
                Messages = stored,
                Inserts = records.Select(r => r.Record).ToList(),
                Supersessions = supersessions,
                History = history,
                CompletesEventId = request.EventId,
                CompletesEventUsage = usage,
                LexicalAppends = await FollowingContextAsync(store, scope, recent, stored, cancellationToken).ConfigureAwait(false),
            },
            cancellationToken).ConfigureAwait(false);

        RememberSources(stored, records.Select(r => r.Record.Item));
        if (_core.Logger.IsEnabled(LogLevel.Debug))
        {
            var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            Log.MemoriesAdded(_core.Logger, records.Count, stored.Count, elapsedMs);
        }
        activity.SetTag("engram.memories.added", records.Count);
        EngramTelemetry.MemoriesAdded.Add(records.Count, new KeyValuePair<string, object?>("db.namespace", _projectId));
        if (_core.Options.EnableSensitiveDataLogging && _core.Logger.IsEnabled(LogLevel.Trace))
        {
            foreach (var (record, _) in records)
            {
                Log.MemoryTextStored(_core.Logger, record.Item.Id, record.Item.Memory);
            }
        }

        return new AddMemoriesResult
        {
            Results = events,
            MessageIds = stored.Select(m => m.Id).ToList(),
            Usage = usage,
            AddedRelations = addedRelations,
            InvalidatedRelations = invalidatedRelations,
        };
    }

    /// <summary>
    /// Mem0's procedural memory runs only with <c>memory_type="procedural_memory"</c> and an agent id; any other
    /// memory type is rejected (Mem0 <c>VALIDATION_002</c>).
    /// </summary>
    private static bool IsProcedural(AddMemoriesRequest request, MemoryScope scope)
    {
        if (request.MemoryType is null)
        {
            return false;
        }

        if (request.MemoryType != ProceduralMemoryType)
        {
            throw new MemoryValidationException($"memory_type must be '{ProceduralMemoryType}' or absent, not '{request.MemoryType}'.", "memory_type");
        }

        return request.Infer && scope.AgentId is not null;
    }

    /// <summary>The scope's current memories most similar to the new messages (Mem0 v3 shows the model the 10 closest).</summary>
    private async Task<IReadOnlyList<MemoryItem>> FindSimilarMemoriesAsync(
        IMemoryStore store, IReadOnlyList<StoredMessage> messages, MemoryScope scope, CancellationToken cancellationToken)
    {
        var count = _core.Options.ExtractionSimilarMemories;
        if (count == 0)
        {
            return [];
        }

        var query = new MemoryQuery
        {
            ProjectId = _projectId,
            Filter = RequestValidation.ScopeFilter(scope),
            ExcludeExpiredBefore = TodayUtc(),
            ExcludeSuperseded = true,
        };
        var (vectors, model) = await _core.EmbedAsync([string.Join('\n', messages.Select(m => m.Content))], cancellationToken).ConfigureAwait(false);
        var hits = await store.SearchVectorsAsync(query, vectors[0], model, count, cancellationToken).ConfigureAwait(false);
        if (hits.Count == 0)
        {
            return [];
        }

        var items = await store.GetManyAsync(_projectId, hits.Select(h => h.MemoryId).ToList(), cancellationToken).ConfigureAwait(false);
        var rank = hits.Select((h, i) => (h.MemoryId, i)).ToDictionary(x => x.MemoryId, x => x.i, StringComparer.Ordinal);
        return items.OrderBy(i => rank[i.Id]).ToList();
    }

    private async Task<FactExtractionResult> ExtractFactsAsync(FactExtractionRequest extractionRequest, CancellationToken cancellationToken)
    {
        var result = await _core.Extractor.ExtractAsync(extractionRequest, cancellationToken).ConfigureAwait(false);
        var facts = result.Facts;
        var known = extractionRequest.Messages.Select(m => m.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var fact in facts)
        {
            if (string.IsNullOrWhiteSpace(fact.Text))
            {
                throw new MemoryExtractionException("The fact extractor returned an empty fact.");
            }

            if (fact.SourceMessageIds.Count == 0 || fact.SourceMessageIds.Any(id => !known.Contains(id)))
            {
                throw new MemoryExtractionException("The fact extractor returned a fact without valid source message ids.");
            }
        }

        return result;
    }

    // conversation: the new messages preceded by up to RetrievalOptions.LexicalContextMessages earlier ones, oldest first.
    private async Task<List<(MemoryRecord Record, ExtractedFact Fact)>> BuildRecordsAsync(
        IReadOnlyList<ExtractedFact> facts,
        IReadOnlyList<StoredMessage> conversation,
        MemoryScope scope,
        IReadOnlyDictionary<string, System.Text.Json.JsonElement> metadata,
        DateOnly? expirationDate,
        DateTimeOffset observedAt,
        DateTimeOffset createdAt,
        CancellationToken cancellationToken)
    {
        if (facts.Count == 0)
        {
            return [];
        }

        var position = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < conversation.Count; i++)
        {
            position[conversation[i].Id] = i;
        }

        var embedded = facts.Select(f => EmbeddingText(f.Text, f.ActorId ?? conversation[position[f.SourceMessageIds[0]]].Name)).ToList();
        var (vectors, model) = await _core.EmbedAsync(embedded, cancellationToken).ConfigureAwait(false);

        var speakers = conversation.Select(m => m.Name).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var window = _core.Options.Retrieval.LexicalContextMessages;

        var records = new List<(MemoryRecord Record, ExtractedFact Fact)>(facts.Count);
        for (var i = 0; i < facts.Count; i++)
        {
            var fact = facts[i];
            var first = position[fact.SourceMessageIds[0]];
            var source = conversation[first];
            var context = string.Join(' ', conversation.Skip(Math.Max(0, first - window)).Take(Math.Min(first, window)).Select(m => CutContext(m.Content, keepEnd: true)));
            var following = FollowingText(conversation, fact.SourceMessageIds.Max(id => position[id]));
            var sources = SourceText(fact, conversation, position);
            var item = new MemoryItem
            {
                Id = NewId(),
                Memory = fact.Text,
                Hash = ComputeHash(fact.Text),
                Scope = scope,
                Metadata = metadata,
                Role = source.Role,
                ActorId = fact.ActorId ?? source.Name,
                AttributedTo = fact.AttributedTo,
                CreatedAt = createdAt,
                UpdatedAt = createdAt,
                ObservedAt = observedAt,
                ExpirationDate = expirationDate,
                SourceMessageIds = fact.SourceMessageIds,
                Categories = fact.Categories,
            };
            records.Add((CreateRecord(item, vectors[i], model, speakers, string.Join(' ', context, following, sources)), fact));
        }

        return records;
    }

    /// <summary>
    /// The text a memory's vector is made from: its text, preceded by <c>"{speaker}: "</c> when
    /// <see cref="RetrievalOptions.EmbedSpeaker"/> is on, the memory has a speaker and the text does not name them already
    /// ("Hey Mel! How have you been?" said by Caroline is embedded as "Caroline: Hey Mel! …").
    /// </summary>
    private string EmbeddingText(string text, string? speaker) =>
        !_core.Options.Retrieval.EmbedSpeaker || string.IsNullOrWhiteSpace(speaker) || text.Contains(speaker, StringComparison.OrdinalIgnoreCase)
            ? text
            : string.Concat(speaker, ": ", text);

    /// <summary>
    /// Adds what retrieval needs to a memory: the lexical text (with the speaker's name when
    /// <see cref="RetrievalOptions.IndexSpeaker"/> is on), entities and the vector. Without a vector the record keeps the
    /// stored vector and entity links (an update that did not change the text).
    /// </summary>
    // context: text of the messages around the memory's source (neighbour-turn context, before and after), indexed for BM25 only.
    private MemoryRecord CreateRecord(MemoryItem item, float[]? vector, EmbeddingModel? model, IReadOnlyCollection<string> knownNames, string? context = null)
    {
        var lexical = _core.Analyzer.ToLexicalText(item.Memory);
        if (!string.IsNullOrWhiteSpace(context))
        {
            lexical = string.Concat(lexical, " ", _core.Analyzer.ToLexicalText(context));
        }

        var speaker = _core.Options.Retrieval.IndexSpeaker ? item.ActorId : null;
        if (speaker is not null)
        {
            lexical = string.Concat(lexical, " ", _core.Analyzer.ToLexicalText(speaker));
        }

        if (vector is null)
        {
            return new MemoryRecord { Item = item, LexicalText = lexical };
        }

        var entities = _core.Entities.Extract(item.Memory, knownNames).ToList();
        if (speaker is not null)
        {
            var key = EntityExtractor.Normalize(speaker);
            if (key.Length > 0 && !entities.Any(e => e.Key == key))
            {
                entities.Add(new EntityMention(key, speaker, "PERSON"));
            }
        }

        return new MemoryRecord { Item = item, LexicalText = lexical, Embedding = vector, EmbeddingModel = model, Entities = entities };
    }

    /// <summary>Mem0's exact dedup: a fact whose MD5 equals an existing memory of the scope, or an earlier fact of the batch, is skipped.</summary>
    private async Task<List<(MemoryRecord Record, ExtractedFact Fact)>> DropDuplicatesAsync(
        IMemoryStore store, List<(MemoryRecord Record, ExtractedFact Fact)> records, MemoryScope scope, CancellationToken cancellationToken)
    {
        if (records.Count == 0)
        {
            return records;
        }

        var hashes = records.Select(r => r.Record.Item.Hash).Distinct(StringComparer.Ordinal).ToArray();
        var filter = MemoryFilter.AllOf(
            RequestValidation.ScopeFilter(scope),
            new ComparisonFilter(FilterField.Of(FilterFieldKind.Hash), FilterOperator.In, System.Text.Json.JsonSerializer.SerializeToElement(hashes)));
        var existing = await store.ListAsync(new MemoryQuery { ProjectId = _projectId, Filter = filter }, 0, Math.Max(1000, hashes.Length * 4), cancellationToken).ConfigureAwait(false);
        var seen = existing.Items.Select(i => i.Hash).ToHashSet(StringComparer.Ordinal);
        var kept = records.Where(r => seen.Add(r.Record.Item.Hash)).ToList();
        if (kept.Count < records.Count)
        {
            Log.DuplicatesSkipped(_core.Logger, records.Count - kept.Count);
        }

        return kept;
    }
}
