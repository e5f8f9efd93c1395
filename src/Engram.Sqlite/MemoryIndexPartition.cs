namespace Engram.Sqlite;

/// <summary>
/// The memories of one (project, <c>user_id</c>) pair held in memory: the columns retrieval filters on, the int8 and
/// sign codes of the vectors, the BM25 term counts of the lexical text and the entity links, in parallel arrays
/// indexed by slot.
/// </summary>
/// <remarks>
/// Slots are appended and tombstoned; <see cref="MemoryIndex"/> compacts a partition when too many are dead. Not
/// thread-safe by itself: <see cref="MemoryIndex"/> mutates partitions under its write lock and searches them under its
/// read lock. The inverted lists are built lazily by readers and replaced atomically.
/// </remarks>
internal sealed class MemoryIndexPartition
{
    private const int InitialCapacity = 16;

    private Inverted? _inverted;

    /// <summary>Initializes an empty partition.</summary>
    /// <param name="userId">The partition's <c>user_id</c>, or <see langword="null"/>.</param>
    /// <param name="dimensions">The vector length, or 0 when no embedder is recorded.</param>
    public MemoryIndexPartition(string? userId, int dimensions)
        : this(userId, dimensions, InitialCapacity, InitialCapacity * 16, InitialCapacity * 2)
    {
    }

    private MemoryIndexPartition(string? userId, int dimensions, int capacity, int termCapacity, int entityCapacity)
    {
        UserId = userId;
        Dimensions = dimensions;
        SignWords = dimensions > 0 ? QuantizedVectors.SignWords(dimensions) : 0;
        TermIds = new int[termCapacity];
        TermFrequencies = new ushort[termCapacity];
        EntityIds = new int[entityCapacity];
        Resize(capacity);
        TermOffsets[0] = 0;
        EntityOffsets[0] = 0;
    }

    /// <summary>Builds a partition holding exactly <paramref name="entries"/>, each array allocated once at its final size.</summary>
    /// <param name="userId">The partition's <c>user_id</c>.</param>
    /// <param name="dimensions">The vector length.</param>
    /// <param name="entries">The memories.</param>
    /// <returns>The partition.</returns>
    public static MemoryIndexPartition Build(string? userId, int dimensions, IReadOnlyList<MemoryIndexEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var terms = 0;
        var links = 0;
        foreach (var entry in entries)
        {
            terms += entry.TermIds.Length;
            links += entry.EntityIds.Length;
        }

        var partition = new MemoryIndexPartition(userId, dimensions, Math.Max(1, entries.Count), Math.Max(1, terms), Math.Max(1, links));
        foreach (var entry in entries)
        {
            partition.Append(entry);
        }

        return partition;
    }

    /// <summary>Gets the partition's <c>user_id</c>.</summary>
    public string? UserId { get; }

    /// <summary>Gets the vector length of the codes.</summary>
    public int Dimensions { get; }

    /// <summary>Gets the 64-bit words of one sign code.</summary>
    public int SignWords { get; }

    /// <summary>Gets or sets a value indicating whether some lexical text is not plain ASCII, so BM25 must come from FTS5.</summary>
    public bool HasInexactText { get; set; }

    /// <summary>Gets the number of slots used, live or dead.</summary>
    public int Count { get; private set; }

    /// <summary>Gets the number of live slots.</summary>
    public int Live { get; private set; }

    /// <summary>Gets the number of live slots with a vector.</summary>
    public int LiveVectors { get; private set; }

    /// <summary>Gets the number of slots, live or dead, of superseded memories (a filter on supersession can skip the partition's checks at 0).</summary>
    public int SupersededSlots { get; private set; }

    /// <summary>Gets the number of slots, live or dead, of memories with an expiration date.</summary>
    public int ExpiringSlots { get; private set; }

    /// <summary>Gets the number of slots, live or dead, with an <c>agent_id</c>, <c>app_id</c> or <c>run_id</c>.</summary>
    public int ScopedSlots { get; private set; }

    /// <summary>Gets a counter changed by every mutation, so that derived data can tell it is stale.</summary>
    public int Version { get; private set; }

