namespace Engram.Cli.Bench;

// The report of `engram bench`, serialized as snake_case JSON by BenchJsonContext. Durations are milliseconds, sizes
// bytes, rates per second. A section is null when it was not measured (for example ingest on a reused database).

/// <summary>Everything one <c>engram bench</c> run measured.</summary>
internal sealed record BenchReport(
    MachineReport Machine,
    DatasetReport Dataset,
    IngestReport? Ingest,
    SearchReport Search,
    ScanReport Scan,
    ResidentMemoryReport? Memory,
    StorageReport Storage,
    ColdStartReport? ColdStart,
    IReadOnlyList<TargetReport> Targets,
    IReadOnlyList<string> Notes);

/// <summary>The machine: cores, runtime and measured memory bandwidth.</summary>
/// <param name="Cores">The logical processors.</param>
/// <param name="Os">The operating system.</param>
/// <param name="Runtime">The .NET runtime.</param>
/// <param name="Bandwidth">The measured memory bandwidth.</param>
/// <param name="LoadAverage">The 1-minute load average when the run started (Linux), or -1: above the core count, other work competed for the CPU.</param>
internal sealed record MachineReport(int Cores, string Os, string Runtime, BandwidthReport Bandwidth, double LoadAverage);

/// <summary>Measured read bandwidth.</summary>
/// <param name="BufferBytes">The size of the buffer read.</param>
/// <param name="SingleThreadBytesPerSecond">The bandwidth of one thread.</param>
/// <param name="AllThreadsBytesPerSecond">The bandwidth of all cores together.</param>
/// <param name="Threads">The number of threads of the second figure.</param>
internal sealed record BandwidthReport(long BufferBytes, double SingleThreadBytesPerSecond, double AllThreadsBytesPerSecond, int Threads);

/// <summary>The data set searched.</summary>
/// <param name="Memories">The memories in the project.</param>
/// <param name="Users">The users.</param>
/// <param name="MemoriesPerUser">The memories per user of the batched ingest.</param>
/// <param name="Dimensions">The vector length.</param>
/// <param name="Reused">Whether an existing database was reused (ingest not measured).</param>
/// <param name="InMemoryIndex">Whether the SQLite store kept its in-memory index (the default).</param>
internal sealed record DatasetReport(long Memories, int Users, int MemoriesPerUser, int Dimensions, bool Reused, bool InMemoryIndex);

/// <summary>Ingest throughput: batched adds, then one-message adds.</summary>
internal sealed record IngestReport(BatchedIngestReport Batched, SingleIngestReport? Single);

/// <summary>Batched in-process adds with <c>infer=false</c>.</summary>
/// <param name="Memories">The memories added.</param>
/// <param name="BatchSize">The messages per add.</param>
/// <param name="Workers">The adds running at once (each on its own users).</param>
/// <param name="Seconds">The wall-clock time.</param>
/// <param name="MemoriesPerSecond">The throughput.</param>
/// <param name="CpuSeconds">The process's CPU time over the ingest (all threads), a figure less sensitive to other load on the machine.</param>
internal sealed record BatchedIngestReport(long Memories, int BatchSize, int Workers, double Seconds, double MemoriesPerSecond, double CpuSeconds);

/// <summary>One-message adds, one after another.</summary>
internal sealed record SingleIngestReport(int Adds, double Seconds, double AddsPerSecond, LatencyReport LatencyMs);

/// <summary>Search latency, end to end through the engine and for the store's vector search alone.</summary>
internal sealed record SearchReport(
    double FirstProjectWideMs,
    SearchPhaseReport UserScoped,
    SearchPhaseReport ProjectWide,
    SearchPhaseReport VectorUserScoped,
    SearchPhaseReport VectorProjectWide,
    RecallReport VectorRecall);

/// <summary>
/// How many of the exact top results (a float32 scan of every candidate, the store without its in-memory index) the
/// index's vector search returns, over a sample of queries.
/// </summary>
/// <param name="Queries">The queries compared, of each kind.</param>
/// <param name="Limit">The results per query.</param>
/// <param name="UserScoped">The recall of user-scoped searches (int8 candidates re-scored exactly).</param>
/// <param name="ProjectWide">The recall of project-wide searches (sign codes shortlist candidates above 200,000 vectors).</param>
internal sealed record RecallReport(int Queries, int Limit, double UserScoped, double ProjectWide);

