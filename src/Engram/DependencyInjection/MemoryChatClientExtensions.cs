using Engram;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.AI;

/// <summary>Adds Engram memory to an <see cref="IChatClient"/>.</summary>
public static class MemoryChatClientExtensions
{
    /// <summary>
    /// Wraps <paramref name="chatClient"/> in a <see cref="MemoryChatClient"/>: memories are searched and injected before
    /// each call, and each exchange is stored afterwards. (Microsoft.Extensions.AI's <c>ChatClientBuilder</c> package is not
    /// available here, so this is an extension on the client itself; with the builder, use
    /// <c>builder.Use(inner =&gt; inner.UseEngramMemory(memory))</c>.)
    /// </summary>
    /// <param name="chatClient">The model to give memory to.</param>
    /// <param name="memory">The memory.</param>
    /// <param name="configure">Configures the options.</param>
    /// <param name="logger">Logs failed background writes.</param>
    /// <returns>The wrapping client; dispose it to flush pending writes.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="chatClient"/> or <paramref name="memory"/> is <see langword="null"/>.</exception>
    public static MemoryChatClient UseEngramMemory(this IChatClient chatClient, IMemory memory, Action<MemoryChatClientOptions>? configure = null, ILogger<MemoryChatClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(chatClient);
        ArgumentNullException.ThrowIfNull(memory);
        var options = new MemoryChatClientOptions();
        configure?.Invoke(options);
        return new MemoryChatClient(chatClient, memory, options, logger);
    }
}