    /// <summary>Gets the row ids (<c>memories.seq</c>).</summary>
    public long[] Seqs { get; private set; } = [];

    /// <summary>Gets the memory ids.</summary>
    public string[] Ids { get; private set; } = [];

    /// <summary>Gets the <c>agent_id</c> values.</summary>
    public string?[] AgentIds { get; private set; } = [];

    /// <summary>Gets the <c>app_id</c> values.</summary>
    public string?[] AppIds { get; private set; } = [];

    /// <summary>Gets the <c>run_id</c> values.</summary>
    public string?[] RunIds { get; private set; } = [];

    /// <summary>Gets the <c>expiration_date</c> values as stored (<c>yyyy-MM-dd</c>).</summary>
    public string?[] Expirations { get; private set; } = [];

    /// <summary>Gets whether each memory is superseded.</summary>
    public bool[] Superseded { get; private set; } = [];

    /// <summary>Gets whether each slot is live.</summary>
    public bool[] Alive { get; private set; } = [];

    /// <summary>Gets <c>created_at</c> as UTC ticks (the stored text is fixed-width, so both orders agree).</summary>
    public long[] CreatedTicks { get; private set; } = [];

    /// <summary>Gets whether each slot has a vector.</summary>
    public bool[] HasVector { get; private set; } = [];

    /// <summary>Gets the int8 codes, <see cref="Dimensions"/> per slot.</summary>
    public sbyte[] Codes { get; private set; } = [];

    /// <summary>Gets the int8 scales.</summary>
    public float[] Scales { get; private set; } = [];

    /// <summary>Gets the sign codes, <see cref="SignWords"/> per slot.</summary>
    public ulong[] Signs { get; private set; } = [];

    /// <summary>Gets the number of tokens of each lexical text (BM25's document length).</summary>
    public int[] DocumentLengths { get; private set; } = [];

    /// <summary>Gets where each slot's terms start in <see cref="TermIds"/>; slot <c>i</c> ends where <c>i + 1</c> starts.</summary>
    public int[] TermOffsets { get; private set; } = [];

    /// <summary>Gets the distinct term ids of each slot, ascending.</summary>
    public int[] TermIds { get; private set; } = [];

    /// <summary>Gets the frequency of each term in <see cref="TermIds"/> (a text with a term more than 65,535 times is flagged inexact).</summary>
    public ushort[] TermFrequencies { get; private set; } = [];

    /// <summary>Gets where each slot's entities start in <see cref="EntityIds"/>.</summary>
    public int[] EntityOffsets { get; private set; } = [];

    /// <summary>Gets the entity ids linked to each slot.</summary>
    public int[] EntityIds { get; private set; } = [];

    /// <summary>Gets the number of used positions of <see cref="TermIds"/>.</summary>
    public int TermCount => TermOffsets[Count];

    /// <summary>Gets the number of used positions of <see cref="EntityIds"/>.</summary>
    public int EntityCount => EntityOffsets[Count];

    /// <summary>Estimates the managed memory this partition holds.</summary>
    /// <returns>Bytes.</returns>
    public long EstimateBytes()
    {
        long bytes = Seqs.Length * (8L + 8 + 8 * 4 + 1 + 1 + 8 + 1 + 4 + 4 + 4 + 4);
        bytes += Codes.Length + Signs.Length * 8L + TermIds.Length * 6L + EntityIds.Length * 4L;
        for (var i = 0; i < Count; i++)
        {
            if (Alive[i])
            {
                bytes += 22 + Ids[i].Length * 2L;
            }
        }

        if (_inverted is { } inverted)
        {
            bytes += inverted.TermKeys.Length * 8L + inverted.TermSlots.Length * 6L + inverted.EntityKeys.Length * 8L + inverted.EntitySlots.Length * 4L;
        }

        return bytes;
    }

