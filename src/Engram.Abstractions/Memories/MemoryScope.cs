namespace Engram;

/// <summary>
/// Who a memory belongs to: a user, an agent, an app and/or a run (session), as in Mem0.
/// At least one identifier is required for every write and every read.
/// </summary>
/// <remarks>
/// Identifiers are opaque strings. Before use they are trimmed; an identifier that is empty, whitespace only
/// or contains internal whitespace is rejected with <see cref="MemoryValidationException"/> (Mem0's rule).
/// Identity keys are never taken from metadata (Mem0 issues #4490, #6277). Immutable and thread-safe.
/// </remarks>
public sealed record MemoryScope
{
    /// <summary>Gets the user the memory is about or belongs to (Mem0 <c>user_id</c>).</summary>
    public string? UserId { get; init; }

    /// <summary>Gets the agent the memory belongs to (Mem0 <c>agent_id</c>).</summary>
    public string? AgentId { get; init; }

    /// <summary>Gets the application the memory belongs to (Mem0 Platform <c>app_id</c>).</summary>
    public string? AppId { get; init; }

    /// <summary>Gets the run or session the memory belongs to (Mem0 <c>run_id</c>, Platform <c>session_id</c>).</summary>
    public string? RunId { get; init; }

    /// <summary>Gets a value indicating whether no identifier is set.</summary>
    public bool IsEmpty => UserId is null && AgentId is null && AppId is null && RunId is null;

    /// <summary>Creates a scope for one user.</summary>
    /// <param name="userId">The user identifier.</param>
    /// <returns>A scope with only <see cref="UserId"/> set.</returns>
    public static MemoryScope ForUser(string userId) => new() { UserId = userId };

    /// <summary>Creates a scope for one agent.</summary>
    /// <param name="agentId">The agent identifier.</param>
    /// <returns>A scope with only <see cref="AgentId"/> set.</returns>
    public static MemoryScope ForAgent(string agentId) => new() { AgentId = agentId };

    /// <inheritdoc/>
    public override string ToString()
    {
        var parts = new List<string>(4);
        if (UserId is not null) parts.Add($"user_id={UserId}");
        if (AgentId is not null) parts.Add($"agent_id={AgentId}");
        if (AppId is not null) parts.Add($"app_id={AppId}");
        if (RunId is not null) parts.Add($"run_id={RunId}");
        return string.Join('&', parts);
    }
}
