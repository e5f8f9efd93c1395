using System.Globalization;
using System.Text.Json;

namespace Engram;

/// <content>Lossless export and import (<see cref="MemoryArchiveFormat"/>, docs/export.md).</content>
public sealed partial class MemoryEngine
{
    private const int ImportBatchSize = 500;
    private static readonly byte[] NewLine = "\n"u8.ToArray();
    private static readonly string[] Mem0TextFields = ["memory", "text", "content", "data"];

    /// <summary>
    /// Writes every memory of the project (superseded and expired ones included), its history, raw messages and graph relations to
    /// <paramref name="destination"/> in the JSONL format <c>engram.memories</c> version 1, streaming: a page of rows at
    /// a time, never the whole project.
    /// </summary>
    /// <param name="destination">A writable stream; it is flushed, not closed.</param>
    /// <param name="includeEmbeddings">Whether to write the vectors (an import without them re-embeds the memories).</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The counts written.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="destination"/> is <see langword="null"/>.</exception>
    /// <exception cref="NotSupportedException">The registered store does not implement <see cref="IMemoryArchiveStore"/>.</exception>
    /// <remarks>Thread-safe; a write made during the export may or may not be in it.</remarks>
    public async Task<MemoryArchiveSummary> ExportAsync(Stream destination, bool includeEmbeddings = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var archive = await GetArchiveStoreAsync(cancellationToken).ConfigureAwait(false);
        var writer = new Utf8JsonWriter(destination);
        await using (writer.ConfigureAwait(false))
        {
            MemoryArchiveFormat.WriteHeader(writer, _projectId, _core.Time.GetUtcNow(), includeEmbeddings);
            await EndLineAsync(writer, destination, cancellationToken).ConfigureAwait(false);
            int messages = 0, memories = 0, history = 0;
            await foreach (var message in archive.ReadMessagesAsync(_projectId, cancellationToken).ConfigureAwait(false))
            {
                MemoryArchiveFormat.WriteMessage(writer, message);
                await EndLineAsync(writer, destination, cancellationToken).ConfigureAwait(false);
                messages++;
            }

            await foreach (var record in archive.ReadRecordsAsync(_projectId, includeEmbeddings, cancellationToken).ConfigureAwait(false))
            {
                MemoryArchiveFormat.WriteMemory(writer, record);
                await EndLineAsync(writer, destination, cancellationToken).ConfigureAwait(false);
                memories++;
            }

            await foreach (var entry in archive.ReadHistoryAsync(_projectId, cancellationToken).ConfigureAwait(false))
            {
                MemoryArchiveFormat.WriteHistory(writer, entry);
                await EndLineAsync(writer, destination, cancellationToken).ConfigureAwait(false);
                history++;
            }

            var relations = 0;
            await foreach (var relation in archive.ReadRelationsAsync(_projectId, cancellationToken).ConfigureAwait(false))
            {
                MemoryArchiveFormat.WriteRelation(writer, relation);
                await EndLineAsync(writer, destination, cancellationToken).ConfigureAwait(false);
                relations++;
            }

            await destination.FlushAsync(cancellationToken).ConfigureAwait(false);
            return new MemoryArchiveSummary(memories, history, messages, Relations: relations);
        }
    }

