using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;

namespace Engram;

/// <summary>
/// Graph relation extraction with a language model (Mem0g's add pipeline in one call, with our own prompt): the new
/// memories (each with the name "I" stands for) and the known valid relations around them (under short ids) go in; a
/// JSON object with the triples the memories state and the known relations they make untrue comes out.
/// </summary>
/// <remarks>
/// <para>Structured output is requested with a JSON schema; answers are parsed defensively (<see cref="LlmJson"/>) and an
/// unusable one is asked for again (<see cref="LlmRelationExtractorOptions.MalformedAnswerRetries"/>). When the model
/// still gives no usable answer, or the call fails, the memory is not lost: the <see cref="RuleBasedRelationExtractor"/>
/// answers instead and a warning is logged (ids and counts only, never memory text). Self-references the model leaves
/// ("I", "me", "user") are mapped to the memory's self name; ids the model invents are ignored.</para>
/// <para>Thread-safe.</para>
/// </remarks>
public sealed class LlmRelationExtractor : IRelationExtractor
{
    private const string SystemPrompt = """
        You maintain the knowledge graph behind an AI assistant's long-term memory. Each NEW MEMORY is a short statement about people and their world. Turn what the memories state into graph edges, and spot which KNOWN RELATIONS they make out of date.

        How to write an edge:
        - "source" and "destination" are entities: a person, place, organisation, pet, object, activity or idea, written as a short noun phrase without articles ("Lisbon", "Acme Corp", "pottery").
        - Each memory names its SELF: the person "I", "me" and "my" refer to. Write that name, never "I", "me" or "user".
        - "relationship" is a short present-tense verb phrase in lower case with underscores between words, such as lives_in, works_at, is_sister_of, likes, owns, plays.
        - "memory" is the id of the new memory that states the edge.
        - Write only what a memory says; do not guess, and skip statements without two clear entities.

        When to mark a known relation out of date:
        - A new memory says something that cannot be true together with it: a move to a new city ends "lives_in" the old one, a new employer ends the old "works_at", a break-up ends "is_dating". Put it in "outdated" with the id of the memory that says so.
        - Relations that can hold side by side (liking two foods, visiting two countries) are not out of date.

        Reply with a single JSON object and nothing else:
        {"relations": [{"memory": "...", "source": "...", "relationship": "...", "destination": "..."}], "outdated": [{"relation": "...", "memory": "..."}]}
        Both lists may be empty.
        """;

    private static readonly HashSet<string> SelfWords = new(StringComparer.Ordinal) { "i", "me", "my", "myself", "user", "the_user", "self" };

    private static readonly JsonElement Schema = JsonDocument.Parse("""
        {
          "type": "object",
          "additionalProperties": false,
          "required": ["relations", "outdated"],
          "properties": {
            "relations": {
              "type": "array",
              "items": {
                "type": "object",
                "additionalProperties": false,
                "required": ["memory", "source", "relationship", "destination"],
                "properties": {
                  "memory": { "type": "string" },
                  "source": { "type": "string" },
                  "relationship": { "type": "string" },
                  "destination": { "type": "string" }
                }
              }
            },
            "outdated": {
              "type": "array",
              "items": {
                "type": "object",
                "additionalProperties": false,
                "required": ["relation", "memory"],
                "properties": {
                  "relation": { "type": "string" },
                  "memory": { "type": "string" }
                }
              }
            }
          }
        }
        """).RootElement.Clone();

    private readonly IChatClient _chatClient;
    private readonly LlmRelationExtractorOptions _options;
    private readonly ILogger _logger;
    private readonly RuleBasedRelationExtractor _fallback = new();
    private readonly ResiliencePipeline<JsonElement?> _retry;

    /// <summary>Initializes a new extractor.</summary>
    /// <param name="chatClient">The language model.</param>
    /// <param name="options">The options; defaults when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock of retry delays; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">Where fallbacks to the rules are reported; none when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="chatClient"/> is <see langword="null"/>.</exception>
    public LlmRelationExtractor(IChatClient chatClient, LlmRelationExtractorOptions? options = null, TimeProvider? timeProvider = null, ILogger<LlmRelationExtractor>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(chatClient);
        _chatClient = chatClient;
        _options = options ?? new LlmRelationExtractorOptions();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        var retry = new ResiliencePipelineBuilder<JsonElement?> { TimeProvider = timeProvider ?? TimeProvider.System };
        if (_options.MalformedAnswerRetries > 0)
        {
            retry.AddRetry(new RetryStrategyOptions<JsonElement?>
            {
                MaxRetryAttempts = _options.MalformedAnswerRetries,
                Delay = TimeSpan.Zero,
                ShouldHandle = new PredicateBuilder<JsonElement?>().HandleResult(a => a is null),
            });
        }

        _retry = retry.Build();
    }

    /// <inheritdoc/>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (never answered by the fallback).</exception>
    public async Task<RelationExtractionResult> ExtractAsync(RelationExtractionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Memories.Count == 0)
        {
            return RelationExtractionResult.Empty;
        }

        var memories = request.Memories.Select((m, i) => ("m" + (i + 1).ToString(CultureInfo.InvariantCulture), m)).ToDictionary(p => p.Item1, p => p.m, StringComparer.Ordinal);
        var known = request.ExistingRelations.Take(_options.MaxKnownRelations)
            .Select((r, i) => ("r" + (i + 1).ToString(CultureInfo.InvariantCulture), r)).ToDictionary(p => p.Item1, p => p.r, StringComparer.Ordinal);
        List<ChatMessage> prompt = [new(ChatRole.System, SystemPrompt), new(ChatRole.User, BuildPrompt(request, memories, known))];

