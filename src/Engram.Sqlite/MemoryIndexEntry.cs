namespace Engram.Sqlite;

/// <summary>One memory as the in-memory index holds it (see <see cref="MemoryIndexPartition"/>).</summary>
internal sealed class MemoryIndexEntry
{
    /// <summary>Gets the row id (<c>memories.seq</c>).</summary>
    public required long Seq { get; init; }

    /// <summary>Gets the memory id.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the <c>user_id</c> (the partition key).</summary>
    public string? UserId { get; init; }

    /// <summary>Gets the <c>agent_id</c>.</summary>
    public string? AgentId { get; init; }

    /// <summary>Gets the <c>app_id</c>.</summary>
    public string? AppId { get; init; }

    /// <summary>Gets the <c>run_id</c>.</summary>
    public string? RunId { get; init; }

    /// <summary>Gets the stored <c>expiration_date</c> text.</summary>
    public string? Expiration { get; init; }

    /// <summary>Gets a value indicating whether <c>superseded_by</c> is set.</summary>
    public bool Superseded { get; init; }

    /// <summary>Gets <c>created_at</c> as UTC ticks.</summary>
    public long CreatedTicks { get; init; }

    /// <summary>Gets the int8 codes of the vector, or <see langword="null"/> without a vector.</summary>
    public sbyte[]? Codes { get; init; }

    /// <summary>Gets the int8 scale.</summary>
    public float Scale { get; init; }

    /// <summary>Gets the sign code of the vector.</summary>
    public ulong[]? Signs { get; init; }

    /// <summary>Gets the number of tokens of the lexical text.</summary>
    public int DocumentLength { get; init; }

    /// <summary>Gets the distinct term ids of the lexical text, ascending.</summary>
    public int[] TermIds { get; init; } = [];

    /// <summary>Gets the frequency of each term of <see cref="TermIds"/>.</summary>
    public int[] TermFrequencies { get; init; } = [];

    /// <summary>Gets a value indicating whether the entry comes from a partition with text FTS5 tokenizes differently (its terms are partial).</summary>
    public bool HasInexactText { get; init; }

    /// <summary>Gets the ids of the linked entities.</summary>
    public int[] EntityIds { get; init; } = [];
}