    /// <summary>
    /// Imports into the project a file written by <see cref="ExportAsync"/> (read line by line, written in transactions
    /// of up to 500 lines, ids, timestamps, supersession and history kept), or a Mem0 export: the result of
    /// <c>POST /v1/exports/get/</c>, its <c>data</c>, or a JSON array of Mem0 memory objects (read whole; Mem0 exports
    /// hold at most 10,000 memories). Memories without a vector from the engine's embedder are embedded again.
    /// </summary>
    /// <param name="source">A readable stream of UTF-8 text.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The counts imported (and Mem0 entries skipped for lack of text or scope).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is <see langword="null"/>.</exception>
    /// <exception cref="MemoryValidationException">The input is neither format, a line is malformed, or a memory id is already in the
    /// project (the transactions before stay written, that one is not).</exception>
    public async Task<MemoryArchiveSummary> ImportAsync(Stream source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var store = await _core.GetStoreAsync(cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(source, leaveOpen: true);
        var first = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        while (first is not null && string.IsNullOrWhiteSpace(first))
        {
            first = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        }

        if (first is null)
        {
            throw new MemoryValidationException("The import file is empty.", "file");
        }

        if (TryParse(first) is { } header && MemoryArchiveFormat.IsHeader(header.RootElement))
        {
            header.Dispose();
            return await ImportLinesAsync(store, reader, cancellationToken).ConfigureAwait(false);
        }

        var rest = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        using var document = TryParse(first + "\n" + rest)
            ?? throw new MemoryValidationException("The import file is neither an engram.memories JSONL export nor a Mem0 export (JSON).", "file");
        return await ImportMem0Async(store, document.RootElement, cancellationToken).ConfigureAwait(false);
    }

    private static async Task EndLineAsync(Utf8JsonWriter writer, Stream destination, CancellationToken cancellationToken)
    {
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        await destination.WriteAsync(NewLine, cancellationToken).ConfigureAwait(false);
        writer.Reset();
    }

    private static JsonDocument? TryParse(string json)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private async Task<IMemoryArchiveStore> GetArchiveStoreAsync(CancellationToken cancellationToken) =>
        await _core.GetStoreAsync(cancellationToken).ConfigureAwait(false) as IMemoryArchiveStore
            ?? throw new NotSupportedException($"The registered memory store '{_core.Store.Name}' does not support export ({nameof(IMemoryArchiveStore)}).");

    private async Task<MemoryArchiveSummary> ImportLinesAsync(IMemoryStore store, StreamReader reader, CancellationToken cancellationToken)
    {
        var messages = new List<StoredMessage>();
        var records = new List<MemoryRecord>();
        var history = new List<MemoryHistoryEntry>();
        var relations = new List<GraphRelation>();
        int messageCount = 0, memoryCount = 0, historyCount = 0, relationCount = 0, lineNumber = 1;
        EmbeddingModel? engineModel = null;
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            using var document = TryParse(line) ?? throw new MemoryValidationException($"Line {lineNumber} of the import is not JSON.", "file");
            var element = document.RootElement;
            try
            {
                switch (MemoryArchiveFormat.Optional(element, "type"))
                {
                    case "message":
                        messages.Add(MemoryArchiveFormat.ReadMessage(element));
                        messageCount++;
                        break;
                    case "memory":
                        records.Add(MemoryArchiveFormat.ReadMemory(element));
                        memoryCount++;
                        break;
                    case "history":
                        history.Add(MemoryArchiveFormat.ReadHistory(element));
                        historyCount++;
                        break;
                    case "relation":
                        relations.Add(MemoryArchiveFormat.ReadRelation(element));
                        relationCount++;
                        break;
                    default:
                        continue;
                }
            }
            catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException or MemoryValidationException)
            {
                throw new MemoryValidationException($"Line {lineNumber} of the import is malformed: {ex.Message}", "file", ex);
            }

            if (messages.Count + records.Count + history.Count + relations.Count >= ImportBatchSize)
            {
                engineModel = await WriteImportBatchAsync(store, messages, records, history, relations, engineModel, cancellationToken).ConfigureAwait(false);
            }
        }

