namespace Engram.Server;

/// <summary>
/// The erasure receipt a delete adds next to Mem0's <c>message</c>, one count per kind of row: <c>{"memories", "memory_ids",
/// "history_entries_redacted", "messages_deleted", "events_redacted", "webhook_deliveries_redacted", "feedback_deleted",
/// "exports_deleted", "relations_removed", "entity_links_removed", "entities_removed", "compacted", "erased_at"}</c>.
/// </summary>
internal sealed record ErasureResponse
{
    public required int Memories { get; init; }

    public required IReadOnlyList<string> MemoryIds { get; init; }

    public required int HistoryEntriesRedacted { get; init; }

    public required int MessagesDeleted { get; init; }

    public required int EventsRedacted { get; init; }

    public required int WebhookDeliveriesRedacted { get; init; }

    public required int FeedbackDeleted { get; init; }

    public required int ExportsDeleted { get; init; }

    public required int RelationsRemoved { get; init; }

    public required int EntityLinksRemoved { get; init; }

    public required int EntitiesRemoved { get; init; }

    public required bool Compacted { get; init; }

    public required DateTimeOffset ErasedAt { get; init; }

    public static ErasureResponse From(ErasureReceipt receipt) => new()
    {
        Memories = receipt.Memories,
        MemoryIds = receipt.MemoryIds,
        HistoryEntriesRedacted = receipt.HistoryEntriesRedacted,
        MessagesDeleted = receipt.MessagesDeleted,
        EventsRedacted = receipt.EventsRedacted,
        WebhookDeliveriesRedacted = receipt.WebhookDeliveriesRedacted,
        FeedbackDeleted = receipt.FeedbackDeleted,
        ExportsDeleted = receipt.ExportsDeleted,
        RelationsRemoved = receipt.RelationsRemoved,
        EntityLinksRemoved = receipt.EntityLinksRemoved,
        EntitiesRemoved = receipt.EntitiesRemoved,
        Compacted = receipt.Compacted,
        ErasedAt = receipt.ErasedAt,
    };
}

/// <summary>A delete's answer: Mem0's <c>{"message": "..."}</c> plus the additive <c>erasure</c> receipt.</summary>
internal sealed record ErasureMessageResponse(string Message, ErasureResponse Erasure)
{
    public ErasureMessageResponse(string message, ErasureReceipt receipt)
        : this(message, ErasureResponse.From(receipt))
    {
    }

    /// <summary>With Mem0's <c>delete_linked=true</c>: how many linked memories were deleted with the one named.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public int? CascadeCount { get; init; }
}
