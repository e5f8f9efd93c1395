namespace Engram.Cli.Bench;

/// <summary>What <c>engram bench</c> measures and at which size.</summary>
internal sealed record BenchOptions
{
    /// <summary>Gets the number of memories ingested in batches.</summary>
    /// <value>Default 100,000.</value>
    public int Memories { get; init; } = 100_000;

    /// <summary>Gets the memories per user; the number of users is <see cref="Memories"/> divided by this.</summary>
    /// <value>Default 1,000.</value>
    public int MemoriesPerUser { get; init; } = 1_000;

    /// <summary>Gets the messages per batched add (<c>infer=false</c>: one memory per message).</summary>
    /// <value>Default 1,000.</value>
    public int BatchSize { get; init; } = 1_000;

    /// <summary>Gets the number of batched adds running at once during the ingest (each on its own users).</summary>
    /// <value>Default: the number of processors.</value>
    public int IngestWorkers { get; init; } = Environment.ProcessorCount;

    /// <summary>Gets the number of one-message adds timed after the batched ingest.</summary>
    /// <value>Default 1,000.</value>
    public int SingleAdds { get; init; } = 1_000;

    /// <summary>Gets the number of timed user-scoped searches.</summary>
    /// <value>Default 2,000.</value>
    public int Queries { get; init; } = 2_000;

    /// <summary>Gets the number of timed project-wide searches (<c>user_id: "*"</c>).</summary>
    /// <value>Default 100.</value>
    public int ProjectQueries { get; init; } = 100;

    /// <summary>Gets the number of vector searches of each kind compared with an exact scan to measure recall.</summary>
    /// <value>Default 10.</value>
    public int RecallQueries { get; init; } = 10;

    /// <summary>Gets the results per search.</summary>
    /// <value>Default 10.</value>
    public int TopK { get; init; } = 10;

    /// <summary>Gets the directory holding the benchmark database, kept afterwards and reused when it matches; <see langword="null"/> for a temporary one.</summary>
    public string? Directory { get; init; }

    /// <summary>Gets a value indicating whether an existing matching database in <see cref="Directory"/> is rebuilt.</summary>
    public bool Fresh { get; init; }

    /// <summary>Gets a value indicating whether the SQLite store keeps its in-memory index (off: the SQL paths, for comparison).</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool InMemoryIndex { get; init; } = true;

    /// <summary>Gets a value indicating whether cold start and resident memory are measured in a child process.</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool ColdStart { get; init; } = true;

    /// <summary>Gets the size of the buffer read to measure memory bandwidth.</summary>
    /// <value>Default 1 GiB (well beyond the last-level cache).</value>
    public long BandwidthBytes { get; init; } = 1L << 30;

    /// <summary>Gets the seed of the synthetic corpus and of the query mix.</summary>
    /// <value>Default 42.</value>
    public int Seed { get; init; } = 42;

    /// <summary>Gets the PostgreSQL connection string to benchmark the PostgreSQL store instead of SQLite (its project <c>default</c> is reset first), or <see langword="null"/>.</summary>
    public string? PostgresConnection { get; init; }

    /// <summary>Gets the number of users.</summary>
    public int Users => (Memories + MemoriesPerUser - 1) / MemoriesPerUser;
}