/// <summary>One timed series of searches, run one after another.</summary>
/// <param name="Queries">The searches.</param>
/// <param name="LatencyMs">Their latency.</param>
/// <param name="QueriesPerSecond">Searches per second, one at a time.</param>
/// <param name="MeanResults">The mean number of results.</param>
/// <param name="CpuMsPerQuery">The process's CPU time per search (all threads).</param>
internal sealed record SearchPhaseReport(int Queries, LatencyReport LatencyMs, double QueriesPerSecond, double MeanResults, double CpuMsPerQuery);

/// <summary>Latency percentiles (nearest rank) and mean.</summary>
internal sealed record LatencyReport(double P50, double P95, double P99, double Mean, double Max);

/// <summary>Vector bytes read per query beside what the measured bandwidth allows.</summary>
/// <param name="UserScopedBytesPerQuery">Vector bytes read per user-scoped vector search.</param>
/// <param name="ProjectWideBytesPerQuery">Vector bytes read per project-wide vector search.</param>
/// <param name="UserScopedBoundMs">The time to read those bytes at the all-cores bandwidth: the floor of an exact scan.</param>
/// <param name="ProjectWideBoundMs">The same for the project-wide search.</param>
/// <param name="ExactProjectWideBoundMs">The floor of an exact float32 scan of every vector of the project.</param>
internal sealed record ScanReport(
    double UserScopedBytesPerQuery, double ProjectWideBytesPerQuery, double UserScopedBoundMs, double ProjectWideBoundMs, double ExactProjectWideBoundMs);

/// <summary>Resident memory of a fresh process that answered a user-scoped and a project-wide search.</summary>
/// <param name="ResidentBytes">The working set after both searches and a full garbage collection.</param>
/// <param name="BaselineResidentBytes">The working set of the same process after start-up, before its first search.</param>
/// <param name="ManagedBytes">The live managed objects after the collection.</param>
/// <param name="ManagedCommittedBytes">The memory the garbage collector holds committed (live objects plus free space it keeps).</param>
/// <param name="IndexBytes">The SQLite store's estimate of its in-memory index.</param>
/// <param name="BytesPerMemory">The working set divided by the number of memories.</param>
/// <param name="MarginalBytesPerMemory">The growth of the working set from the baseline, divided by the number of memories.</param>
/// <param name="VectorBytesPerMemory">The size of one stored float32 vector.</param>
/// <param name="BudgetBytesPerMemory">The target: 1 KiB plus the vector bytes.</param>
internal sealed record ResidentMemoryReport(
    long ResidentBytes,
    long BaselineResidentBytes,
    long ManagedBytes,
    long ManagedCommittedBytes,
    long IndexBytes,
    double BytesPerMemory,
    double MarginalBytesPerMemory,
    int VectorBytesPerMemory,
    int BudgetBytesPerMemory);

/// <summary>The size of the database on disk.</summary>
internal sealed record StorageReport(long DatabaseBytes, double BytesPerMemory);

/// <summary>Cold start: a new process that opens the database and answers a first search.</summary>
/// <param name="FirstAnswerMs">From starting the process to its first answer, seen by the parent (runtime start included).</param>
/// <param name="InProcessMs">From the child's <c>Main</c> to its first answer.</param>
/// <param name="FirstProjectWideMs">The child's first project-wide search, which loads every vector.</param>
internal sealed record ColdStartReport(double FirstAnswerMs, double InProcessMs, double FirstProjectWideMs);

/// <summary>One target of issue 6 with the measured value.</summary>
/// <param name="Name">What is measured.</param>
/// <param name="Target">The target, as text (e.g. <c>≤ 1 ms</c>).</param>
/// <param name="Measured">The measured value, or <see langword="null"/> when not measured in this run.</param>
/// <param name="Unit">The unit of <paramref name="Measured"/>.</param>
/// <param name="Met">Whether the target is met; <see langword="null"/> when not measured.</param>
/// <param name="Scale">The data size the target is stated for.</param>
internal sealed record TargetReport(string Name, string Target, double? Measured, string Unit, bool? Met, string Scale);
