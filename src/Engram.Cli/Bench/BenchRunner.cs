using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Engram.Cli.Hosting;
using Engram.Cli.Locomo;
using Engram.Cli.Output;
using Engram.Postgres;
using Engram.Sqlite;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Engram.Cli.Bench;

/// <summary>
/// The macro benchmark of <c>engram bench</c> on the real engine and store: generates synthetic memories, ingests them
/// (batched, then one by one), measures search latency user-scoped and project-wide (through the engine, and the
/// store's vector search alone), cold start and resident memory in a fresh child process, the database size, and
/// the vector bytes each query reads beside this machine's memory bandwidth.
/// </summary>
/// <remarks>Figures are printed, never asserted: the report says which target each one meets.</remarks>
internal sealed class BenchRunner
{
    /// <summary>The file in the benchmark directory describing the data set it holds, so a later run can reuse it.</summary>
    public const string MarkerFileName = "bench-dataset.json";

    private const string ProjectId = "default";

    private static readonly string[] DatabaseSuffixes = ["", "-wal", "-shm"];

    private readonly BenchOptions _options;
    private readonly IStageProgress _progress;
    private readonly SyntheticCorpus _corpus;

    /// <summary>Initializes a runner.</summary>
    /// <param name="options">What to measure.</param>
    /// <param name="progress">The progress sink.</param>
    public BenchRunner(BenchOptions options, IStageProgress progress)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(progress);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Memories);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MemoriesPerUser);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.BatchSize);
        ArgumentOutOfRangeException.ThrowIfNegative(options.SingleAdds);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Queries);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.ProjectQueries);
        _options = options;
        _progress = progress;
        _corpus = new SyntheticCorpus(options.Seed);
    }

    /// <summary>Runs every measurement.</summary>
    /// <param name="cancellationToken">A token to cancel the run.</param>
    /// <returns>The report.</returns>
    public async Task<BenchReport> RunAsync(CancellationToken cancellationToken)
    {
        var notes = new List<string>();
        var loadAverage = LoadAverage();
        _progress.Start("memory bandwidth", 1);
        var bandwidth = MemoryBandwidth.Measure(_options.BandwidthBytes, 3, cancellationToken);
        _progress.Advance();

        var temporary = _options.Directory is null;
        var directory = Path.GetFullPath(_options.Directory ?? Path.Combine(Path.GetTempPath(), "engram-bench-" + Guid.NewGuid().ToString("N")));
        try
        {
            Directory.CreateDirectory(directory);
            var reused = !_options.Fresh && await IsReusableAsync(directory, cancellationToken);
            IngestReport? ingest = null;
            if (!reused)
            {
                DeleteDatabase(directory);
                if (_options.PostgresConnection is not null)
                {
                    await using var postgres = new PostgresMemoryStore(new PostgresStoreOptions { ConnectionString = _options.PostgresConnection });
                    await postgres.ResetAsync(ProjectId, cancellationToken);
                }

                ingest = await IngestAsync(directory, cancellationToken);
                await WriteMarkerAsync(directory, cancellationToken);
            }
            else
            {
                notes.Add($"Reused the data set in {directory}; ingest was not measured (pass --fresh to rebuild it).");
            }

            ColdStartReport? coldStart = null;
            ResidentMemoryReport? memory = null;
            var probeQuery = SyntheticCorpus.Query(_corpus.World(0), new Random(_options.Seed));
            var count = await CountMemoriesAsync(directory, _options.PostgresConnection, cancellationToken);
            if (_options.ColdStart)
            {
                var probe = await ColdStartProbe.RunAsync(directory, SyntheticCorpus.UserId(0), probeQuery, _options.InMemoryIndex, cancellationToken);
                if (probe is null)
                {
                    notes.Add("Cold start and resident memory were not measured: the engram CLI assembly was not found next to this one.");
                }
                else
                {
                    coldStart = new ColdStartReport(Round(probe.FirstAnswerMs), Round(probe.InProcessMs), Round(probe.ProjectWideMs));
                    memory = new ResidentMemoryReport(
                        probe.ResidentBytes,
                        probe.BaselineResidentBytes,
                        probe.ManagedBytes,
                        probe.ManagedCommittedBytes,
                        probe.IndexBytes,
                        Round((double)probe.ResidentBytes / count),
                        Round((double)(probe.ResidentBytes - probe.BaselineResidentBytes) / count),
                        probe.Dimensions * sizeof(float),
                        1024 + probe.Dimensions * sizeof(float));
                }
            }

            var (search, scan, dimensions) = await SearchAsync(directory, bandwidth, count, cancellationToken);
            var databaseBytes = _options.PostgresConnection is null ? DatabaseBytes(directory) : await PostgresDatabaseBytesAsync(_options.PostgresConnection, cancellationToken);
            var storage = new StorageReport(databaseBytes, Round((double)databaseBytes / count));
            var dataset = new DatasetReport(count, _options.Users, _options.MemoriesPerUser, dimensions, reused, _options.InMemoryIndex);
            if (!_options.InMemoryIndex)
            {
                notes.Add("The store's in-memory index was off (--no-index): searches ran the SQL paths (exact float32 scan of BLOBs, FTS5 bm25(), entity-link query).");
            }

            var machine = new MachineReport(
                Environment.ProcessorCount, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription, bandwidth, loadAverage);
            if (loadAverage > Environment.ProcessorCount)
            {
                notes.Add($"The load average was {loadAverage:0.0} on {Environment.ProcessorCount} cores when the run started: other processes competed for the CPU, so latencies are inflated; the CPU times per operation are less affected.");
            }

            notes.Add("Cold start runs with the database file in the OS page cache (just written or read); a first read from disk adds its I/O.");
            return new BenchReport(machine, dataset, ingest, search, scan, memory, storage, coldStart, Targets(ingest, search, memory, coldStart), notes);
        }
        finally
        {
            if (temporary)
            {
                TryDeleteDirectory(directory);
            }
        }
    }

    private async Task<IngestReport> IngestAsync(string directory, CancellationToken cancellationToken)
    {
        await using var session = await OpenSessionAsync(directory, _options.InMemoryIndex, cancellationToken, _options.PostgresConnection);
        var memory = session.Memory;
        var users = _options.Users;
        var workers = Math.Clamp(_options.IngestWorkers, 1, users);
        _progress.Start($"ingest {_options.Memories:N0} memories in batches of {_options.BatchSize:N0} ({workers} at once)", _options.Memories);

        // Each worker takes the next user and adds its memories batch by batch; workers overlap one batch's analysis and
        // embedding with another's SQLite write (the store serializes writes).
        var nextUser = -1;
        var cpuBefore = CpuTime();
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            int user;
            while ((user = Interlocked.Increment(ref nextUser)) < users)
            {
                var world = _corpus.World(user);
                var scope = MemoryScope.ForUser(world.UserId);
                var count = Math.Min(_options.MemoriesPerUser, _options.Memories - user * _options.MemoriesPerUser);
                for (var start = 0; start < count; start += _options.BatchSize)
                {
                    var size = Math.Min(_options.BatchSize, count - start);
                    var messages = new MemoryMessage[size];
                    for (var i = 0; i < size; i++)
                    {
                        messages[i] = MemoryMessage.User(_corpus.Memory(world, user, start + i), world.Name);
                    }

                    await memory.AddAsync(
                        new AddMemoriesRequest
                        {
                            Messages = messages,
                            Scope = scope,
                            Infer = false,
                            Metadata = SyntheticCorpus.Metadata(user, start / _options.BatchSize),
                            Timestamp = SyntheticCorpus.ObservedAt(user, start, _options.MemoriesPerUser),
                        },
                        cancellationToken);
                    _progress.Advance(size);
                }
            }
        }, cancellationToken)));

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var cpuSeconds = (CpuTime() - cpuBefore).TotalSeconds;
        var batched = new BatchedIngestReport(_options.Memories, _options.BatchSize, workers, Round(seconds), Round(_options.Memories / seconds), Round(cpuSeconds));
        if (_options.SingleAdds == 0)
        {
            return new IngestReport(batched, null);
        }

        _progress.Start($"ingest {_options.SingleAdds:N0} memories one by one", _options.SingleAdds);
        var random = new Random(_options.Seed + 7);
        var latencies = new List<double>(_options.SingleAdds);
        for (var i = 0; i < _options.SingleAdds; i++)
        {
            var user = random.Next(users);
            var world = _corpus.World(user);
            var request = new AddMemoriesRequest
            {
                Messages = [MemoryMessage.User(_corpus.Memory(world, user, _options.MemoriesPerUser + i), world.Name)],
                Scope = MemoryScope.ForUser(world.UserId),
                Infer = false,
                Metadata = SyntheticCorpus.Metadata(user, 1_000_000 + i),
            };
            var addStarted = Stopwatch.GetTimestamp();
            await memory.AddAsync(request, cancellationToken);
            latencies.Add(Stopwatch.GetElapsedTime(addStarted).TotalMilliseconds);
            _progress.Advance();
        }

        var singleSeconds = latencies.Sum() / 1000;
        return new IngestReport(batched, new SingleIngestReport(_options.SingleAdds, Round(singleSeconds), Round(_options.SingleAdds / singleSeconds), Latency(latencies)));
    }

    private async Task<(SearchReport Search, ScanReport Scan, int Dimensions)> SearchAsync(
        string directory, BandwidthReport bandwidth, long count, CancellationToken cancellationToken)
    {
        await using var session = await OpenSessionAsync(directory, _options.InMemoryIndex, cancellationToken, _options.PostgresConnection);
        var memory = session.Memory;
        var store = session.Services.GetRequiredService<IMemoryStore>();
        var sqlite = store as SqliteMemoryStore;
        var embedder = session.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        var random = new Random(_options.Seed + 1);
        var userQueries = Enumerable.Range(0, _options.Queries)
            .Select(_ => random.Next(_options.Users))
            .Select(u => (UserId: SyntheticCorpus.UserId(u), Text: SyntheticCorpus.Query(_corpus.World(u), random)))
            .ToList();
        var projectQueries = Enumerable.Range(0, _options.ProjectQueries)
            .Select(_ => SyntheticCorpus.Query(_corpus.World(random.Next(_options.Users)), random))
            .ToList();
        var everyone = new ExistsFilter(FilterField.Of(FilterFieldKind.UserId));

        // The first project-wide search loads whatever the store keeps in memory; it is reported on its own.
        _progress.Start("first project-wide search", 1);
        var started = Stopwatch.GetTimestamp();
        await memory.SearchAsync(new SearchMemoriesRequest { Query = projectQueries[0], Filter = everyone, TopK = _options.TopK }, cancellationToken);
        var firstProjectWide = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        _progress.Advance();

        var warmUp = Math.Min(50, userQueries.Count);
        _progress.Start("warm-up", warmUp);
        foreach (var (userId, text) in userQueries.Take(warmUp))
        {
            await memory.SearchAsync(new SearchMemoriesRequest { Query = text, Scope = MemoryScope.ForUser(userId), TopK = _options.TopK }, cancellationToken);
            _progress.Advance();
        }

        var userScoped = await TimeAsync(
            $"search {userQueries.Count:N0}× user-scoped",
            userQueries,
            async q => (await memory.SearchAsync(new SearchMemoriesRequest { Query = q.Text, Scope = MemoryScope.ForUser(q.UserId), TopK = _options.TopK }, cancellationToken)).Results.Count);
        var projectWide = await TimeAsync(
            $"search {projectQueries.Count:N0}× project-wide",
            projectQueries,
            async q => (await memory.SearchAsync(new SearchMemoriesRequest { Query = q, Filter = everyone, TopK = _options.TopK }, cancellationToken)).Results.Count);

        // The store's vector search alone, with the vectors computed beforehand: what the bandwidth bound applies to.
        var metadata = embedder.GetService<EmbeddingGeneratorMetadata>();
        var userVectors = await embedder.GenerateAsync(userQueries.Select(q => q.Text), EmbeddingPurpose.ForQuery(), cancellationToken);
        var projectVectors = await embedder.GenerateAsync(projectQueries, EmbeddingPurpose.ForQuery(), cancellationToken);
        var dimensions = userVectors[0].Vector.Length;
        var model = new EmbeddingModel(
            metadata is null ? embedder.GetType().Name : $"{metadata.ProviderName}/{metadata.DefaultModelId}", dimensions);
        var pool = Math.Max(_options.TopK * 4, new RetrievalOptions().MinCandidates);
        var today = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime);
        MemoryQuery ForFilter(MemoryFilter filter) => new() { ProjectId = ProjectId, Filter = filter, ExcludeExpiredBefore = today, ExcludeSuperseded = true };

        var before = sqlite?.GetVectorSearchStatistics() ?? new SqliteVectorSearchStatistics();
        var vectorUser = await TimeAsync(
            $"vector search {userQueries.Count:N0}× user-scoped",
            Enumerable.Range(0, userQueries.Count).ToList(),
            async i => (await store.SearchVectorsAsync(
                ForFilter(MemoryFilter.Equal(FilterField.Of(FilterFieldKind.UserId), userQueries[i].UserId)), userVectors[i].Vector, model, pool, cancellationToken)).Count);
        var middle = sqlite?.GetVectorSearchStatistics() ?? new SqliteVectorSearchStatistics();
        var vectorProject = await TimeAsync(
            $"vector search {projectQueries.Count:N0}× project-wide",
            Enumerable.Range(0, projectQueries.Count).ToList(),
            async i => (await store.SearchVectorsAsync(ForFilter(everyone), projectVectors[i].Vector, model, pool, cancellationToken)).Count);
        var after = sqlite?.GetVectorSearchStatistics() ?? new SqliteVectorSearchStatistics();

        // Recall of the index's vector search against the exact float32 scan (the store without its index) on a sample.
        _progress.Start("vector recall against an exact scan", _options.RecallQueries * 2);
        // PostgreSQL without pgvector scores exactly already: it is its own reference.
        using var exactSqlite = sqlite is null ? null : new SqliteMemoryStore(new SqliteStoreOptions { DatabasePath = Path.Combine(directory, EngramSession.DatabaseFileName), InMemoryIndex = false });
        IMemoryStore exact = (IMemoryStore?)exactSqlite ?? store;
        double userHits = 0, userTotal = 0, projectHits = 0, projectTotal = 0;
        for (var i = 0; i < _options.RecallQueries; i++)
        {
            var u = i % userQueries.Count;
            var userQuery = ForFilter(MemoryFilter.Equal(FilterField.Of(FilterFieldKind.UserId), userQueries[u].UserId));
            var truth = await exact.SearchVectorsAsync(userQuery, userVectors[u].Vector, model, pool, cancellationToken);
            var found = await store.SearchVectorsAsync(userQuery, userVectors[u].Vector, model, pool, cancellationToken);
            userHits += truth.Select(h => h.MemoryId).Intersect(found.Select(h => h.MemoryId)).Count();
            userTotal += truth.Count;
            _progress.Advance();

            var p = i % projectQueries.Count;
            truth = await exact.SearchVectorsAsync(ForFilter(everyone), projectVectors[p].Vector, model, pool, cancellationToken);
            found = await store.SearchVectorsAsync(ForFilter(everyone), projectVectors[p].Vector, model, pool, cancellationToken);
            projectHits += truth.Select(h => h.MemoryId).Intersect(found.Select(h => h.MemoryId)).Count();
            projectTotal += truth.Count;
            _progress.Advance();
        }

        var recall = new RecallReport(_options.RecallQueries, pool, Round(userTotal == 0 ? 1 : userHits / userTotal), Round(projectTotal == 0 ? 1 : projectHits / projectTotal));
        var userBytes = (double)(middle.BytesScanned - before.BytesScanned) / Math.Max(1, middle.Searches - before.Searches);
        var projectBytes = (double)(after.BytesScanned - middle.BytesScanned) / Math.Max(1, after.Searches - middle.Searches);
        var bytesPerMs = bandwidth.AllThreadsBytesPerSecond / 1000;
        var scan = new ScanReport(
            Round(userBytes), Round(projectBytes), Round(userBytes / bytesPerMs), Round(projectBytes / bytesPerMs), Round(count * dimensions * sizeof(float) / bytesPerMs));
        var search = new SearchReport(Round(firstProjectWide), userScoped, projectWide, vectorUser, vectorProject, recall);
        return (search, scan, dimensions);
    }

    private async Task<SearchPhaseReport> TimeAsync<T>(string stage, IReadOnlyList<T> queries, Func<T, Task<int>> search)
    {
        _progress.Start(stage, queries.Count);
        var latencies = new List<double>(queries.Count);
        var results = 0L;
        var cpuBefore = CpuTime();
        foreach (var query in queries)
        {
            var started = Stopwatch.GetTimestamp();
            results += await search(query);
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            _progress.Advance();
        }

        var cpuMs = (CpuTime() - cpuBefore).TotalMilliseconds;
        var total = latencies.Sum();
        return new SearchPhaseReport(queries.Count, Latency(latencies), Round(queries.Count / (total / 1000)), Round((double)results / queries.Count), Round(cpuMs / queries.Count));
    }

    /// <summary>Opens the engine as the CLI does; without the in-memory index when <paramref name="inMemoryIndex"/> is off.</summary>
    /// <param name="directory">The data directory.</param>
    /// <param name="inMemoryIndex">Whether the SQLite store keeps its in-memory index.</param>
    /// <param name="cancellationToken">A token to cancel the start.</param>
    /// <returns>The session.</returns>
    /// <param name="postgresConnection">A PostgreSQL connection string: the engine then runs over the PostgreSQL store.</param>
    public static Task<EngramSession> OpenSessionAsync(string directory, bool inMemoryIndex, CancellationToken cancellationToken, string? postgresConnection = null) =>
        EngramSession.OpenAsync(
            directory,
            cancellationToken,
            configureServices: postgresConnection is not null
                ? (services, _) => services.AddEngram().WithPostgresStore(postgresConnection)
                : inMemoryIndex
                    ? null
                    : (services, _) => services.AddEngram().WithSqliteStore(Path.Combine(Path.GetFullPath(directory), EngramSession.DatabaseFileName), o => o.InMemoryIndex = false));

    private static async Task<long> CountMemoriesAsync(string directory, string? postgresConnection, CancellationToken cancellationToken)
    {
        await using var postgres = postgresConnection is null ? null : new PostgresMemoryStore(new PostgresStoreOptions { ConnectionString = postgresConnection });
        using var sqlite = postgres is null ? new SqliteMemoryStore(new SqliteStoreOptions { DatabasePath = Path.Combine(directory, EngramSession.DatabaseFileName) }) : null;
        IMemoryStore store = (IMemoryStore?)postgres ?? sqlite!;
        var page = await store.ListAsync(new MemoryQuery { ProjectId = ProjectId }, 0, 1, cancellationToken);
        return Math.Max(1, page.TotalCount);
    }

    private static async Task<long> PostgresDatabaseBytesAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var store = new PostgresMemoryStore(new PostgresStoreOptions { ConnectionString = connectionString });
        return await store.GetDatabaseSizeBytesAsync(cancellationToken);
    }

    private async Task<bool> IsReusableAsync(string directory, CancellationToken cancellationToken)
    {
        var marker = Path.Combine(directory, MarkerFileName);
        if (!File.Exists(marker) || !File.Exists(Path.Combine(directory, EngramSession.DatabaseFileName)))
        {
            return false;
        }

        try
        {
            await using var stream = File.OpenRead(marker);
            var stored = await JsonSerializer.DeserializeAsync(stream, BenchJsonContext.Default.BenchDatasetMarker, cancellationToken);
            return stored == Marker();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private async Task WriteMarkerAsync(string directory, CancellationToken cancellationToken)
    {
        await using var stream = File.Create(Path.Combine(directory, MarkerFileName));
        await JsonSerializer.SerializeAsync(stream, Marker(), BenchJsonContext.Default.BenchDatasetMarker, cancellationToken);
    }

    private BenchDatasetMarker Marker() =>
        new(_options.Memories, _options.MemoriesPerUser, _options.BatchSize, _options.SingleAdds, _options.Seed, SyntheticCorpus.Version);

    private List<TargetReport> Targets(IngestReport? ingest, SearchReport search, ResidentMemoryReport? memory, ColdStartReport? coldStart)
    {
        var scale = _options.Memories.ToString("N0", CultureInfo.InvariantCulture);
        return
        [
            Target("user-scoped search p50", "≤ 1 ms", "100k memories", search.UserScoped.LatencyMs.P50, "ms", v => v <= 1),
            Target("project-wide search p50", "≤ 25 ms", "1M memories", search.ProjectWide.LatencyMs.P50, "ms", v => v <= 25),
            Target("batched add, infer=false", "≥ 20,000 memories/s", "any", ingest?.Batched.MemoriesPerSecond, "memories/s", v => v >= 20_000),
            Target("resident memory per memory", "≤ 1 KiB + vector bytes", "any", memory?.BytesPerMemory, "bytes", v => v <= memory!.BudgetBytesPerMemory),
            Target("cold start to first answer", "≤ 1 s", "100k memories", coldStart?.FirstAnswerMs, "ms", v => v <= 1000),
        ];

        TargetReport Target(string name, string target, string statedAt, double? measured, string unit, Func<double, bool> met) =>
            new(name, target, measured, unit, measured is { } m ? met(m) : null, $"stated at {statedAt}; measured at {scale}");
    }

    private static LatencyReport Latency(List<double> values) => new(
        Round(LatencyStats.Percentile(values, 50)),
        Round(LatencyStats.Percentile(values, 95)),
        Round(LatencyStats.Percentile(values, 99)),
        Round(values.Count == 0 ? 0 : values.Average()),
        Round(values.Count == 0 ? 0 : values.Max()));

    private static double Round(double value) => double.IsFinite(value) ? Math.Round(value, 3) : 0;

    private static TimeSpan CpuTime()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    private static double LoadAverage()
    {
        try
        {
            var text = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg") : null;
            return text is null ? -1 : double.Parse(text.Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return -1;
        }
    }

    private static long DatabaseBytes(string directory) =>
        DatabaseSuffixes
            .Select(suffix => new FileInfo(Path.Combine(directory, EngramSession.DatabaseFileName + suffix)))
            .Where(f => f.Exists)
            .Sum(f => f.Length);

    private static void DeleteDatabase(string directory)
    {
        foreach (var suffix in DatabaseSuffixes)
        {
            File.Delete(Path.Combine(directory, EngramSession.DatabaseFileName + suffix));
        }

        File.Delete(Path.Combine(directory, MarkerFileName));
    }

    private static void TryDeleteDirectory(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A leftover temporary directory is harmless; the report stands.
        }
    }
}

/// <summary>What a benchmark directory holds, so that a later run with the same options can reuse it.</summary>
internal sealed record BenchDatasetMarker(int Memories, int MemoriesPerUser, int BatchSize, int SingleAdds, int Seed, int CorpusVersion);
