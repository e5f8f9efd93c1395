using System.Text;
using System.Text.Json;

namespace Engram;

/// <summary>
/// The webhook deliveries a write batch produces, shared by the SQLite and PostgreSQL stores so that both write the
/// same bytes: Mem0's payloads <c>{"event_details": {"id", "data": {"memory"}, "event"}}</c> for each ADD, UPDATE and
/// DELETE history row, and <c>{"event_details": {"event": "CATEGORIZE", "memory_id", "categories"}}</c> for each
/// inserted memory with categories. Compiled into both store assemblies (linked source), so it stays internal to each.
/// </summary>
internal static class WebhookOutboxPayloads
{
    /// <summary>Builds the batch's deliveries, in history order then insert order.</summary>
    /// <param name="batch">The write batch.</param>
    /// <returns>Each delivery's event type (<see cref="WebhookEventTypes"/>) and JSON payload.</returns>
    public static List<(string EventType, string Payload)> Build(MemoryWriteBatch batch)
    {
        var events = new List<(string EventType, string Payload)>();
        foreach (var entry in batch.History)
        {
            var (eventType, text) = entry.Event switch
            {
                MemoryEventType.Add => (WebhookEventTypes.MemoryAdd, entry.NewMemory),
                MemoryEventType.Update => (WebhookEventTypes.MemoryUpdate, entry.NewMemory),
                MemoryEventType.Delete => (WebhookEventTypes.MemoryDelete, entry.OldMemory),
                _ => (null, null),
            };
            if (eventType is not null)
            {
                events.Add((eventType, ChangePayload(entry.MemoryId, text, MemoryEventTypeNames.ToName(entry.Event))));
            }
        }

        foreach (var record in batch.Inserts)
        {
            if (record.Item.Categories is { Count: > 0 } categories)
            {
                events.Add((WebhookEventTypes.MemoryCategorize, CategorizePayload(record.Item.Id, categories)));
            }
        }

        return events;
    }

    /// <summary>Checks a webhook given to a store.</summary>
    /// <param name="webhook">The webhook.</param>
    /// <exception cref="ArgumentNullException">The webhook or its event types are <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Its project, name, URL or secret is empty.</exception>
    public static void Validate(Webhook webhook)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        ArgumentException.ThrowIfNullOrEmpty(webhook.ProjectId, nameof(webhook));
        ArgumentException.ThrowIfNullOrEmpty(webhook.Name, nameof(webhook));
        ArgumentException.ThrowIfNullOrEmpty(webhook.Url, nameof(webhook));
        ArgumentException.ThrowIfNullOrEmpty(webhook.Secret, nameof(webhook));
        ArgumentNullException.ThrowIfNull(webhook.EventTypes, nameof(webhook));
    }

    /// <summary>Mem0's change payload: <c>{"event_details": {"id", "data": {"memory"}, "event"}}</c>.</summary>
    /// <param name="memoryId">The memory id.</param>
    /// <param name="memory">The memory text (empty once erased), or <see langword="null"/>.</param>
    /// <param name="eventName">ADD, UPDATE or DELETE.</param>
    /// <returns>The JSON payload.</returns>
    public static string ChangePayload(string memoryId, string? memory, string eventName) => WritePayload(writer =>
    {
        writer.WriteString("id", memoryId);
        writer.WriteStartObject("data");
        writer.WriteString("memory", memory);
        writer.WriteEndObject();
        writer.WriteString("event", eventName);
    });

    /// <summary>Mem0's categorize payload: <c>{"event_details": {"event": "CATEGORIZE", "memory_id", "categories"}}</c>.</summary>
    /// <param name="memoryId">The memory id.</param>
    /// <param name="categories">The memory's categories (none once erased).</param>
    /// <returns>The JSON payload.</returns>
    public static string CategorizePayload(string memoryId, IReadOnlyList<string> categories) => WritePayload(writer =>
    {
        writer.WriteString("event", "CATEGORIZE");
        writer.WriteString("memory_id", memoryId);
        writer.WriteStartArray("categories");
        foreach (var category in categories)
        {
            writer.WriteStringValue(category);
        }

        writer.WriteEndArray();
    });

    private static string WritePayload(Action<Utf8JsonWriter> details)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("event_details");
            details(writer);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }
}
