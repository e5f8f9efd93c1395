namespace Engram;

/// <summary>What a store query selects: a project, a filter, and whether expired or superseded memories count.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record MemoryQuery
{
    /// <summary>Gets the project (tenant) id; every statement is restricted to it.</summary>
    public required string ProjectId { get; init; }

    /// <summary>Gets the filter (scope conditions included), or <see langword="null"/> for the whole project.</summary>
    public MemoryFilter? Filter { get; init; }

    /// <summary>
    /// Gets today's UTC date when expired memories must be left out (a memory is expired when its
    /// <see cref="MemoryItem.ExpirationDate"/> is earlier); <see langword="null"/> includes expired memories.
    /// </summary>
    public DateOnly? ExcludeExpiredBefore { get; init; }

    /// <summary>Gets a value indicating whether superseded memories are left out.</summary>
    public bool ExcludeSuperseded { get; init; }
}

/// <summary>A memory as the engine writes it: the item plus what retrieval needs (lexical text, vector, entities).</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record MemoryRecord
{
    /// <summary>Gets the memory.</summary>
    public required MemoryItem Item { get; init; }

    /// <summary>Gets the analysed text (space-separated lower-case stems) indexed for BM25.</summary>
    public required string LexicalText { get; init; }

    /// <summary>
    /// Gets the L2-normalised embedding of <see cref="MemoryItem.Memory"/>. On update, an empty vector keeps the stored one.
    /// </summary>
    public ReadOnlyMemory<float> Embedding { get; init; }

    /// <summary>Gets the embedder of <see cref="Embedding"/>; required when the vector is not empty.</summary>
    public EmbeddingModel? EmbeddingModel { get; init; }

    /// <summary>Gets the entities the memory mentions; on update, <see langword="null"/> keeps the stored links.</summary>
    public IReadOnlyList<EntityMention>? Entities { get; init; }
}

/// <summary>Identifies the embedder that produced a vector: a stable id and the vector dimension.</summary>
/// <param name="Id">A stable id such as <c>engram-hashing-v1</c> or <c>openai/text-embedding-3-small</c>.</param>
/// <param name="Dimensions">The vector dimension, ≥ 1.</param>
public sealed record EmbeddingModel(string Id, int Dimensions);

/// <summary>An entity mentioned in a memory.</summary>
/// <param name="Key">The normalised key (lower-case, single spaces), used for linking across memories.</param>
/// <param name="Name">The surface form as written.</param>
/// <param name="Type">The kind: <c>PERSON</c>, <c>PROPER</c>, <c>QUOTED</c> or <c>TOPIC</c> (Mem0's entity types plus PERSON for speakers).</param>
public sealed record EntityMention(string Key, string Name, string Type);

/// <summary>A memory linked to an entity, with the entity's popularity.</summary>
/// <param name="MemoryId">The memory id.</param>
/// <param name="EntityKey">The entity's normalised key.</param>
/// <param name="LinkCount">How many memories (matching the query) the entity is linked to, ≥ 1.</param>
public sealed record EntityLink(string MemoryId, string EntityKey, int LinkCount);

/// <summary>A memory id with a score from one retrieval signal.</summary>
/// <param name="MemoryId">The memory id.</param>
/// <param name="Score">The signal's score; its scale depends on the signal (cosine, BM25, …).</param>
public sealed record ScoredMemoryId(string MemoryId, double Score);

/// <summary>One page of a listing.</summary>
/// <param name="Items">The memories of the page.</param>
/// <param name="TotalCount">The number of matches over all pages.</param>
public sealed record MemoryPage(IReadOnlyList<MemoryItem> Items, long TotalCount);

/// <summary>A raw message kept for provenance and as extraction context.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record StoredMessage
{
    /// <summary>Gets the message id (UUIDv7).</summary>
    public required string Id { get; init; }

    /// <summary>Gets the scope the message was added under.</summary>
    public required MemoryScope Scope { get; init; }

    /// <summary>Gets the role.</summary>
    public required string Role { get; init; }

    /// <summary>Gets the text.</summary>
    public required string Content { get; init; }

    /// <summary>Gets the speaker's name, when given.</summary>
    public string? Name { get; init; }

    /// <summary>Gets the caller's own id of the message (see <see cref="MemoryMessage.ExternalId"/>).</summary>
    public string? ExternalId { get; init; }

    /// <summary>Gets when the message was said (UTC).</summary>
    public required DateTimeOffset ObservedAt { get; init; }

    /// <summary>Gets when the message was stored (UTC).</summary>
    public required DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A memory marked as replaced by a newer one (kept, with a validity end).</summary>
/// <param name="MemoryId">The old memory.</param>
/// <param name="SupersededBy">The memory that replaces it.</param>
/// <param name="ValidTo">When the old memory stopped being true (UTC).</param>
public sealed record MemorySupersession(string MemoryId, string SupersededBy, DateTimeOffset ValidTo);

/// <summary>A set of changes applied atomically by <see cref="IMemoryStore.WriteAsync"/>.</summary>
/// <remarks>Applied in this order: messages, inserts, updates, supersessions, deletes, history. Immutable.</remarks>
public sealed record MemoryWriteBatch
{
    /// <summary>Gets the project (tenant) id of every row in the batch.</summary>
    public required string ProjectId { get; init; }

    /// <summary>Gets raw messages to store.</summary>
    public IReadOnlyList<StoredMessage> Messages { get; init; } = [];

    /// <summary>Gets new memories.</summary>
    public IReadOnlyList<MemoryRecord> Inserts { get; init; } = [];

    /// <summary>Gets replacements of existing memories (matched by id).</summary>
    public IReadOnlyList<MemoryRecord> Updates { get; init; } = [];

    /// <summary>Gets memories to mark as superseded.</summary>
    public IReadOnlyList<MemorySupersession> Supersessions { get; init; } = [];

    /// <summary>Gets ids of memories to delete (with their vectors, index entries and entity links).</summary>
    public IReadOnlyList<string> Deletes { get; init; } = [];

    /// <summary>Gets history rows to append.</summary>
    public IReadOnlyList<MemoryHistoryEntry> History { get; init; } = [];

    /// <summary>Gets a value indicating whether the batch changes nothing.</summary>
    public bool IsEmpty => Messages.Count == 0 && Inserts.Count == 0 && Updates.Count == 0 && Supersessions.Count == 0 && Deletes.Count == 0 && History.Count == 0;
}