        ModelUsage? usage = null;
        var attempts = 0;
        JsonElement? root;
        try
        {
            root = await _retry.ExecuteAsync(
                async token =>
                {
                    attempts++;
                    var response = await _chatClient.GetResponseAsync(
                        prompt,
                        new ChatOptions
                        {
                            ResponseFormat = ChatResponseFormat.ForJsonSchema(Schema, "memory_graph", "Graph edges stated by new memories"),
                            MaxOutputTokens = _options.MaxOutputTokens,
                        },
                        token).ConfigureAwait(false);
                    usage = new ModelUsage(response.Usage?.InputTokenCount ?? 0, response.Usage?.OutputTokenCount ?? 0, 1).Add(usage);
                    return TryReadAnswer(response.Text);
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The exception's message may quote the request or the model's answer: only its type is logged.
            Log.RelationModelFailed(_logger, ex.GetType().Name, request.Memories.Count);
            return await FallbackAsync(request, usage, cancellationToken).ConfigureAwait(false);
        }

        if (root is not { } answer)
        {
            Log.RelationAnswerUnusable(_logger, request.Memories.Count, attempts);
            return await FallbackAsync(request, usage, cancellationToken).ConfigureAwait(false);
        }

        return new RelationExtractionResult
        {
            Relations = ReadRelations(answer, request, memories),
            Contradictions = ReadContradictions(answer, memories, known),
            Usage = usage,
        };
    }

    private async Task<RelationExtractionResult> FallbackAsync(RelationExtractionRequest request, ModelUsage? usage, CancellationToken cancellationToken) =>
        (await _fallback.ExtractAsync(request, cancellationToken).ConfigureAwait(false)) with { Usage = usage };

    private static string BuildPrompt(RelationExtractionRequest request, Dictionary<string, MemoryItem> memories, Dictionary<string, GraphRelation> known)
    {
        var text = new StringBuilder("KNOWN RELATIONS:\n");
        if (known.Count == 0)
        {
            text.Append("(none)\n");
        }

        foreach (var (id, relation) in known)
        {
            text.Append('[').Append(id).Append("] ").Append(relation.Source).Append(" -> ").Append(relation.Relationship).Append(" -> ").Append(relation.Destination).Append('\n');
        }

        text.Append("\nNEW MEMORIES:\n");
        foreach (var (id, memory) in memories)
        {
            text.Append('[').Append(id).Append("] (SELF: ").Append(request.SelfOf(memory) ?? "unknown").Append(") ")
                .Append(memory.Memory.ReplaceLineEndings(" ").Trim()).Append('\n');
        }

        return text.ToString();
    }

    private static JsonElement? TryReadAnswer(string? answer) =>
        LlmJson.TryParseObject(answer, out var root) && root.TryGetProperty("relations", out var list) && list.ValueKind == JsonValueKind.Array
            ? root
            : null;

    private static List<ExtractedRelation> ReadRelations(JsonElement root, RelationExtractionRequest request, Dictionary<string, MemoryItem> memories)
    {
        var result = new List<ExtractedRelation>();
        foreach (var item in root.GetProperty("relations").EnumerateArray())
        {
            var memoryKey = String(item, "memory")?.Trim();
            var memory = Memory(memories, memoryKey);
            var source = String(item, "source");
            var relationship = String(item, "relationship");
            var destination = String(item, "destination") ?? String(item, "target");
            if (memory is null || string.IsNullOrWhiteSpace(source) || string.IsNullOrWhiteSpace(relationship) || string.IsNullOrWhiteSpace(destination))
            {
                continue;
            }

            var self = request.SelfOf(memory);
            result.Add(new ExtractedRelation(Self(source, self), relationship, Self(destination, self), memory.Id));
        }

        return result;
    }

    private static List<RelationContradiction> ReadContradictions(JsonElement root, Dictionary<string, MemoryItem> memories, Dictionary<string, GraphRelation> known)
    {
        var result = new List<RelationContradiction>();
        if (!root.TryGetProperty("outdated", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            return result;
        }

        foreach (var item in list.EnumerateArray())
        {
            var relationKey = (item.ValueKind == JsonValueKind.String ? item.GetString() : String(item, "relation"))?.Trim();
            var memoryKey = String(item, "memory")?.Trim();
            var memory = Memory(memories, memoryKey);
            if (relationKey is not null && known.TryGetValue(relationKey, out var relation) && memory is not null)
            {
                result.Add(new RelationContradiction(relation.Id, memory.Id));
            }
        }

        return result;
    }

    /// <summary>The memory an answer names; an answer that names none means the only memory, when there is one.</summary>
    private static MemoryItem? Memory(Dictionary<string, MemoryItem> memories, string? key) =>
        key is null ? (memories.Count == 1 ? memories.Values.First() : null) : memories.GetValueOrDefault(key);

    /// <summary>A self-reference the model left in place becomes the memory's self name.</summary>
    private static string Self(string name, string? self) =>
        self is not null && SelfWords.Contains(RuleBasedRelationExtractor.Normalize(name)) ? self : name;

    private static string? String(JsonElement item, string name) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
