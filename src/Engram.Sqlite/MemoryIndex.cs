using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Engram.Sqlite;

/// <summary>
/// The in-memory side of <see cref="SqliteMemoryStore"/>'s retrieval: per (project, <c>user_id</c>) partitions loaded
/// lazily from the file (<see cref="MemoryIndexPartition"/>), kept in sync by the store's own writes, and dropped when
/// another connection or process changed memories (detected through a generation counter in <c>meta</c>).
/// </summary>
/// <remarks>
/// <para>Thread-safe. Searches run under a read lock; loads, writes and invalidations take the write lock briefly.</para>
/// <para>The file stays the source of truth: the index holds only what retrieval needs to pick candidates (scope
/// columns, int8 and sign codes of the vectors, BM25 term counts, entity links); exact vector scores and memory
/// contents are read from SQLite.</para>
/// </remarks>
internal sealed class MemoryIndex : IDisposable
{
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly Dictionary<string, ProjectIndex> _projects = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _terms = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _termLookup;
    private readonly ConcurrentDictionary<string, int> _entities = new(StringComparer.Ordinal);
    private readonly Dictionary<int, long> _documentFrequencies = [];
    private int _nextTerm;
    private int _nextEntity;

    /// <summary>Initializes an empty index.</summary>
    public MemoryIndex() => _termLookup = _terms.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Gets the generation of the file's memories this index reflects (the <c>meta</c> counter).</summary>
    public long Generation { get; private set; } = -1;

    /// <summary>Gets the generation an own write is committing, or -1.</summary>
    public long PendingGeneration { get; private set; } = -1;

    /// <summary>Gets the recorded embedder (id and dimensions), or <see langword="null"/> when none is recorded or it is not read yet.</summary>
    public EmbeddingModel? Embedder { get; private set; }

    /// <summary>Gets the FTS5 totals (rows, tokens) BM25 needs, or <see langword="null"/> when they must be read again.</summary>
    public (long Rows, long Tokens)? Totals { get; private set; }

