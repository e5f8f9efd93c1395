using System.Text.Json;

namespace Engram;

/// <summary>Input of <see cref="IMemory.AddAsync"/> (Mem0 <c>add</c>).</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record AddMemoriesRequest
{
    /// <summary>
    /// Gets the messages to remember, oldest first. Mem0 accepts a string, one message or a list; use
    /// <see cref="FromText"/> for the string form. Messages with empty content are skipped.
    /// </summary>
    public required IReadOnlyList<MemoryMessage> Messages { get; init; }

    /// <summary>Gets the scope to store the memories in; at least one identifier is required.</summary>
    public required MemoryScope Scope { get; init; }

    /// <summary>Gets metadata stored on every memory created by this call. The keys Mem0 strips (<see cref="MemoryMetadata.IdentityKeys"/>) are dropped with a warning.</summary>
    public IReadOnlyDictionary<string, JsonElement>? Metadata { get; init; }

    /// <summary>
    /// Gets a value indicating whether facts are extracted from the messages (<see langword="true"/>, Mem0's default)
    /// or each message is stored verbatim as one memory (<see langword="false"/>).
    /// </summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool Infer { get; init; } = true;

    /// <summary>
    /// Gets when the messages were said (the observation time). Relative dates ("yesterday") are resolved against
    /// it and it is stored as <see cref="MemoryItem.ObservedAt"/>; when given, it also backdates the memories'
    /// <see cref="MemoryItem.CreatedAt"/> and <see cref="MemoryItem.UpdatedAt"/> (Mem0's <c>timestamp</c>). Defaults to the current time.
    /// </summary>
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>Gets the expiration date of the created memories (see <see cref="MemoryItem.ExpirationDate"/>).</summary>
    public DateOnly? ExpirationDate { get; init; }

    /// <summary>Gets extra instructions for the fact extractor (Mem0 <c>custom_instructions</c>); offline extraction ignores them.</summary>
    public string? CustomInstructions { get; init; }

    /// <summary>
    /// Gets the categories memories may be assigned to, name → description (Mem0 <c>custom_categories</c>); when
    /// <see langword="null"/>, the project's list or Mem0's default catalogue is used by extractors that categorise.
    /// </summary>
    public IReadOnlyDictionary<string, string>? CustomCategories { get; init; }

    /// <summary>
    /// Gets the memory type: <see langword="null"/> for facts, or <c>procedural_memory</c> to store the messages as one
    /// summary of an agent's run (Mem0; requires <see cref="MemoryScope.AgentId"/> and a language-model extractor).
    /// </summary>
    public string? MemoryType { get; init; }

    /// <summary>
    /// Gets the id of the durable asynchronous event this call carries out (set by hosts with an event queue), or
    /// <see langword="null"/>. The engine passes it to the store with its write
    /// (<see cref="MemoryWriteBatch.CompletesEventId"/>), so the event is marked done atomically with the memories and its
    /// work is never applied twice; a second attempt throws <see cref="EventConflictException"/>.
    /// </summary>
    public string? EventId { get; init; }

    /// <summary>
    /// Gets a value indicating whether graph relations are extracted from the added memories (Mem0's
    /// <c>enable_graph</c>); <see cref="MemoryOptions.EnableGraph"/> turns it on for every add.
    /// </summary>
    public bool EnableGraph { get; init; }

    /// <summary>
    /// Gets a value indicating whether the created memories are immutable (Mem0's <c>immutable</c>): later updates are
    /// refused and no new memory supersedes them (<see cref="MemoryItem.Immutable"/>).
    /// </summary>
    public bool Immutable { get; init; }

    /// <summary>Creates a request that stores one user message, Mem0's string form of <c>messages</c>.</summary>
    /// <param name="text">The message text.</param>
    /// <param name="scope">The scope.</param>
    /// <returns>The request.</returns>
    public static AddMemoriesRequest FromText(string text, MemoryScope scope) =>
        new() { Messages = [MemoryMessage.User(text)], Scope = scope };
}
