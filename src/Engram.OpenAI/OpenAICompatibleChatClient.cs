using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using OpenAI.Chat;
using AIChatMessage = Microsoft.Extensions.AI.ChatMessage;
using AIFinishReason = Microsoft.Extensions.AI.ChatFinishReason;
using AIChatResponseFormat = Microsoft.Extensions.AI.ChatResponseFormat;
using OpenAIChatMessage = OpenAI.Chat.ChatMessage;
using OpenAIFinishReason = OpenAI.Chat.ChatFinishReason;

namespace Engram.OpenAI;

/// <summary>
/// An <see cref="IChatClient"/> over the OpenAI .NET SDK for any OpenAI-compatible <c>/chat/completions</c> endpoint
/// (OpenAI, Azure OpenAI, Ollama, vLLM, LM Studio), with Engram's retry, timeout and concurrency policy.
/// </summary>
/// <remarks>
/// Text messages only (system, user, assistant); tools are not mapped. <see cref="ChatOptions.ResponseFormat"/> with a
/// JSON schema becomes OpenAI structured output (<c>json_schema</c>, strict), plain JSON becomes <c>json_object</c>.
/// Thread-safe.
/// </remarks>
public sealed class OpenAICompatibleChatClient : IChatClient
{
    private readonly ChatClient _client;
    private readonly ProviderPipeline _pipeline;
    private readonly LanguageModelOptions _options;

    /// <summary>Initializes a new client.</summary>
    /// <param name="options">The endpoint; <see cref="ProviderOptions.Model"/> is required.</param>
    /// <param name="timeProvider">The clock for retries and timeouts; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The model or base URL is missing.</exception>
    public OpenAICompatibleChatClient(LanguageModelOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Model))
        {
            throw new InvalidOperationException("Engram:Llm:Model is required when Engram:Llm:Provider is set.");
        }

        var settings = ProviderPipeline.CreateClientSettings(options);
        _client = new ChatClient(options.Model, settings.Credential, settings.Options);
        _pipeline = new ProviderPipeline(options, timeProvider ?? TimeProvider.System);
        _options = options;
        Metadata = new ChatClientMetadata(options.Provider, settings.Options.Endpoint, options.Model);
    }

    /// <summary>Gets the provider name, endpoint and model.</summary>
    public ChatClientMetadata Metadata { get; }

    /// <inheritdoc/>
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<AIChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var request = ToOpenAIMessages(messages);
        var completionOptions = ToOpenAIOptions(options);
        var completion = await _pipeline.ExecuteAsync(
            async token => (await _client.CompleteChatAsync(request, completionOptions, token).ConfigureAwait(false)).Value,
            cancellationToken).ConfigureAwait(false);

        var text = string.Concat(completion.Content.Where(p => p.Kind == ChatMessageContentPartKind.Text).Select(p => p.Text));
        return new ChatResponse(new AIChatMessage(ChatRole.Assistant, text))
        {
            ModelId = completion.Model,
            ResponseId = completion.Id,
            FinishReason = completion.FinishReason switch
            {
                OpenAIFinishReason.Length => AIFinishReason.Length,
                OpenAIFinishReason.ContentFilter => AIFinishReason.ContentFilter,
                OpenAIFinishReason.ToolCalls or OpenAIFinishReason.FunctionCall => AIFinishReason.ToolCalls,
                _ => AIFinishReason.Stop,
            },
            Usage = completion.Usage is { } usage
                ? new UsageDetails { InputTokenCount = usage.InputTokenCount, OutputTokenCount = usage.OutputTokenCount, TotalTokenCount = usage.TotalTokenCount }
                : null,
        };
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<AIChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var updates = _client.CompleteChatStreamingAsync(ToOpenAIMessages(messages), ToOpenAIOptions(options), cancellationToken);
        await foreach (var update in updates.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            foreach (var part in update.ContentUpdate)
            {
                if (part.Kind == ChatMessageContentPartKind.Text && !string.IsNullOrEmpty(part.Text))
                {
                    yield return new ChatResponseUpdate(ChatRole.Assistant, part.Text) { ModelId = update.Model };
                }
            }
        }
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? Metadata
            : serviceType.IsInstanceOfType(this) ? this
            : serviceType.IsInstanceOfType(_client) ? _client
            : null;
    }

    /// <inheritdoc/>
    public void Dispose() => _pipeline.Dispose();

    private static List<OpenAIChatMessage> ToOpenAIMessages(IEnumerable<AIChatMessage> messages)
    {
        var result = new List<OpenAIChatMessage>();
        foreach (var message in messages)
        {
            var text = message.Text;
            if (message.Role == ChatRole.System)
            {
                result.Add(new SystemChatMessage(text));
            }
            else if (message.Role == ChatRole.Assistant)
            {
                result.Add(new AssistantChatMessage(text));
            }
            else
            {
                result.Add(new UserChatMessage(text));
            }
        }

        return result;
    }

    private ChatCompletionOptions ToOpenAIOptions(ChatOptions? options)
    {
        var result = new ChatCompletionOptions
        {
            Temperature = (float?)(options?.Temperature ?? (float)_options.Temperature),
            MaxOutputTokenCount = options?.MaxOutputTokens,
        };

        switch (options?.ResponseFormat)
        {
            case ChatResponseFormatJson { Schema: { } schema } json when _options.UseStructuredOutput:
                result.ResponseFormat = global::OpenAI.Chat.ChatResponseFormat.CreateJsonSchemaFormat(
                    json.SchemaName ?? "response", BinaryData.FromString(schema.GetRawText()), json.SchemaDescription, jsonSchemaIsStrict: true);
                break;
            case ChatResponseFormatJson:
                result.ResponseFormat = global::OpenAI.Chat.ChatResponseFormat.CreateJsonObjectFormat();
                break;
            case AIChatResponseFormat:
                break;
        }

        return result;
    }
}
