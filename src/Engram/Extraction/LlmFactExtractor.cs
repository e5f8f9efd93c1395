using System.Text.Json;
using Microsoft.Extensions.AI;
using Polly;
using Polly.Retry;

namespace Engram;

/// <summary>
/// Single-pass fact extraction with a language model, in the manner of Mem0 v3 (mem0-reference §2.1–2.3) but with our own
/// prompt: the new messages, the scope's recent messages and the most similar existing memories (under short ids) go in;
/// a JSON list of self-contained facts comes out, each citing its source messages, the existing memories it relates to,
/// the ones it replaces, and its categories.
/// </summary>
/// <remarks>
/// <para>Structured output is requested with a JSON schema; answers are still parsed defensively (<see cref="LlmJson"/>)
/// and an unusable answer is asked for again (Polly retry), then reported as <see cref="MemoryExtractionException"/> —
/// never read as "nothing to remember". Transport retries and timeouts belong to the <see cref="IChatClient"/>.</para>
/// <para>Thread-safe.</para>
/// </remarks>
public sealed class LlmFactExtractor : IFactExtractor
{
    private static readonly JsonElement Schema = JsonDocument.Parse("""
        {
          "type": "object",
          "additionalProperties": false,
          "required": ["facts"],
          "properties": {
            "facts": {
              "type": "array",
              "items": {
                "type": "object",
                "additionalProperties": false,
                "required": ["text", "attributed_to", "source_messages", "related", "replaces", "categories"],
                "properties": {
                  "text": { "type": "string" },
                  "attributed_to": { "type": "string", "enum": ["user", "assistant"] },
                  "source_messages": { "type": "array", "items": { "type": "string" } },
                  "related": { "type": "array", "items": { "type": "string" } },
                  "replaces": { "type": "array", "items": { "type": "string" } },
                  "categories": { "type": "array", "items": { "type": "string" } }
                }
              }
            }
          }
        }
        """).RootElement.Clone();

    private readonly IChatClient _chatClient;
    private readonly LlmFactExtractorOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ResiliencePipeline<ChatAnswer> _retry;

    /// <summary>Initializes a new extractor.</summary>
    /// <param name="chatClient">The language model.</param>
    /// <param name="options">The options; defaults when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock (for the prompt's current date and retry delays); <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="chatClient"/> is <see langword="null"/>.</exception>
    public LlmFactExtractor(IChatClient chatClient, LlmFactExtractorOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(chatClient);
        _chatClient = chatClient;
        _options = options ?? new LlmFactExtractorOptions();
        _timeProvider = timeProvider ?? TimeProvider.System;
        _retry = new ResiliencePipelineBuilder<ChatAnswer> { TimeProvider = _timeProvider }
            .AddRetry(new RetryStrategyOptions<ChatAnswer>
            {
                MaxRetryAttempts = Math.Max(_options.MalformedAnswerRetries, 1),
                Delay = TimeSpan.Zero,
                ShouldHandle = new PredicateBuilder<ChatAnswer>().HandleResult(a => a.Root is null),
            })
            .Build();
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    public async Task<FactExtractionResult> ExtractAsync(FactExtractionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var prompt = ExtractionPrompt.Build(request, _timeProvider.GetUtcNow(), _options.AssignCategories);
        ModelUsage? usage = null;
        var attempts = 0;
        var emptyAnswers = 0;
        var answer = await _retry.ExecuteAsync(
            async token =>
            {
                attempts++;
                var response = await _chatClient.GetResponseAsync(
                    prompt.Messages,
                    new ChatOptions
                    {
                        ResponseFormat = request.Procedural ? ChatResponseFormat.Text : ChatResponseFormat.ForJsonSchema(Schema, "memory_facts", "Facts worth remembering"),
                        MaxOutputTokens = _options.MaxOutputTokens,
                    },
                    token).ConfigureAwait(false);
                var callUsage = new ModelUsage(response.Usage?.InputTokenCount ?? 0, response.Usage?.OutputTokenCount ?? 0, 1);
                usage = callUsage.Add(usage);
                // A reasoning model's answer follows its <think> block; the reasoning itself is never the answer.
                var text = LlmJson.AnswerText(response.Text) ?? string.Empty;
                emptyAnswers += string.IsNullOrWhiteSpace(text) ? 1 : 0;
                if (request.Procedural)
                {
                    return new ChatAnswer(text, string.IsNullOrWhiteSpace(text) ? null : default(JsonElement));
                }

                return new ChatAnswer(text, ExtractionPrompt.TryReadAnswer(text));
            },
            cancellationToken).ConfigureAwait(false);

        if (answer.Root is null)
        {
            throw new MemoryExtractionException(emptyAnswers == attempts
                ? $"The language model answered nothing after {attempts} attempts: its answer was empty, or only reasoning (a <think> block, or reasoning_content without content). A reasoning model may have spent its output budget on reasoning: shorten or turn off its reasoning. Nothing was stored as 'nothing to remember'."
                : $"The language model gave no usable answer after {attempts} attempts (expected a JSON object with a 'facts' list).");
        }

        if (request.Procedural)
        {
            return new FactExtractionResult
            {
                Facts = [new ExtractedFact { Text = answer.Text.Trim(), SourceMessageIds = request.Messages.Select(m => m.Id).ToList(), AttributedTo = MemoryRoles.Assistant }],
                Usage = usage,
            };
        }

        return new FactExtractionResult { Facts = prompt.ReadFacts(answer.Root.Value, request), Usage = usage };
    }

    private sealed record ChatAnswer(string Text, JsonElement? Root);
}
