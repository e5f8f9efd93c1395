namespace Engram;

/// <summary>
/// What an erasure (<see cref="IMemory.EraseAsync"/>, <see cref="IMemory.EraseAllAsync"/>) removed: the memories,
/// and every row elsewhere in the store that held their text or belonged to them (history, raw messages, event payloads
/// and results, webhook deliveries, feedback, exports, graph relations, entity links and entities), one count per kind.
/// </summary>
/// <remarks>
/// Counts are rows, not bytes. History rows, events and webhook deliveries are kept (they record that something happened)
/// but their text is blanked (and, for an erased scope, the events' identifiers and metadata); messages, memories,
/// feedback, exports, relations, entity links and entities left without links are removed. A store that cannot erase
/// beyond the memory rows reports zero for the other counts. Immutable; safe to share between threads.
/// </remarks>
public sealed record ErasureReceipt
{
    /// <summary>Gets the ids of the memories removed.</summary>
    public IReadOnlyList<string> MemoryIds { get; init; } = [];

    /// <summary>Gets the number of memories removed (the length of <see cref="MemoryIds"/>).</summary>
    public int Memories => MemoryIds.Count;

    /// <summary>Gets the number of history rows whose text (<c>old_memory</c>, <c>new_memory</c>) was blanked.</summary>
    public int HistoryEntriesRedacted { get; init; }

    /// <summary>Gets the number of raw messages removed (the memories' sources and, for a scope, the scope's messages).</summary>
    public int MessagesDeleted { get; init; }

    /// <summary>
    /// Gets the number of asynchronous add events whose payload messages and result text were blanked (for an erased
    /// scope, also the scope's identifiers and the metadata in their payloads).
    /// </summary>
    public int EventsRedacted { get; init; }

    /// <summary>Gets the number of webhook deliveries (pending or done) whose memory text or categories were blanked.</summary>
    public int WebhookDeliveriesRedacted { get; init; }

    /// <summary>Gets the number of feedback rows (with their reasons) removed with the memories they were about.</summary>
    public int FeedbackDeleted { get; init; }

    /// <summary>Gets the number of graph relations removed because they were extracted from an erased memory.</summary>
    public int RelationsRemoved { get; init; }

    /// <summary>Gets the number of entities (names) removed because no remaining memory links them.</summary>
    public int EntitiesRemoved { get; init; }

    /// <summary>Gets the number of memory-to-entity links removed.</summary>
    public int EntityLinksRemoved { get; init; }

    /// <summary>Gets the number of stored exports removed because they held an erased memory (or their filters named an erased scope).</summary>
    public int ExportsDeleted { get; init; }

    /// <summary>
    /// Gets a value indicating whether the store compacted its files afterwards so that no freed copy of the text
    /// remains (for SQLite: <c>secure_delete</c> plus a completed <c>wal_checkpoint(TRUNCATE)</c>).
    /// </summary>
    public bool Compacted { get; init; }

    /// <summary>Gets when the erasure was committed (UTC).</summary>
    public DateTimeOffset ErasedAt { get; init; }

    /// <summary>Adds two receipts (a scope is erased in several batches): counts add up, the later time is kept, and
    /// <see cref="Compacted"/> holds only when both hold.</summary>
    /// <param name="other">The receipt of the next batch.</param>
    /// <returns>The combined receipt.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="other"/> is <see langword="null"/>.</exception>
    public ErasureReceipt Combine(ErasureReceipt other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new ErasureReceipt
        {
            MemoryIds = [.. MemoryIds, .. other.MemoryIds],
            HistoryEntriesRedacted = HistoryEntriesRedacted + other.HistoryEntriesRedacted,
            MessagesDeleted = MessagesDeleted + other.MessagesDeleted,
            EventsRedacted = EventsRedacted + other.EventsRedacted,
            WebhookDeliveriesRedacted = WebhookDeliveriesRedacted + other.WebhookDeliveriesRedacted,
            FeedbackDeleted = FeedbackDeleted + other.FeedbackDeleted,
            RelationsRemoved = RelationsRemoved + other.RelationsRemoved,
            EntitiesRemoved = EntitiesRemoved + other.EntitiesRemoved,
            EntityLinksRemoved = EntityLinksRemoved + other.EntityLinksRemoved,
            ExportsDeleted = ExportsDeleted + other.ExportsDeleted,
            Compacted = Compacted && other.Compacted,
            ErasedAt = ErasedAt > other.ErasedAt ? ErasedAt : other.ErasedAt,
        };
    }
}