    /// <summary>Appends a memory.</summary>
    /// <param name="entry">The memory.</param>
    /// <returns>Its slot.</returns>
    public int Append(MemoryIndexEntry entry)
    {
        if (Count == Seqs.Length)
        {
            // Grow by a quarter: partitions are trimmed to size after loading, and doubling would waste half on one append.
            Resize(Seqs.Length + (Seqs.Length / 4) + 16);
        }

        var slot = Count;
        Seqs[slot] = entry.Seq;
        Ids[slot] = entry.Id;
        AgentIds[slot] = entry.AgentId;
        AppIds[slot] = entry.AppId;
        RunIds[slot] = entry.RunId;
        Expirations[slot] = entry.Expiration;
        Superseded[slot] = entry.Superseded;
        SupersededSlots += entry.Superseded ? 1 : 0;
        ExpiringSlots += entry.Expiration is null ? 0 : 1;
        ScopedSlots += entry.AgentId is null && entry.AppId is null && entry.RunId is null ? 0 : 1;
        Alive[slot] = true;
        CreatedTicks[slot] = entry.CreatedTicks;
        var hasVector = entry.Codes is not null && Dimensions > 0 && entry.Codes.Length == Dimensions;
        HasVector[slot] = hasVector;
        if (hasVector)
        {
            entry.Codes.AsSpan().CopyTo(Codes.AsSpan(slot * Dimensions, Dimensions));
            Scales[slot] = entry.Scale;
            entry.Signs.AsSpan().CopyTo(Signs.AsSpan(slot * SignWords, SignWords));
            LiveVectors++;
        }

        DocumentLengths[slot] = entry.DocumentLength;
        var terms = TermOffsets[slot];
        EnsureTerms(terms + entry.TermIds.Length);
        entry.TermIds.AsSpan().CopyTo(TermIds.AsSpan(terms));
        for (var i = 0; i < entry.TermFrequencies.Length; i++)
        {
            var frequency = entry.TermFrequencies[i];
            if (frequency > ushort.MaxValue)
            {
                HasInexactText = true;
            }

            TermFrequencies[terms + i] = (ushort)Math.Min(frequency, ushort.MaxValue);
        }

        TermOffsets[slot + 1] = terms + entry.TermIds.Length;
        var entities = EntityOffsets[slot];
        EnsureEntities(entities + entry.EntityIds.Length);
        entry.EntityIds.AsSpan().CopyTo(EntityIds.AsSpan(entities));
        EntityOffsets[slot + 1] = entities + entry.EntityIds.Length;
        Count++;
        Live++;
        Version++;
        return slot;
    }

    /// <summary>Reads a live slot back as an entry (to move or rewrite it).</summary>
    /// <param name="slot">The slot.</param>
    /// <returns>The entry.</returns>
    public MemoryIndexEntry Read(int slot)
    {
        var termStart = TermOffsets[slot];
        var termEnd = TermOffsets[slot + 1];
        var entityStart = EntityOffsets[slot];
        var entityEnd = EntityOffsets[slot + 1];
        return new MemoryIndexEntry
        {
            Seq = Seqs[slot],
            Id = Ids[slot],
            UserId = UserId,
            AgentId = AgentIds[slot],
            AppId = AppIds[slot],
            RunId = RunIds[slot],
            Expiration = Expirations[slot],
            Superseded = Superseded[slot],
            CreatedTicks = CreatedTicks[slot],
            Codes = HasVector[slot] ? Codes.AsSpan(slot * Dimensions, Dimensions).ToArray() : null,
            Scale = HasVector[slot] ? Scales[slot] : 0,
            Signs = HasVector[slot] ? Signs.AsSpan(slot * SignWords, SignWords).ToArray() : null,
            DocumentLength = DocumentLengths[slot],
            TermIds = TermIds.AsSpan(termStart, termEnd - termStart).ToArray(),
            TermFrequencies = [.. TermFrequencies.AsSpan(termStart, termEnd - termStart).ToArray().Select(f => (int)f)],
            EntityIds = EntityIds.AsSpan(entityStart, entityEnd - entityStart).ToArray(),
            HasInexactText = HasInexactText,
        };
    }

    /// <summary>Marks a slot dead.</summary>
    /// <param name="slot">The slot.</param>
    public void Kill(int slot)
    {
        if (!Alive[slot])
        {
            return;
        }

        Alive[slot] = false;
        Live--;
        if (HasVector[slot])
        {
            LiveVectors--;
        }

        Version++;
    }

