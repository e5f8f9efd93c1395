using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Engram;

/// <summary>
/// Gives any <see cref="IChatClient"/> long-term memory: before each call it searches the scope's memories for the last
/// user message and adds the best ones to the conversation as a system message, within a token budget; after the reply
/// it stores the exchange in the background, so the reply is never slowed by the write.
/// </summary>
/// <remarks>
/// Streaming is supported (the exchange is stored once the stream ends). Writes are queued on a bounded channel and
/// drained by one background task; <see cref="FlushAsync"/> waits for the writes queued so far, and
/// <see cref="DisposeAsync"/> for all of them. A failed write is logged, never thrown at the caller. Thread-safe.
/// </remarks>
public sealed class MemoryChatClient : DelegatingChatClient, IAsyncDisposable
{
    private readonly IMemory _memory;
    private readonly MemoryChatClientOptions _options;
    private readonly ILogger _logger;
    private readonly Channel<PendingWrite> _writes = Channel.CreateBounded<PendingWrite>(
        new BoundedChannelOptions(1024) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly Task _writer;

    /// <summary>Initializes a new client.</summary>
    /// <param name="innerClient">The model to call.</param>
    /// <param name="memory">The memory to search and write.</param>
    /// <param name="options">The options; defaults when <see langword="null"/>.</param>
    /// <param name="logger">Logs failed writes; none when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerClient"/> or <paramref name="memory"/> is <see langword="null"/>.</exception>
    public MemoryChatClient(IChatClient innerClient, IMemory memory, MemoryChatClientOptions? options = null, ILogger<MemoryChatClient>? logger = null)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(memory);
        _memory = memory;
        _options = options ?? new MemoryChatClientOptions();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _writer = Task.Run(DrainAsync);
    }

    /// <inheritdoc/>
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages.ToList();
        var scope = ResolveScope(options);
        var query = LastUserText(list);
        if (scope is null || query is null)
        {
            return await base.GetResponseAsync(list, options, cancellationToken).ConfigureAwait(false);
        }

        var augmented = await AugmentAsync(list, scope, query, cancellationToken).ConfigureAwait(false);
        var response = await base.GetResponseAsync(augmented, options, cancellationToken).ConfigureAwait(false);
        await EnqueueAsync(scope, query, response.Text, cancellationToken).ConfigureAwait(false);
        return response;
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages.ToList();
        var scope = ResolveScope(options);
        var query = LastUserText(list);
        if (scope is null || query is null)
        {
            await foreach (var update in base.GetStreamingResponseAsync(list, options, cancellationToken).ConfigureAwait(false))
            {
                yield return update;
            }

            yield break;
        }

        var augmented = await AugmentAsync(list, scope, query, cancellationToken).ConfigureAwait(false);
        var reply = new StringBuilder();
        await foreach (var update in base.GetStreamingResponseAsync(augmented, options, cancellationToken).ConfigureAwait(false))
        {
            reply.Append(update.Text);
            yield return update;
        }

        await EnqueueAsync(scope, query, reply.ToString(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits until every exchange queued before this call has been stored (or has failed and been logged).</summary>
    /// <param name="cancellationToken">A token to stop waiting.</param>
    /// <returns>A task that completes when the queue has been drained up to this point.</returns>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var barrier = new PendingWrite(null, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        await _writes.Writer.WriteAsync(barrier, cancellationToken).ConfigureAwait(false);
        await barrier.Done!.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops accepting writes, waits for the queued ones, and disposes the inner client.</summary>
    /// <returns>A task that completes when every queued exchange has been stored.</returns>
    public async ValueTask DisposeAsync()
    {
        _writes.Writer.TryComplete();
#pragma warning disable VSTHRD003 // The writer task is owned by this instance and never needs the caller's context.
        await _writer.ConfigureAwait(false);
#pragma warning restore VSTHRD003
        Dispose();
    }

    /// <inheritdoc/>
    /// <remarks>Stops accepting writes; queued ones still finish in the background. Prefer <see cref="DisposeAsync"/>.</remarks>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _writes.Writer.TryComplete();
        }

        base.Dispose(disposing);
    }

