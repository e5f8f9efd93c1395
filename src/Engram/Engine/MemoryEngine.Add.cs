using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Engram;

public sealed partial class MemoryEngine
{
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
        var metadata = RequestValidation.ValidateMetadata(request.Metadata);
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
        var recentCount = Math.Max(extractionContext, lexicalContext);
        var recent = recentCount > 0
            ? await store.GetRecentMessagesAsync(_projectId, scope, recentCount, cancellationToken).ConfigureAwait(false)
            : [];

        var facts = request.Infer
            ? await ExtractFactsAsync(stored, recent.TakeLast(extractionContext).ToList(), scope, observedAt, request.CustomInstructions, cancellationToken).ConfigureAwait(false)
            : stored.Where(m => m.Role != MemoryRoles.System)
                .Select(m => new ExtractedFact { Text = m.Content, SourceMessageIds = [m.Id], ActorId = m.Name, AttributedTo = m.Role })
                .ToList();

        var conversation = recent.TakeLast(lexicalContext).Concat(stored).ToList();
        var records = await BuildRecordsAsync(facts, conversation, scope, metadata, request.ExpirationDate, observedAt, now, cancellationToken).ConfigureAwait(false);
        if (request.Infer)
        {
            records = await DropDuplicatesAsync(store, records, scope, cancellationToken).ConfigureAwait(false);
        }

        var history = records.Select(r => new MemoryHistoryEntry
        {
            Id = NewId(),
            MemoryId = r.Item.Id,
            Event = MemoryEventType.Add,
            NewMemory = r.Item.Memory,
            CreatedAt = now,
            ActorId = r.Item.ActorId,
            Role = r.Item.Role,
        }).ToList();

        await store.WriteAsync(
            new MemoryWriteBatch { ProjectId = _projectId, Messages = stored, Inserts = records, History = history },
            cancellationToken).ConfigureAwait(false);

        if (_core.Logger.IsEnabled(LogLevel.Debug))
        {
            var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            Log.MemoriesAdded(_core.Logger, records.Count, stored.Count, elapsedMs);
        }
        activity?.SetTag("engram.memories.added", records.Count);
        return new AddMemoriesResult
        {
            Results = records.Select(r => new MemoryEvent
            {
                Id = r.Item.Id,
                Memory = r.Item.Memory,
                Event = MemoryEventType.Add,
                ActorId = r.Item.ActorId,
                Role = r.Item.Role,
            }).ToList(),
            MessageIds = stored.Select(m => m.Id).ToList(),
        };
    }

    private async Task<IReadOnlyList<ExtractedFact>> ExtractFactsAsync(
        IReadOnlyList<StoredMessage> messages,
        IReadOnlyList<StoredMessage> recent,
        MemoryScope scope,
        DateTimeOffset observedAt,
        string? customInstructions,
        CancellationToken cancellationToken)
    {
        var facts = await _core.Extractor.ExtractAsync(
            new FactExtractionRequest
            {
                Messages = messages,
                RecentMessages = recent,
                ObservationDate = observedAt,
                Scope = scope,
                CustomInstructions = customInstructions,
            },
            cancellationToken).ConfigureAwait(false);

        var known = messages.Select(m => m.Id).ToHashSet(StringComparer.Ordinal);
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

        return facts;
    }

    // conversation: the new messages preceded by up to RetrievalOptions.LexicalContextMessages earlier ones, oldest first.
    private async Task<List<MemoryRecord>> BuildRecordsAsync(
        IReadOnlyList<ExtractedFact> facts,
        IReadOnlyList<StoredMessage> conversation,
        MemoryScope scope,
        IReadOnlyDictionary<string, System.Text.Json.JsonElement> metadata,
        DateOnly? expirationDate,
        DateTimeOffset observedAt,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        if (facts.Count == 0)
        {
            return [];
        }

        var (vectors, model) = await _core.EmbedAsync(facts.Select(f => f.Text).ToList(), cancellationToken).ConfigureAwait(false);
        var position = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < conversation.Count; i++)
        {
            position[conversation[i].Id] = i;
        }

        var speakers = conversation.Select(m => m.Name).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var window = _core.Options.Retrieval.LexicalContextMessages;

        var records = new List<MemoryRecord>(facts.Count);
        for (var i = 0; i < facts.Count; i++)
        {
            var fact = facts[i];
            var first = position[fact.SourceMessageIds[0]];
            var source = conversation[first];
            var context = string.Join(' ', conversation.Skip(Math.Max(0, first - window)).Take(Math.Min(first, window)).Select(m => m.Content));
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
                CreatedAt = now,
                UpdatedAt = now,
                ObservedAt = observedAt,
                ExpirationDate = expirationDate,
                SourceMessageIds = fact.SourceMessageIds,
            };
            records.Add(CreateRecord(item, vectors[i], model, speakers, context));
        }

        return records;
    }

    /// <summary>
    /// Adds what retrieval needs to a memory: the lexical text (with the speaker's name when
    /// <see cref="RetrievalOptions.IndexSpeaker"/> is on), entities and the vector. Without a vector the record keeps the
    /// stored vector and entity links (an update that did not change the text).
    /// </summary>
    // context: text of the messages just before the memory's source (neighbour-turn context), indexed for BM25 only.
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
    private async Task<List<MemoryRecord>> DropDuplicatesAsync(IMemoryStore store, List<MemoryRecord> records, MemoryScope scope, CancellationToken cancellationToken)
    {
        if (records.Count == 0)
        {
            return records;
        }

        var hashes = records.Select(r => r.Item.Hash).Distinct(StringComparer.Ordinal).ToArray();
        var filter = MemoryFilter.AllOf(
            RequestValidation.ScopeFilter(scope),
            new ComparisonFilter(FilterField.Of(FilterFieldKind.Hash), FilterOperator.In, System.Text.Json.JsonSerializer.SerializeToElement(hashes)));
        var existing = await store.ListAsync(new MemoryQuery { ProjectId = _projectId, Filter = filter }, 0, Math.Max(1000, hashes.Length * 4), cancellationToken).ConfigureAwait(false);
        var seen = existing.Items.Select(i => i.Hash).ToHashSet(StringComparer.Ordinal);
        var kept = records.Where(r => seen.Add(r.Item.Hash)).ToList();
        if (kept.Count < records.Count)
        {
            Log.DuplicatesSkipped(_core.Logger, records.Count - kept.Count);
        }

        return kept;
    }
}