    /// <summary>Runs <paramref name="action"/> under the read lock.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="action">The work; it must not block on I/O.</param>
    /// <returns>The work's result.</returns>
    public T Read<T>(Func<MemoryIndex, T> action)
    {
        _lock.EnterReadLock();
        try
        {
            return action(this);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>
    /// Reconciles the index with the file's current generation: drops everything when another writer changed memories.
    /// </summary>
    /// <param name="generation">The generation read from the file.</param>
    /// <param name="embedder">The embedder recorded in the file.</param>
    /// <param name="totals">The FTS5 totals read from the file, or <see langword="null"/> when they were not read.</param>
    /// <returns><see langword="true"/> when the index was dropped.</returns>
    public bool Synchronize(long generation, EmbeddingModel? embedder, (long Rows, long Tokens)? totals)
    {
        _lock.EnterWriteLock();
        try
        {
            var dropped = false;
            if (generation != Generation && generation != PendingGeneration)
            {
                ClearLocked();
                Generation = generation;
                dropped = true;
            }

            if (generation == Generation)
            {
                Embedder = embedder;
                if (totals is not null)
                {
                    Totals = totals;
                }
            }

            return dropped;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Gets a value indicating whether the index reflects <paramref name="generation"/> and has the totals.</summary>
    /// <param name="generation">A generation read from the file.</param>
    /// <returns><see langword="true"/> when no reload is needed.</returns>
    public bool IsCurrent(long generation) => generation == Generation && Totals is not null;

    /// <summary>Gets the partitions of a project the filter can match, or <see langword="null"/> when some must be loaded first.</summary>
    /// <param name="projectId">The project.</param>
    /// <param name="filter">The filter.</param>
    /// <param name="missing">Receives the <c>user_id</c> values to load, or <see langword="null"/> when the whole project must be loaded.</param>
    /// <returns>The partitions; call under the read lock.</returns>
    public List<MemoryIndexPartition>? SelectPartitions(string projectId, MemoryIndexFilter filter, out List<string?>? missing)
    {
        missing = null;
        _projects.TryGetValue(projectId, out var project);
        var result = new List<MemoryIndexPartition>();
        if (filter.Users is { } users)
        {
            List<string?>? absent = null;
            foreach (var user in users)
            {
                if (!filter.MayMatch(user))
                {
                    continue;
                }

                if (project?.Partitions.TryGetValue(Key(user), out var partition) == true)
                {
                    result.Add(partition);
                }
                else if (project?.Complete != true)
                {
                    (absent ??= []).Add(user);
                }
            }

            missing = absent;
            return absent is null ? result : null;
        }

        if (project?.Complete != true)
        {
            return null;
        }

        foreach (var partition in project.Partitions.Values)
        {
            if (filter.MayMatch(partition.UserId))
            {
                result.Add(partition);
            }
        }

        return result;
    }

    /// <summary>Installs loaded partitions when they were read at the index's generation.</summary>
    /// <param name="projectId">The project.</param>
    /// <param name="generation">The generation the rows were read at.</param>
    /// <param name="partitions">The partitions, by <c>user_id</c>.</param>
    /// <param name="complete">Whether they are the whole project.</param>
    /// <returns><see langword="true"/> when installed; <see langword="false"/> when the index moved on meanwhile.</returns>
    public bool Install(string projectId, long generation, IReadOnlyList<MemoryIndexPartition> partitions, bool complete)
    {
        _lock.EnterWriteLock();
        try
        {
            if (generation != Generation || PendingGeneration != -1)
            {
                return false;
            }

            var project = GetProject(projectId);
            foreach (var partition in partitions)
            {
                var key = Key(partition.UserId);
                if (project.Partitions.Remove(key, out var previous))
                {
                    ForgetLocations(project, previous);
                }

                project.Partitions[key] = partition;
                for (var slot = 0; slot < partition.Count; slot++)
                {
                    if (partition.Alive[slot])
                    {
                        project.Locations[partition.Ids[slot]] = new Location(partition, slot);
                    }
                }
            }

            project.Complete |= complete;
            return true;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Records that an own write is committing <paramref name="generation"/>.</summary>
    /// <param name="generation">The generation the write moves the file to.</param>
    public void BeginCommit(long generation)
    {
        _lock.EnterWriteLock();
        try
        {
            PendingGeneration = generation;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Forgets a pending own write that did not commit.</summary>
    public void AbortCommit()
    {
        _lock.EnterWriteLock();
        try
        {
            PendingGeneration = -1;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Applies a committed own write; drops the index instead when another writer committed in between.</summary>
    /// <param name="generation">The generation the write committed.</param>
    /// <param name="apply">Applies the write to the index (under the write lock); returns <see langword="false"/> to drop the index.</param>
    public void EndCommit(long generation, Func<MemoryIndex, bool> apply)
    {
        _lock.EnterWriteLock();
        try
        {
            PendingGeneration = -1;
            Totals = null;
            if (Generation != generation - 1 || !apply(this))
            {
                ClearLocked();
            }

            Generation = generation;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Gets the project index, creating it; call under the write lock.</summary>
    /// <param name="projectId">The project.</param>
    /// <returns>The project.</returns>
    public ProjectIndex GetProject(string projectId)
    {
        if (!_projects.TryGetValue(projectId, out var project))
        {
            project = new ProjectIndex();
            _projects[projectId] = project;
        }

        return project;
    }

    /// <summary>Gets a project index if it exists; call under a lock.</summary>
    /// <param name="projectId">The project.</param>
    /// <returns>The project, or <see langword="null"/>.</returns>
    public ProjectIndex? FindProject(string projectId) => _projects.GetValueOrDefault(projectId);

    /// <summary>Removes a project; call under the write lock.</summary>
    /// <param name="projectId">The project.</param>
    public void RemoveProject(string projectId) => _projects.Remove(projectId);

    /// <summary>Appends an entry to its partition when that partition is loaded (or the project is complete); call under the write lock.</summary>
    /// <param name="project">The project.</param>
    /// <param name="entry">The entry.</param>
    /// <param name="dimensions">The vector length of new partitions.</param>
    public static void AddEntry(ProjectIndex project, MemoryIndexEntry entry, int dimensions)
    {
        ArgumentNullException.ThrowIfNull(project);
        ArgumentNullException.ThrowIfNull(entry);
        var key = Key(entry.UserId);
        if (!project.Partitions.TryGetValue(key, out var partition))
        {
            if (!project.Complete)
            {
                return;
            }

            partition = new MemoryIndexPartition(entry.UserId, dimensions);
            project.Partitions[key] = partition;
        }
        else if (dimensions > 0 && partition.Dimensions != dimensions)
        {
            // Loaded before any vector was stored (or under another embedder): read it again with the new dimension.
            Unload(project, entry.UserId);
            return;
        }

        var slot = partition.Append(entry);
        project.Locations[entry.Id] = new Location(partition, slot);
    }

    /// <summary>Removes an entry if it is loaded; call under the write lock.</summary>
    /// <param name="project">The project.</param>
    /// <param name="id">The memory id.</param>
    /// <returns>The removed entry, or <see langword="null"/> when it was not loaded.</returns>
    public static MemoryIndexEntry? RemoveEntry(ProjectIndex project, string id)
    {
        ArgumentNullException.ThrowIfNull(project);
        if (!project.Locations.Remove(id, out var location))
        {
            return null;
        }

        var entry = location.Partition.Read(location.Slot);
        location.Partition.Kill(location.Slot);
        if (location.Partition.NeedsCompaction)
        {
            Compact(project, location.Partition);
        }

        return entry;
    }

    /// <summary>Marks an entry superseded if it is loaded; call under the write lock.</summary>
    /// <param name="project">The project.</param>
    /// <param name="id">The memory id.</param>
    public static void SupersedeEntry(ProjectIndex project, string id)
    {
        ArgumentNullException.ThrowIfNull(project);
        if (project.Locations.TryGetValue(id, out var location))
        {
            location.Partition.Supersede(location.Slot);
        }
    }

    /// <summary>Gets a value indicating whether the partition of <paramref name="userId"/> is in memory; call under a lock.</summary>
    /// <param name="project">The project.</param>
    /// <param name="userId">The <c>user_id</c>.</param>
    /// <returns><see langword="true"/> when loaded or when the project is complete.</returns>
    public static bool IsLoaded(ProjectIndex project, string? userId)
    {
        ArgumentNullException.ThrowIfNull(project);
        return project.Complete || project.Partitions.ContainsKey(Key(userId));
    }

    /// <summary>Forgets the partition of a <c>user_id</c> so that the next search reloads it; call under the write lock.</summary>
    /// <param name="project">The project.</param>
    /// <param name="userId">The <c>user_id</c>.</param>
    public static void Unload(ProjectIndex project, string? userId)
    {
        ArgumentNullException.ThrowIfNull(project);
        if (project.Partitions.Remove(Key(userId), out var partition))
        {
            ForgetLocations(project, partition);
        }

        project.Complete = false;
    }

    /// <summary>Gets the id of a term, adding it.</summary>
    /// <param name="term">The term.</param>
    /// <returns>The id.</returns>
    public int TermId(ReadOnlySpan<char> term)
    {
        if (_termLookup.TryGetValue(term, out var id))
        {
            return id;
        }

        var text = term.ToString();
        return _terms.GetOrAdd(text, _ => Interlocked.Increment(ref _nextTerm));
    }

    /// <summary>Finds the id of a term without adding it.</summary>
    /// <param name="term">The term.</param>
    /// <returns>The id, or -1 when no loaded memory has the term.</returns>
    public int FindTerm(string term) => _terms.TryGetValue(term, out var id) ? id : -1;

    /// <summary>Gets the id of an entity key, adding it.</summary>
    /// <param name="key">The entity key.</param>
    /// <returns>The id.</returns>
    public int EntityId(string key) => _entities.GetOrAdd(key, _ => Interlocked.Increment(ref _nextEntity));

    /// <summary>Finds the id of an entity key without adding it.</summary>
    /// <param name="key">The entity key.</param>
    /// <returns>The id, or -1.</returns>
    public int FindEntity(string key) => _entities.TryGetValue(key, out var id) ? id : -1;

    /// <summary>Gets the cached number of FTS rows holding a term; call under a lock.</summary>
    /// <param name="termId">The term id.</param>
    /// <param name="count">The count.</param>
    /// <returns><see langword="true"/> when cached.</returns>
    public bool TryGetDocumentFrequency(int termId, out long count)
    {
        lock (_documentFrequencies)
        {
            return _documentFrequencies.TryGetValue(termId, out count);
        }
    }

    /// <summary>Caches document frequencies read at <paramref name="generation"/>, unless the index moved on.</summary>
    /// <param name="generation">The generation the counts were read at.</param>
    /// <param name="counts">Term id → number of rows.</param>
    public void CacheDocumentFrequencies(long generation, IReadOnlyDictionary<int, long> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        _lock.EnterReadLock();
        try
        {
            if (generation != Generation || PendingGeneration != -1)
            {
                return;
            }

            lock (_documentFrequencies)
            {
                foreach (var (term, count) in counts)
                {
                    _documentFrequencies[term] = count;
                }
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Gets a value indicating whether any document frequency is cached.</summary>
    public bool HasDocumentFrequencies
    {
        get
        {
            lock (_documentFrequencies)
            {
                return _documentFrequencies.Count > 0;
            }
        }
    }

    /// <summary>Adjusts cached document frequencies for a document added (+1) or removed (-1); call under the write lock.</summary>
    /// <param name="termIds">The document's distinct term ids.</param>
    /// <param name="delta">+1 or -1.</param>
    public void AdjustDocumentFrequencies(ReadOnlySpan<int> termIds, int delta)
    {
        lock (_documentFrequencies)
        {
            foreach (var term in termIds)
            {
                ref var count = ref CollectionsMarshal.GetValueRefOrNullRef(_documentFrequencies, term);
                if (!System.Runtime.CompilerServices.Unsafe.IsNullRef(ref count))
                {
                    count += delta;
                }
            }
        }
    }

    /// <summary>Forgets every cached document frequency; call under the write lock.</summary>
    public void ClearDocumentFrequencies()
    {
        lock (_documentFrequencies)
        {
            _documentFrequencies.Clear();
        }
    }

    /// <summary>Counts the vectors held and estimates the memory used.</summary>
    /// <returns>Vectors and bytes.</returns>
    public (long Vectors, long Bytes) Measure() => Read(index =>
    {
        long vectors = 0, bytes = 0;
        foreach (var project in index._projects.Values)
        {
            foreach (var partition in project.Partitions.Values)
            {
                vectors += partition.LiveVectors;
                bytes += partition.EstimateBytes();
            }

            bytes += project.Locations.Count * 48L;
        }

        return (vectors, bytes);
    });

    /// <inheritdoc/>
    public void Dispose() => _lock.Dispose();

    /// <summary>The dictionary key of a <c>user_id</c> (null has its own key).</summary>
    /// <param name="userId">The <c>user_id</c>.</param>
    /// <returns>The key.</returns>
    public static string Key(string? userId) => userId ?? "\0";

    private static void Compact(ProjectIndex project, MemoryIndexPartition partition)
    {
        var compacted = partition.Compact();
        project.Partitions[Key(partition.UserId)] = compacted;
        for (var slot = 0; slot < compacted.Count; slot++)
        {
            project.Locations[compacted.Ids[slot]] = new Location(compacted, slot);
        }
    }

    private static void ForgetLocations(ProjectIndex project, MemoryIndexPartition partition)
    {
        for (var slot = 0; slot < partition.Count; slot++)
        {
            if (partition.Alive[slot] && project.Locations.TryGetValue(partition.Ids[slot], out var location) && location.Partition == partition)
            {
                project.Locations.Remove(partition.Ids[slot]);
            }
        }
    }

    private void ClearLocked()
    {
        _projects.Clear();
        Totals = null;
        Embedder = null;
        ClearDocumentFrequencies();
    }

    /// <summary>The loaded partitions of one project.</summary>
    internal sealed class ProjectIndex
    {
        /// <summary>Gets the partitions by <see cref="Key"/>.</summary>
        public Dictionary<string, MemoryIndexPartition> Partitions { get; } = new(StringComparer.Ordinal);

        /// <summary>Gets where each loaded memory lives.</summary>
        public Dictionary<string, Location> Locations { get; } = new(StringComparer.Ordinal);

        /// <summary>Gets or sets a value indicating whether every partition of the project is loaded.</summary>
        public bool Complete { get; set; }
    }

    /// <summary>A memory's partition and slot.</summary>
    /// <param name="Partition">The partition.</param>
    /// <param name="Slot">The slot.</param>
    internal readonly record struct Location(MemoryIndexPartition Partition, int Slot);
}