    /// <summary>Marks a memory superseded.</summary>
    /// <param name="slot">The slot.</param>
    public void Supersede(int slot)
    {
        if (!Superseded[slot])
        {
            Superseded[slot] = true;
            SupersededSlots++;
        }

        Version++;
    }

    /// <summary>Gets a value indicating whether dead slots should be reclaimed.</summary>
    public bool NeedsCompaction => Count - Live > Math.Max(64, Live / 4);

    /// <summary>Builds a copy without dead slots.</summary>
    /// <returns>The compacted partition; slots are renumbered in order.</returns>
    public MemoryIndexPartition Compact()
    {
        var live = new List<MemoryIndexEntry>(Live);
        for (var slot = 0; slot < Count; slot++)
        {
            if (Alive[slot])
            {
                live.Add(Read(slot));
            }
        }

        var copy = Build(UserId, Dimensions, live);
        copy.HasInexactText = HasInexactText;
        return copy;
    }

    /// <summary>Gets the inverted term and entity lists, building them when the partition changed since the last build.</summary>
    /// <returns>The lists for the current <see cref="Version"/>.</returns>
    /// <remarks>Safe under the index's read lock: concurrent builders produce equal lists and the last one is kept.</remarks>
    public Inverted GetInverted()
    {
        var inverted = Volatile.Read(ref _inverted);
        if (inverted is not null && inverted.Version == Version)
        {
            return inverted;
        }

        inverted = Inverted.Build(this);
        Volatile.Write(ref _inverted, inverted);
        return inverted;
    }

    private void Resize(int capacity)
    {
        Seqs = Grow(Seqs, capacity);
        Ids = Grow(Ids, capacity);
        AgentIds = Grow(AgentIds, capacity);
        AppIds = Grow(AppIds, capacity);
        RunIds = Grow(RunIds, capacity);
        Expirations = Grow(Expirations, capacity);
        Superseded = Grow(Superseded, capacity);
        Alive = Grow(Alive, capacity);
        CreatedTicks = Grow(CreatedTicks, capacity);
        HasVector = Grow(HasVector, capacity);
        Codes = Grow(Codes, capacity * Dimensions);
        Scales = Grow(Scales, capacity);
        Signs = Grow(Signs, capacity * SignWords);
        DocumentLengths = Grow(DocumentLengths, capacity);
        TermOffsets = Grow(TermOffsets, capacity + 1);
        EntityOffsets = Grow(EntityOffsets, capacity + 1);
    }

    private void EnsureTerms(int size)
    {
        if (size > TermIds.Length)
        {
            var capacity = Math.Max(size, TermIds.Length + (TermIds.Length / 4) + 64);
            TermIds = Grow(TermIds, capacity);
            TermFrequencies = Grow(TermFrequencies, capacity);
        }
    }

    private void EnsureEntities(int size)
    {
        if (size > EntityIds.Length)
        {
            EntityIds = Grow(EntityIds, Math.Max(size, EntityIds.Length + (EntityIds.Length / 4) + 16));
        }
    }

    private static T[] Grow<T>(T[] array, int capacity)
    {
        if (array.Length >= capacity)
        {
            return array;
        }

        var grown = new T[capacity];
        array.AsSpan().CopyTo(grown);
        return grown;
    }

    /// <summary>Term → slots and entity → slots lists of one version of a partition (compressed sparse rows).</summary>
    internal sealed class Inverted
    {
        private Inverted(int version, int[] termKeys, int[] termStarts, int[] termSlots, ushort[] termFrequencies, int[] entityKeys, int[] entityStarts, int[] entitySlots)
        {
            Version = version;
            TermKeys = termKeys;
            TermStarts = termStarts;
            TermSlots = termSlots;
            TermFrequencies = termFrequencies;
            EntityKeys = entityKeys;
            EntityStarts = entityStarts;
            EntitySlots = entitySlots;
        }

        /// <summary>Gets the partition version the lists were built from.</summary>
        public int Version { get; }

        /// <summary>Gets the distinct term ids, ascending.</summary>
        public int[] TermKeys { get; }

