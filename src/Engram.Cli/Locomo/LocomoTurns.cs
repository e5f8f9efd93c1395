using System.Text.Json;
using Engram.Cli.Output;

namespace Engram.Cli.Locomo;

/// <summary>Maps LoCoMo turns to Engram add requests and search hits back to <c>dia_id</c>s (benchmarks.md §1).</summary>
internal static class LocomoTurns
{
    /// <summary>The metadata key holding a memory's dialogue id.</summary>
    public const string DiaIdKey = "dia_id";

    /// <summary>The metadata key holding several dialogue ids (memories built from several turns).</summary>
    public const string DiaIdsKey = "dia_ids";

    /// <summary>The metadata key holding the session number.</summary>
    public const string SessionKey = "session";

    /// <summary>Enumerates a conversation's turns in order, with their session.</summary>
    /// <param name="sample">The conversation.</param>
    /// <returns>The turns.</returns>
    public static IEnumerable<(LocomoSession Session, LocomoTurn Turn)> Enumerate(LocomoSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        return sample.Sessions.SelectMany(session => session.Turns.Select(turn => (session, turn)));
    }

    /// <summary>
    /// Builds the add request of one turn: one message (role <c>user</c> for speaker_a, <c>assistant</c> for speaker_b,
    /// name = speaker, external id = dia_id, content = text plus the photo caption), scope <c>user_id = sample_id</c>,
    /// metadata <c>{"dia_id", "session"}</c>, the session date as timestamp, and <c>infer</c> for the extracted mode.
    /// </summary>
    /// <param name="sample">The conversation.</param>
    /// <param name="session">The turn's session.</param>
    /// <param name="turn">The turn.</param>
    /// <param name="mode">The ingestion mode.</param>
    /// <returns>The request.</returns>
    public static AddMemoriesRequest ToAddRequest(LocomoSample sample, LocomoSession session, LocomoTurn turn, LocomoMode mode)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(turn);
        var role = string.Equals(turn.Speaker, sample.SpeakerA, StringComparison.Ordinal) ? MemoryRoles.User : MemoryRoles.Assistant;
        return new AddMemoriesRequest
        {
            Messages = [new MemoryMessage { Role = role, Content = turn.Content, Name = turn.Speaker, ExternalId = turn.DiaId }],
            Scope = MemoryScope.ForUser(sample.SampleId),
            Metadata = new Dictionary<string, JsonElement>(StringComparer.Ordinal)
            {
                [DiaIdKey] = JsonSerializer.SerializeToElement(turn.DiaId, CliJsonContext.Default.String),
                [SessionKey] = JsonSerializer.SerializeToElement(session.Number, CliJsonContext.Default.Int32),
            },
            Timestamp = session.Date,
            Infer = mode == LocomoMode.Extracted,
        };
    }

    /// <summary>
    /// Maps search hits to dialogue ids: for each hit in rank order its metadata <c>dia_id</c> (a string) and, when
    /// present, every string of its metadata <c>dia_ids</c> array; normalised and deduplicated in first-seen order.
    /// </summary>
    /// <param name="hits">The hits, best first.</param>
    /// <returns>The retrieved dialogue ids.</returns>
    public static IReadOnlyList<string> RetrievedDialogIds(IEnumerable<MemorySearchHit> hits)
    {
        ArgumentNullException.ThrowIfNull(hits);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<string>();
        void Add(JsonElement element)
        {
            if (element.ValueKind == JsonValueKind.String && DialogIds.TryNormalize(element.GetString()?.Trim(), out var id) && seen.Add(id))
            {
                result.Add(id);
            }
        }

        foreach (var hit in hits)
        {
            var metadata = hit.Item.Metadata;
            if (metadata.TryGetValue(DiaIdKey, out var single))
            {
                Add(single);
            }

            if (metadata.TryGetValue(DiaIdsKey, out var many) && many.ValueKind == JsonValueKind.Array)
            {
                foreach (var element in many.EnumerateArray())
                {
                    Add(element);
                }
            }
        }

        return result;
    }

    /// <summary>Builds the full conversation as a model would see it: one <c>Speaker: content</c> line per turn.</summary>
    /// <param name="sample">The conversation.</param>
    /// <returns>The text.</returns>
    public static string FullText(LocomoSample sample) =>
        string.Join('\n', Enumerate(sample).Select(t => $"{t.Turn.Speaker}: {t.Turn.Content}"));
}
