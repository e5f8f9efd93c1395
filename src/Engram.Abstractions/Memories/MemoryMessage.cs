namespace Engram;

/// <summary>One conversation message given to <see cref="IMemory.AddAsync"/>, shaped as Mem0's <c>{role, content, name}</c>.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record MemoryMessage
{
    /// <summary>Gets the author role: <c>user</c>, <c>assistant</c> or <c>system</c> (other values are stored as given).</summary>
    public required string Role { get; init; }

    /// <summary>Gets the message text. Messages with empty content are skipped, as in Mem0 (tool-call messages).</summary>
    public required string Content { get; init; }

    /// <summary>Gets the speaker's name, stored as the memory's <c>actor_id</c> (Mem0 maps <c>name</c> the same way).</summary>
    public string? Name { get; init; }

    /// <summary>
    /// Gets the caller's own identifier of the message (for example a dialogue turn id such as <c>D1:3</c>), kept with
    /// the raw message for provenance. Engram always assigns its own message id as well.
    /// </summary>
    public string? ExternalId { get; init; }

    /// <summary>Creates a user message.</summary>
    /// <param name="content">The message text.</param>
    /// <param name="name">The optional speaker name.</param>
    /// <returns>A message with role <c>user</c>.</returns>
    public static MemoryMessage User(string content, string? name = null) => new() { Role = MemoryRoles.User, Content = content, Name = name };

    /// <summary>Creates an assistant message.</summary>
    /// <param name="content">The message text.</param>
    /// <param name="name">The optional speaker name.</param>
    /// <returns>A message with role <c>assistant</c>.</returns>
    public static MemoryMessage Assistant(string content, string? name = null) => new() { Role = MemoryRoles.Assistant, Content = content, Name = name };
}