        await WriteImportBatchAsync(store, messages, records, history, relations, engineModel, cancellationToken).ConfigureAwait(false);
        return new MemoryArchiveSummary(memoryCount, historyCount, messageCount, Relations: relationCount);
    }

    /// <summary>Writes and clears the buffered lines; records without a vector of the engine's model are embedded first.</summary>
    /// <returns>The engine's embedding model once known.</returns>
    private async Task<EmbeddingModel?> WriteImportBatchAsync(
        IMemoryStore store,
        List<StoredMessage> messages,
        List<MemoryRecord> records,
        List<MemoryHistoryEntry> history,
        List<GraphRelation> relations,
        EmbeddingModel? engineModel,
        CancellationToken cancellationToken)
    {
        if (records.Count > 0)
        {
            engineModel ??= (await _core.EmbedAsync(["engram"], cancellationToken).ConfigureAwait(false)).Model;
            var stale = records.Select((r, i) => (r, i)).Where(p => p.r.Embedding.IsEmpty || p.r.EmbeddingModel != engineModel).ToList();
            if (stale.Count > 0)
            {
                var (vectors, model) = await _core.EmbedAsync(stale.Select(p => EmbeddingText(p.r.Item.Memory, p.r.Item.ActorId)).ToList(), cancellationToken).ConfigureAwait(false);
                for (var k = 0; k < stale.Count; k++)
                {
                    records[stale[k].i] = stale[k].r with { Embedding = vectors[k], EmbeddingModel = model };
                }
            }
        }

        await EnsureNewAsync(store, records.Select(r => r.Item.Id).ToList(), cancellationToken).ConfigureAwait(false);
        await store.WriteAsync(
            new MemoryWriteBatch { ProjectId = _projectId, Messages = [.. messages], Inserts = [.. records], History = [.. history], Relations = [.. relations] },
            cancellationToken).ConfigureAwait(false);
        messages.Clear();
        records.Clear();
        history.Clear();
        relations.Clear();
        return engineModel;
    }

    private async Task<MemoryArchiveSummary> ImportMem0Async(IMemoryStore store, JsonElement root, CancellationToken cancellationToken)
    {
        var items = new List<MemoryItem>();
        var skipped = 0;
        var now = _core.Time.GetUtcNow();
        foreach (var entry in FindMem0Memories(root))
        {
            if (ToMem0Item(entry, now) is { } item)
            {
                items.Add(item);
            }
            else
            {
                skipped++;
            }
        }

        foreach (var chunk in items.Chunk(ImportBatchSize))
        {
            var (vectors, model) = await _core.EmbedAsync(chunk.Select(i => EmbeddingText(i.Memory, i.ActorId)).ToList(), cancellationToken).ConfigureAwait(false);
            var records = chunk.Select((item, i) => CreateRecord(item, vectors[i], model, [])).ToList();
            var history = chunk.Select(item => new MemoryHistoryEntry
            {
                Id = NewId(),
                MemoryId = item.Id,
                Event = MemoryEventType.Add,
                NewMemory = item.Memory,
                CreatedAt = item.CreatedAt,
            }).ToList();
            await EnsureNewAsync(store, chunk.Select(i => i.Id).ToList(), cancellationToken).ConfigureAwait(false);
            await store.WriteAsync(new MemoryWriteBatch { ProjectId = _projectId, Inserts = records, History = history }, cancellationToken).ConfigureAwait(false);
        }

        return new MemoryArchiveSummary(items.Count, items.Count, 0, skipped);
    }

    /// <summary>Refuses an import that would overwrite: a memory id already in the project.</summary>
    private async Task EnsureNewAsync(IMemoryStore store, List<string> ids, CancellationToken cancellationToken)
    {
        if (ids.Count > 0 && await store.GetManyAsync(_projectId, ids, cancellationToken).ConfigureAwait(false) is [var existing, ..])
        {
            throw new MemoryValidationException(
                $"Memory '{existing.Id}' is already in the project; import into an empty project (the transactions before this one were written).", "file");
        }
    }

    /// <summary>The memory objects of a Mem0 export: an array, or the <c>data</c>/<c>results</c> of an object, or its first array of objects.</summary>
    private static IEnumerable<JsonElement> FindMem0Memories(JsonElement root)
    {
        switch (root.ValueKind)
        {
            case JsonValueKind.Array:
                return root.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object);
            case JsonValueKind.Object:
                foreach (var name in (string[])["data", "results", "memories"])
                {
                    if (root.TryGetProperty(name, out var inner) && inner.ValueKind is JsonValueKind.Array or JsonValueKind.Object)
                    {
                        return FindMem0Memories(inner);
                    }
                }

                foreach (var property in root.EnumerateObject())
                {
                    if (property.Value.ValueKind == JsonValueKind.Array && property.Value.EnumerateArray().Any(e => e.ValueKind == JsonValueKind.Object))
                    {
                        return FindMem0Memories(property.Value);
                    }
                }

                return root.TryGetProperty("memory", out _) ? [root] : [];
            default:
                throw new MemoryValidationException("A Mem0 export must be a JSON object or array of memories.", "file");
        }
    }

    /// <summary>Maps a Mem0 memory object; <see langword="null"/> when it has no text or no scope id.</summary>
    private MemoryItem? ToMem0Item(JsonElement entry, DateTimeOffset now)
    {
        var text = Mem0TextFields.Select(n => MemoryArchiveFormat.Optional(entry, n)).FirstOrDefault(t => !string.IsNullOrWhiteSpace(t));
        var scope = new MemoryScope
        {
            UserId = MemoryArchiveFormat.Optional(entry, "user_id"),
            AgentId = MemoryArchiveFormat.Optional(entry, "agent_id"),
            AppId = MemoryArchiveFormat.Optional(entry, "app_id"),
            RunId = MemoryArchiveFormat.Optional(entry, "run_id") ?? MemoryArchiveFormat.Optional(entry, "session_id"),
        };
        if (text is null || scope.IsEmpty)
        {
            return null;
        }

        var created = Mem0Time(entry, "created_at") ?? now;
        return new MemoryItem
        {
            Id = MemoryArchiveFormat.Optional(entry, "id") is { } id && Guid.TryParse(id, out var guid) ? guid.ToString() : NewId(),
            Memory = text,
            Hash = ComputeHash(text),
            Scope = scope,
            Metadata = entry.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
                ? MemoryMetadata.FromJsonElement(metadata)
                : MemoryMetadata.Empty,
            Categories = MemoryArchiveFormat.Strings(entry, "categories"),
            CreatedAt = created,
            UpdatedAt = Mem0Time(entry, "updated_at") ?? created,
            ObservedAt = created,
            ExpirationDate = MemoryArchiveFormat.Optional(entry, "expiration_date") is { } date
                && DateOnly.TryParse(date, CultureInfo.InvariantCulture, out var day) ? day : null,
        };
    }

    private static DateTimeOffset? Mem0Time(JsonElement entry, string name) =>
        MemoryArchiveFormat.Optional(entry, name) is { } text
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
            ? value
            : null;
}
