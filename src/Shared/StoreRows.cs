using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Engram;

/// <summary>
/// Row mapping that the SQLite and PostgreSQL stores share for the tables they lay out alike (relations, webhooks and
/// webhook deliveries), over ADO.NET's <see cref="DbDataReader"/> so that one mapper serves Microsoft.Data.Sqlite and
/// Npgsql. Timestamps are the stored text form of <see cref="StoreFilterValues.TimestampFormat"/>. Compiled into both
/// store assemblies (linked source), so it stays internal to each.
/// </summary>
internal static class StoreRows
{
    /// <summary>The relation columns, in the order <see cref="ReadRelation"/> reads them.</summary>
    public const string RelationColumns =
        "id, user_id, agent_id, app_id, run_id, source, relationship, destination, memory_id, created_at, invalidated_at, invalidated_by";

    /// <summary>The stored name of a pending delivery.</summary>
    public const string DeliveryPending = "PENDING";

    /// <summary>Runs a query and maps every row.</summary>
    /// <typeparam name="T">The row type.</typeparam>
    /// <param name="command">The command.</param>
    /// <param name="map">Maps the current row.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The rows, in the query's order.</returns>
    public static async Task<IReadOnlyList<T>> ReadAllAsync<T>(DbCommand command, Func<DbDataReader, T> map, CancellationToken cancellationToken)
    {
        var result = new List<T>();
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                result.Add(map(reader));
            }
        }

        return result;
    }

    /// <summary>
    /// Streams a keyset-paged read (an export): <paramref name="readPage"/> gets the last key of the previous page (0 at
    /// first) and answers one page with its last key; a page shorter than <paramref name="pageSize"/> is the last.
    /// </summary>
    /// <typeparam name="T">The row type.</typeparam>
    /// <param name="readPage">Reads the page after a key.</param>
    /// <param name="pageSize">The rows a full page holds.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The rows, page after page.</returns>
    public static async IAsyncEnumerable<T> KeysetPagesAsync<T>(
        Func<long, CancellationToken, Task<(IReadOnlyList<T> Rows, long Last)>> readPage, int pageSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long after = 0;
        while (true)
        {
            var (rows, last) = await readPage(after, cancellationToken).ConfigureAwait(false);
            foreach (var row in rows)
            {
                yield return row;
            }

            if (rows.Count < pageSize)
            {
                yield break;
            }

            after = last;
        }
    }

    /// <summary>
    /// Reads entity mentions grouped by memory row: the command selects <c>memory_seq, entity_key, name, type</c>
    /// ordered by <c>memory_seq</c>.
    /// </summary>
    /// <param name="command">The command.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The mentions of each memory row.</returns>
    public static async Task<Dictionary<long, List<EntityMention>>> ReadEntityMentionsAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var entities = new Dictionary<long, List<EntityMention>>();
        foreach (var (seq, mention) in await ReadAllAsync(
            command, r => (r.GetInt64(0), new EntityMention(r.GetString(1), r.GetString(2), r.GetString(3))), cancellationToken).ConfigureAwait(false))
        {
            if (!entities.TryGetValue(seq, out var list))
            {
                entities[seq] = list = [];
            }

            list.Add(mention);
        }

        return entities;
    }

    /// <summary>Reads a relation row selected as <see cref="RelationColumns"/>.</summary>
    public static GraphRelation ReadRelation(DbDataReader reader) => new()
    {
        Id = reader.GetInt64(0),
        Scope = new MemoryScope
        {
            UserId = NullableString(reader, 1),
            AgentId = NullableString(reader, 2),
            AppId = NullableString(reader, 3),
            RunId = NullableString(reader, 4),
        },
        Source = reader.GetString(5),
        Relationship = reader.GetString(6),
        Destination = reader.GetString(7),
        MemoryId = reader.GetString(8),
        CreatedAt = ParseTimestamp(reader.GetString(9)),
        InvalidatedAt = NullableString(reader, 10) is { } invalidatedAt ? ParseTimestamp(invalidatedAt) : null,
        InvalidatedByMemoryId = NullableString(reader, 11),
    };

    /// <summary>Reads a webhook row: id, project_id, name, url, event_types (JSON array text), secret, is_active, created_at, updated_at.</summary>
    public static Webhook ReadWebhook(DbDataReader reader) => new()
    {
        Id = reader.GetInt64(0),
        ProjectId = reader.GetString(1),
        Name = reader.GetString(2),
        Url = reader.GetString(3),
        EventTypes = ParseStringArray(reader.GetString(4)),
        Secret = reader.GetString(5),
        IsActive = reader.GetBoolean(6),
        CreatedAt = ParseTimestamp(reader.GetString(7)),
        UpdatedAt = ParseTimestamp(reader.GetString(8)),
    };

    /// <summary>Reads a delivery row: id, project_id, webhook_id, url, secret, event_type, payload, attempts, status, last_error, created_at.</summary>
    public static WebhookDelivery ReadDelivery(DbDataReader reader) => new()
    {
        Id = reader.GetInt64(0),
        ProjectId = reader.GetString(1),
        WebhookId = reader.GetInt64(2),
        Url = reader.GetString(3),
        Secret = reader.GetString(4),
        EventType = reader.GetString(5),
        Payload = reader.GetString(6),
        Attempts = reader.GetInt32(7),
        Status = reader.GetString(8) switch
        {
            "DELIVERED" => WebhookDeliveryStatus.Delivered,
            "FAILED" => WebhookDeliveryStatus.Failed,
            _ => WebhookDeliveryStatus.Pending,
        },
        LastError = NullableString(reader, 9),
        CreatedAt = ParseTimestamp(reader.GetString(10)),
    };

    /// <summary>The stored name of a delivery status.</summary>
    public static string DeliveryStatusName(WebhookDeliveryStatus status) => status switch
    {
        WebhookDeliveryStatus.Delivered => "DELIVERED",
        WebhookDeliveryStatus.Failed => "FAILED",
        _ => DeliveryPending,
    };

    private static string[] ParseStringArray(string json)
    {
        using var document = JsonDocument.Parse(json);
        return [.. document.RootElement.EnumerateArray().Select(e => e.GetString() ?? string.Empty)];
    }

    private static string? NullableString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static DateTimeOffset ParseTimestamp(string text) =>
        DateTimeOffset.ParseExact(text, StoreFilterValues.TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