        /// <summary>Gets where each term's postings start (one more entry than <see cref="TermKeys"/>).</summary>
        public int[] TermStarts { get; }

        /// <summary>Gets the slots of the postings (live slots only), ascending per term.</summary>
        public int[] TermSlots { get; }

        /// <summary>Gets the term frequency of each posting.</summary>
        public ushort[] TermFrequencies { get; }

        /// <summary>Gets the distinct entity ids, ascending.</summary>
        public int[] EntityKeys { get; }

        /// <summary>Gets where each entity's slots start.</summary>
        public int[] EntityStarts { get; }

        /// <summary>Gets the slots linked to each entity (live slots only).</summary>
        public int[] EntitySlots { get; }

        /// <summary>Finds the postings of a term.</summary>
        /// <param name="termId">The term id.</param>
        /// <param name="start">The first posting.</param>
        /// <param name="end">One past the last posting.</param>
        /// <returns><see langword="true"/> when the partition has the term.</returns>
        public bool TryGetTerm(int termId, out int start, out int end) => TryGet(TermKeys, TermStarts, termId, out start, out end);

        /// <summary>Finds the slots linked to an entity.</summary>
        /// <param name="entityId">The entity id.</param>
        /// <param name="start">The first position in <see cref="EntitySlots"/>.</param>
        /// <param name="end">One past the last position.</param>
        /// <returns><see langword="true"/> when some slot links to the entity.</returns>
        public bool TryGetEntity(int entityId, out int start, out int end) => TryGet(EntityKeys, EntityStarts, entityId, out start, out end);

        /// <summary>Builds the lists from a partition's forward lists.</summary>
        /// <param name="partition">The partition.</param>
        /// <returns>The lists.</returns>
        public static Inverted Build(MemoryIndexPartition partition)
        {
            var (termKeys, termStarts, termSlots, termValues) = Invert(partition, partition.TermOffsets, partition.TermIds, partition.TermFrequencies);
            var (entityKeys, entityStarts, entitySlots, _) = Invert(partition, partition.EntityOffsets, partition.EntityIds, null);
            return new Inverted(partition.Version, termKeys, termStarts, termSlots, termValues, entityKeys, entityStarts, entitySlots);
        }

        private static bool TryGet(int[] keys, int[] starts, int key, out int start, out int end)
        {
            var index = Array.BinarySearch(keys, key);
            if (index < 0)
            {
                start = end = 0;
                return false;
            }

            start = starts[index];
            end = starts[index + 1];
            return true;
        }

        private static (int[] Keys, int[] Starts, int[] Slots, ushort[] Values) Invert(MemoryIndexPartition partition, int[] offsets, int[] ids, ushort[]? values)
        {
            // Counting sort by id: one pass to count, one to place; slots come out ascending within each id.
            var counts = new Dictionary<int, int>();
            for (var slot = 0; slot < partition.Count; slot++)
            {
                if (!partition.Alive[slot])
                {
                    continue;
                }

                for (var k = offsets[slot]; k < offsets[slot + 1]; k++)
                {
                    counts[ids[k]] = counts.GetValueOrDefault(ids[k]) + 1;
                }
            }

            var keys = counts.Keys.ToArray();
            Array.Sort(keys);
            var starts = new int[keys.Length + 1];
            var position = new Dictionary<int, int>(keys.Length);
            for (var i = 0; i < keys.Length; i++)
            {
                starts[i + 1] = starts[i] + counts[keys[i]];
                position[keys[i]] = starts[i];
            }

            var slots = new int[starts[keys.Length]];
            var placed = values is null ? [] : new ushort[slots.Length];
            for (var slot = 0; slot < partition.Count; slot++)
            {
                if (!partition.Alive[slot])
                {
                    continue;
                }

                for (var k = offsets[slot]; k < offsets[slot + 1]; k++)
                {
                    ref var next = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrNullRef(position, ids[k]);
                    slots[next] = slot;
                    if (values is not null)
                    {
                        placed[next] = values[k];
                    }

                    next++;
                }
            }

            return (keys, starts, slots, placed);
        }
    }
}