    /// <summary>Builds the memory system message for a query, best memories first, within <see cref="MemoryChatClientOptions.MaxMemoryTokens"/>.</summary>
    internal async Task<ChatMessage?> BuildMemoryMessageAsync(MemoryScope scope, string query, CancellationToken cancellationToken)
    {
        var found = await _memory.SearchAsync(
            new SearchMemoriesRequest { Query = query, Scope = scope, TopK = _options.TopK, Threshold = _options.Threshold },
            cancellationToken).ConfigureAwait(false);
        var text = new StringBuilder(_options.Preamble);
        var budget = _options.MaxMemoryTokens * 4;
        var used = 0;
        var count = 0;
        foreach (var hit in found.Results)
        {
            var line = "\n- " + hit.Item.Memory.ReplaceLineEndings(" ");
            if (used + line.Length > budget)
            {
                break;
            }

            text.Append(line);
            used += line.Length;
            count++;
        }

        return count == 0 ? null : new ChatMessage(ChatRole.System, text.ToString());
    }

    private async Task<List<ChatMessage>> AugmentAsync(List<ChatMessage> messages, MemoryScope scope, string query, CancellationToken cancellationToken)
    {
        var memoryMessage = await BuildMemoryMessageAsync(scope, query, cancellationToken).ConfigureAwait(false);
        if (memoryMessage is null)
        {
            return messages;
        }

        // After the caller's own system messages, before the conversation.
        var index = messages.TakeWhile(m => m.Role == ChatRole.System).Count();
        var augmented = new List<ChatMessage>(messages);
        augmented.Insert(index, memoryMessage);
        return augmented;
    }

    private async ValueTask EnqueueAsync(MemoryScope scope, string userText, string replyText, CancellationToken cancellationToken)
    {
        if (!_options.StoreExchanges)
        {
            return;
        }

        List<MemoryMessage> exchange = [MemoryMessage.User(userText)];
        if (!string.IsNullOrWhiteSpace(replyText))
        {
            exchange.Add(MemoryMessage.Assistant(replyText));
        }

        await _writes.Writer.WriteAsync(new PendingWrite(new AddMemoriesRequest { Messages = exchange, Scope = scope, Infer = _options.Infer }, null), cancellationToken).ConfigureAwait(false);
    }

    private async Task DrainAsync()
    {
        await foreach (var pending in _writes.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            if (pending.Request is null)
            {
                pending.Done?.TrySetResult();
                continue;
            }

            try
            {
                await _memory.AddAsync(pending.Request).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // A background write must never crash the chat client; the failure is logged.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.ExchangeNotStored(_logger, ex);
            }
        }
    }

    private MemoryScope? ResolveScope(ChatOptions? options)
    {
        if (_options.ScopeAccessor is { } accessor)
        {
            return accessor(options);
        }

        var properties = options?.AdditionalProperties;
        if (properties is not null)
        {
            var scope = new MemoryScope
            {
                UserId = properties.TryGetValue(MemoryChatClientOptions.UserIdKey, out var u) ? u?.ToString() : null,
                AgentId = properties.TryGetValue(MemoryChatClientOptions.AgentIdKey, out var a) ? a?.ToString() : null,
                AppId = properties.TryGetValue(MemoryChatClientOptions.AppIdKey, out var p) ? p?.ToString() : null,
                RunId = properties.TryGetValue(MemoryChatClientOptions.RunIdKey, out var r) ? r?.ToString() : null,
            };
            if (!scope.IsEmpty)
            {
                return scope;
            }
        }

        return _options.DefaultScope;
    }

    private static string? LastUserText(List<ChatMessage> messages)
    {
        var text = messages.LastOrDefault(m => m.Role == ChatRole.User)?.Text;
        return string.IsNullOrWhiteSpace(text) ? null : text;
    }

    /// <summary>An exchange to store, or (with <see cref="Done"/> and no request) a flush barrier.</summary>
    private sealed record PendingWrite(AddMemoriesRequest? Request, TaskCompletionSource? Done);
}
