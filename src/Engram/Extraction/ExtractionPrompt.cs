using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Engram;

/// <summary>
/// The prompt of <see cref="LlmFactExtractor"/> for one request, and the reading of its answer. Messages and existing
/// memories are shown under short ids (<c>m1</c>, <c>0</c>) — as Mem0 remaps UUIDs — and mapped back here; ids the
/// model invents are ignored, so it can never point at a memory it was not shown.
/// </summary>
internal sealed class ExtractionPrompt
{
    private const string FactsSystemPrompt = """
        You maintain the long-term memory of an AI assistant. Read the NEW MESSAGES of a conversation and write down every fact worth remembering about the people in them, so that a later conversation can use it.

        Rules:
        1. Take facts from every speaker, user and assistant alike; a named speaker is a real person.
        2. Each fact stands alone: name people instead of using pronouns (their name, or "User" / "Assistant" when no name is known); keep names, titles, numbers and qualifiers exactly as said; one to three sentences, about 15 to 80 words.
        3. Turn relative time into absolute dates using the OBSERVATION DATE only, never today's date: "yesterday" said on 8 May 2023 is 7 May 2023; "last week" is "the week before 8 May 2023".
        4. Skip greetings, thanks, small talk and echoes of what was just said. Do not invent or infer what was not said, and do not write about the act of telling ("User mentioned that X" is just "X").
        5. EXISTING MEMORIES are context only: do not repeat a fact they already hold and never copy their details into new facts. Put in "related" the ids of existing memories a fact is about. When a new fact changes what an existing memory states as current (a new job, a new home, a changed preference or plan), put that memory's id in "replaces".
        6. Put in "source_messages" the ids of the new messages each fact comes from.
        7. "attributed_to" is "user" for a fact from a user message and "assistant" for one from an assistant message.
        8. Put in "categories" the names from CATEGORIES that fit the fact (none when nothing fits, or when no CATEGORIES are given).
        9. CUSTOM INSTRUCTIONS, when given, come from the application and take priority over rules 4 and 8.

        Answer with one JSON object, {"facts": [...]}, and nothing else; the list is empty when nothing is worth remembering.
        """;

    private const string ProceduralSystemPrompt = """
        You write the procedural memory of an AI agent: a summary of the run in the messages that lets the agent resume or repeat the task later.
        Write plain text with: the task objective; the progress status; then numbered steps, each with the action taken, its result (verbatim when short), key findings, errors met, and the context at that point. Keep names, numbers, URLs and identifiers exactly. Use the OBSERVATION DATE for any date.
        """;

    private readonly Dictionary<string, StoredMessage> _messages = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _memories = new(StringComparer.Ordinal);

    private ExtractionPrompt()
    {
    }

    public List<ChatMessage> Messages { get; } = [];

    public static ExtractionPrompt Build(FactExtractionRequest request, DateTimeOffset now, bool assignCategories)
    {
        var prompt = new ExtractionPrompt();
        var text = new StringBuilder();
        var observed = request.ObservationDate.ToUniversalTime();
        text.Append(CultureInfo.InvariantCulture, $"OBSERVATION DATE: {observed:dddd, d MMMM yyyy} ({observed:HH:mm} UTC)\n");
        text.Append(CultureInfo.InvariantCulture, $"TODAY (never use it for dates in the messages): {now.ToUniversalTime():yyyy-MM-dd}\n");

        if (!string.IsNullOrWhiteSpace(request.CustomInstructions))
        {
            text.Append("\nCUSTOM INSTRUCTIONS:\n").Append(request.CustomInstructions.Trim()).Append('\n');
        }

        if (!request.Procedural)
        {
            if (assignCategories && request.Categories.Count > 0)
            {
                text.Append("\nCATEGORIES:\n");
                foreach (var (name, description) in request.Categories)
                {
                    text.Append("- ").Append(name).Append(": ").Append(description).Append('\n');
                }
            }

            text.Append("\nEXISTING MEMORIES:\n");
            if (request.ExistingMemories.Count == 0)
            {
                text.Append("(none)\n");
            }

            for (var i = 0; i < request.ExistingMemories.Count; i++)
            {
                var id = i.ToString(CultureInfo.InvariantCulture);
                prompt._memories[id] = request.ExistingMemories[i].Id;
                text.Append('[').Append(id).Append("] ").Append(OneLine(request.ExistingMemories[i].Memory)).Append('\n');
            }

            if (request.RecentMessages.Count > 0)
            {
                text.Append("\nEARLIER MESSAGES (context only; do not extract from them):\n");
                foreach (var message in request.RecentMessages)
                {
                    text.Append(Speaker(message)).Append(": ").Append(OneLine(message.Content)).Append('\n');
                }
            }
        }

        text.Append("\nNEW MESSAGES:\n");
        for (var i = 0; i < request.Messages.Count; i++)
        {
            var id = "m" + (i + 1).ToString(CultureInfo.InvariantCulture);
            prompt._messages[id] = request.Messages[i];
            text.Append('[').Append(id).Append("] ").Append(Speaker(request.Messages[i])).Append(": ").Append(OneLine(request.Messages[i].Content)).Append('\n');
        }

        prompt.Messages.Add(new ChatMessage(ChatRole.System, request.Procedural ? ProceduralSystemPrompt : FactsSystemPrompt));
        prompt.Messages.Add(new ChatMessage(ChatRole.User, text.ToString()));
        return prompt;
    }

