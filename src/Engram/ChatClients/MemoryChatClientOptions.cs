using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.AI;

namespace Engram;

/// <summary>Options of <see cref="MemoryChatClient"/>.</summary>
/// <remarks>Mutable while configuring; treat as read-only once the client is built.</remarks>
public sealed class MemoryChatClientOptions
{
    /// <summary>The <see cref="ChatOptions.AdditionalProperties"/> key that carries the user id of a call.</summary>
    public const string UserIdKey = "engram.user_id";

    /// <summary>The <see cref="ChatOptions.AdditionalProperties"/> key that carries the agent id of a call.</summary>
    public const string AgentIdKey = "engram.agent_id";

    /// <summary>The <see cref="ChatOptions.AdditionalProperties"/> key that carries the app id of a call.</summary>
    public const string AppIdKey = "engram.app_id";

    /// <summary>The <see cref="ChatOptions.AdditionalProperties"/> key that carries the run (session) id of a call.</summary>
    public const string RunIdKey = "engram.run_id";

    /// <summary>
    /// Gets or sets how the scope of a call is found. By default it is read from <see cref="ChatOptions.AdditionalProperties"/>
    /// (<see cref="UserIdKey"/>, <see cref="AgentIdKey"/>, <see cref="AppIdKey"/>, <see cref="RunIdKey"/>), falling back to
    /// <see cref="DefaultScope"/>. A call without a scope passes through untouched.
    /// </summary>
    public Func<ChatOptions?, MemoryScope?>? ScopeAccessor { get; set; }

    /// <summary>Gets or sets the scope used when a call names none.</summary>
    public MemoryScope? DefaultScope { get; set; }

    /// <summary>Gets or sets the most memories searched for each call.</summary>
    /// <value>Defaults to 8.</value>
    [Range(1, 100)]
    public int TopK { get; set; } = 8;

    /// <summary>Gets or sets the minimum fused score of a memory to be included.</summary>
    /// <value>Defaults to 0.1 (Mem0's threshold).</value>
    [Range(0.0, 1.0)]
    public double Threshold { get; set; } = 0.1;

    /// <summary>
    /// Gets or sets the token budget of the injected memories, estimated as characters / 4 (OpenAI's rule of thumb);
    /// memories are added best first until the next one would exceed it.
    /// </summary>
    /// <value>Defaults to 800.</value>
    [Range(1, 1_000_000)]
    public int MaxMemoryTokens { get; set; } = 800;

    /// <summary>Gets or sets a value indicating whether each exchange (last user message and the reply) is stored afterwards.</summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool StoreExchanges { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether stored exchanges go through fact extraction (<c>infer</c>).</summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool Infer { get; set; } = true;

    /// <summary>Gets or sets the text that introduces the memories in the system message.</summary>
    /// <value>Defaults to a short instruction to use the memories when relevant.</value>
    public string Preamble { get; set; } = "Things you remember about this user from earlier conversations (use them when relevant; they may be outdated):";
}