    /// <summary>Reads a model answer into the JSON object holding the fact list (<c>facts</c>, or Mem0's <c>memory</c>).</summary>
    public static JsonElement? TryReadAnswer(string? answer) =>
        LlmJson.TryParseObject(answer, out var root)
        && ((root.TryGetProperty("facts", out var list) && list.ValueKind == JsonValueKind.Array)
            || (root.TryGetProperty("memory", out list) && list.ValueKind == JsonValueKind.Array))
            ? root
            : null;

    /// <summary>Maps the answer's facts back to real message and memory ids.</summary>
    public List<ExtractedFact> ReadFacts(JsonElement root, FactExtractionRequest request)
    {
        var list = root.TryGetProperty("facts", out var facts) ? facts : root.GetProperty("memory");
        var categories = request.Categories.Keys.ToDictionary(k => k, k => k, StringComparer.OrdinalIgnoreCase);
        var result = new List<ExtractedFact>();
        foreach (var item in list.EnumerateArray())
        {
            var text = item.ValueKind == JsonValueKind.String ? item.GetString() : String(item, "text") ?? String(item, "memory");
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            var sources = Strings(item, "source_messages").Select(id => _messages.GetValueOrDefault(id)).OfType<StoredMessage>().Distinct().ToList();
            if (sources.Count == 0)
            {
                sources = [.. request.Messages];
            }

            var attributed = String(item, "attributed_to")?.Trim().ToLowerInvariant();
            if (attributed is not (MemoryRoles.User or MemoryRoles.Assistant))
            {
                attributed = sources[0].Role == MemoryRoles.Assistant ? MemoryRoles.Assistant : MemoryRoles.User;
            }

            result.Add(new ExtractedFact
            {
                Text = text.Trim(),
                SourceMessageIds = sources.Select(m => m.Id).ToList(),
                AttributedTo = attributed,
                ActorId = sources.Select(m => m.Name).FirstOrDefault(n => n is not null),
                LinkedMemoryIds = MemoryIds(item, "related", "linked_memory_ids"),
                SupersededMemoryIds = MemoryIds(item, "replaces"),
                Categories = Strings(item, "categories").Select(c => categories.GetValueOrDefault(c.Trim())).OfType<string>().Distinct(StringComparer.Ordinal).ToList(),
            });
        }

        return result;
    }

    private List<string> MemoryIds(JsonElement item, params string[] names) =>
        names.SelectMany(n => Strings(item, n)).Select(id => _memories.GetValueOrDefault(id.Trim())).OfType<string>().Distinct(StringComparer.Ordinal).ToList();

    private static string? String(JsonElement item, string name) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static IEnumerable<string> Strings(JsonElement item, string name)
    {
        if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Array)
        {
            yield break;
        }

        foreach (var entry in value.EnumerateArray())
        {
            if (entry.ValueKind == JsonValueKind.String && entry.GetString() is { } s)
            {
                yield return s;
            }
            else if (entry.ValueKind == JsonValueKind.Number)
            {
                yield return entry.GetRawText();
            }
        }
    }

    private static string Speaker(StoredMessage message) =>
        message.Name is { } name ? $"{name} ({message.Role})" : message.Role;

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
