using System.Buffers;
using System.Globalization;
using System.Numerics.Tensors;
using Microsoft.Data.Sqlite;

namespace Engram.Sqlite;

/// <content>
/// Searches answered from the in-memory index with the SQL paths' results: vectors (int8 and sign codes pick
/// candidates, the stored float32 vectors score them exactly), BM25 (FTS5's formula and statistics) and entity links.
/// </content>
public sealed partial class SqliteMemoryStore
{
    /// <summary>The vector search from the index: int8 (and, for large scans, sign) codes pick candidates, SQLite's float32 vectors score them exactly.</summary>
    private async Task<IReadOnlyList<ScoredMemoryId>?> SearchVectorsIndexedAsync(
        MemoryQuery query, MemoryIndexFilter filter, ReadOnlyMemory<float> vector, EmbeddingModel model, int limit, CancellationToken cancellationToken)
    {
        var dimensions = vector.Length;
        var queryCodes = new sbyte[dimensions];
        var queryScale = QuantizedVectors.QuantizeInt8(vector.Span, queryCodes);
        var querySigns = new ulong[QuantizedVectors.SignWords(dimensions)];
        QuantizedVectors.Signs(vector.Span, querySigns);
        var want = RescoreCount(limit);
        long scanned = 0, bytes = 0;
        using var session = RentSession();
        var candidates = await SearchIndexAsync(session, query, filter, (index, partitions) =>
        {
            if (index.Embedder is not { } stored)
            {
                return new CandidateSet([], NoEmbedder: true);
            }

            if (!string.Equals(stored.Id, model.Id, StringComparison.Ordinal) || stored.Dimensions != model.Dimensions)
            {
                throw new EmbeddingMismatchException(stored.Id, stored.Dimensions, model.Id, model.Dimensions);
            }

            var selected = SelectVectorCandidates(partitions, filter, queryCodes, queryScale, querySigns, want, SignScanThreshold, SignShortlistMinimum, out scanned, out bytes);
            return new CandidateSet(selected, NoEmbedder: false);
        }, cancellationToken).ConfigureAwait(false);

        if (candidates is null)
        {
            return null;
        }

        Interlocked.Increment(ref _vectorSearches);
        Interlocked.Add(ref _vectorsScanned, scanned);
        if (candidates.NoEmbedder || candidates.Items.Count == 0)
        {
            Interlocked.Add(ref _vectorBytesScanned, bytes);
            return [];
        }

        Interlocked.Add(ref _vectorsRescored, candidates.Items.Count);
        Interlocked.Add(ref _vectorBytesScanned, bytes + (long)candidates.Items.Count * dimensions * sizeof(float));
        return await RescoreAsync(session, query.ProjectId, candidates.Items, vector, model, limit, cancellationToken).ConfigureAwait(false);
    }

    // Above this many candidate vectors, the scan is split across the cores.
    private const int ParallelScanThreshold = 50_000;

    // How many int8 candidates are re-scored exactly: int8 rounding moves scores by about 1e-3, far less than the gap
    // between the limit-th hit and the candidates beyond this margin.
    private static int RescoreCount(int limit) => limit + Math.Max(16, limit / 2);

    private static List<(long Seq, string Id)> SelectVectorCandidates(
        List<MemoryIndexPartition> partitions, MemoryIndexFilter filter, sbyte[] queryCodes, float queryScale, ulong[] querySigns, int want, int signThreshold, int shortlistMinimum, out long scanned, out long bytes)
    {
        var total = 0L;
        foreach (var partition in partitions)
        {
            total += partition.LiveVectors;
        }

        var dimensions = queryCodes.Length;
        var workers = total >= ParallelScanThreshold ? Math.Min(Environment.ProcessorCount, partitions.Count) : 1;
        PriorityQueue<(MemoryIndexPartition Partition, int Slot), (float Score, string Id)> best;
        if (total > signThreshold)
        {
            // Stage 1: the Hamming distance of the sign codes; a histogram of the distances gives the cut-off that keeps at
            // least `shortlist` candidates (no heap: distances are small integers with many ties). Stage 2 ranks the
            // shortlist with the int8 codes.
            var shortlist = Math.Max(want * 64, shortlistMinimum);
            var (near, signScanned) = SignShortlist(partitions, filter, querySigns, shortlist, workers);
            best = new PriorityQueue<(MemoryIndexPartition, int), (float, string)>(want + 1, ApproximateOrder.Instance);
            foreach (var (partition, slot) in near)
            {
                var dot = QuantizedVectors.DotInt8(queryCodes, partition.Codes.AsSpan(slot * dimensions, dimensions));
                Offer(best, (partition, slot), (dot * partition.Scales[slot] * queryScale, partition.Ids[slot]), want);
            }

            scanned = signScanned;
            bytes = (signScanned * querySigns.Length * sizeof(ulong)) + ((long)near.Count * dimensions);
        }
        else
        {
            var heaps = new PriorityQueue<(MemoryIndexPartition Partition, int Slot), (float Score, string Id)>[workers];
            var counts = new long[workers];
            Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, worker =>
            {
                var heap = new PriorityQueue<(MemoryIndexPartition, int), (float, string)>(want + 1, ApproximateOrder.Instance);
                for (var p = worker; p < partitions.Count; p += workers)
                {
                    var partition = partitions[p];
                    var codes = partition.Codes;
                    var all = filter.MatchesAll(partition);
                    for (var slot = 0; slot < partition.Count; slot++)
                    {
                        if (!partition.Alive[slot] || !partition.HasVector[slot] || !(all || filter.Matches(partition, slot)))
                        {
                            continue;
                        }

                        counts[worker]++;
                        var score = QuantizedVectors.DotInt8(queryCodes, codes.AsSpan(slot * dimensions, dimensions)) * partition.Scales[slot] * queryScale;
                        if (heap.Count < want || (heap.TryPeek(out _, out var worst) && score >= worst.Item1))
                        {
                            Offer(heap, (partition, slot), (score, partition.Ids[slot]), want);
                        }
                    }
                }

                heaps[worker] = heap;
            });

            best = heaps[0];
            for (var w = 1; w < workers; w++)
            {
                foreach (var (item, priority) in heaps[w].UnorderedItems)
                {
                    Offer(best, item, priority, want);
                }
            }

            scanned = counts.Sum();
            bytes = scanned * dimensions;
        }

        var result = new List<(long, string)>(best.Count);
        foreach (var ((partition, slot), _) in best.UnorderedItems)
        {
            result.Add((partition.Seqs[slot], partition.Ids[slot]));
        }

        return result;
    }

    private static (List<(MemoryIndexPartition Partition, int Slot)> Near, long Scanned) SignShortlist(
        List<MemoryIndexPartition> partitions, MemoryIndexFilter filter, ulong[] querySigns, int shortlist, int workers)
    {
        var words = querySigns.Length;
        var bits = words * 64;
        var starts = new int[partitions.Count + 1];
        for (var p = 0; p < partitions.Count; p++)
        {
            starts[p + 1] = starts[p] + partitions[p].Count;
        }

        // One distance per slot (ushort.MaxValue: not a candidate) and a histogram of the candidates' distances per worker.
        var distances = ArrayPool<ushort>.Shared.Rent(Math.Max(1, starts[^1]));
        var histograms = new long[workers][];
        try
        {
            Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, worker =>
            {
                var histogram = new long[bits + 1];
                for (var p = worker; p < partitions.Count; p += workers)
                {
                    var partition = partitions[p];
                    var signs = partition.Signs;
                    var offset = starts[p];
                    var all = filter.MatchesAll(partition);
                    for (var slot = 0; slot < partition.Count; slot++)
                    {
                        if (!partition.Alive[slot] || !partition.HasVector[slot] || !(all || filter.Matches(partition, slot)))
                        {
                            distances[offset + slot] = ushort.MaxValue;
                            continue;
                        }

                        var distance = QuantizedVectors.Hamming(querySigns, signs.AsSpan(slot * words, words));
                        distances[offset + slot] = (ushort)distance;
                        histogram[distance]++;
                    }
                }

                histograms[worker] = histogram;
            });

            var scanned = 0L;
            var cutoff = bits;
            var kept = 0L;
            for (var d = 0; d <= bits; d++)
            {
                var count = histograms.Sum(h => h[d]);
                scanned += count;
                if (kept < shortlist)
                {
                    kept += count;
                    cutoff = d;
                }
            }

            var near = new List<(MemoryIndexPartition, int)>((int)Math.Min(kept, int.MaxValue));
            for (var p = 0; p < partitions.Count; p++)
            {
                var offset = starts[p];
                for (var slot = 0; slot < partitions[p].Count; slot++)
                {
                    if (distances[offset + slot] <= cutoff)
                    {
                        near.Add((partitions[p], slot));
                    }
                }
            }

            return (near, scanned);
        }
        finally
        {
            ArrayPool<ushort>.Shared.Return(distances);
        }
    }

    private static void Offer<T>(PriorityQueue<T, (float Score, string Id)> heap, T item, (float Score, string Id) priority, int capacity)
    {
        if (heap.Count < capacity)
        {
            heap.Enqueue(item, priority);
        }
        else if (heap.TryPeek(out _, out var worst) && ApproximateOrder.Instance.Compare(priority, worst) > 0)
        {
            heap.DequeueEnqueue(item, priority);
        }
    }

    private static async Task<IReadOnlyList<ScoredMemoryId>> RescoreAsync(
        IndexSession session, string projectId, List<(long Seq, string Id)> candidates, ReadOnlyMemory<float> vector, EmbeddingModel model, int limit, CancellationToken cancellationToken)
    {
        var ids = new Dictionary<long, string>(candidates.Count);
        foreach (var (seq, id) in candidates)
        {
            ids[seq] = id;
        }

        var dimensions = vector.Length;
        var floats = ArrayPool<float>.Shared.Rent(dimensions);
        try
        {
            var command = session.Rescore;
            command.Parameters[0].Value = "[" + string.Join(',', ids.Keys.Select(s => s.ToString(CultureInfo.InvariantCulture))) + "]";
            command.Parameters[1].Value = projectId;
            command.Parameters[2].Value = model.Dimensions;
            var heap = new PriorityQueue<ScoredMemoryId, ScoredMemoryId>(limit + 1, HitComparer.WorstFirst);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var blob = ReadBlob(reader, 1);
                    if (blob.Length != dimensions * sizeof(float) || !ids.TryGetValue(reader.GetInt64(0), out var id))
                    {
                        continue;
                    }

                    SqliteValues.FromBlob(blob, floats.AsSpan(0, dimensions));
                    var hit = new ScoredMemoryId(id, TensorPrimitives.Dot(vector.Span, floats.AsSpan(0, dimensions)));
                    if (heap.Count < limit)
                    {
                        heap.Enqueue(hit, hit);
                    }
                    else if (HitComparer.WorstFirst.Compare(hit, heap.Peek()) > 0)
                    {
                        heap.DequeueEnqueue(hit, hit);
                    }
                }
            }

            var result = new List<ScoredMemoryId>(heap.Count);
            while (heap.Count > 0)
            {
                result.Add(heap.Dequeue());
            }

            result.Reverse();
            return result;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(floats);
        }
    }

    // GetFieldValue<byte[]> copies the value; GetBytes would open an incremental blob handle per call, which is far slower.
    private static byte[] ReadBlob(SqliteDataReader reader, int ordinal) => reader.GetFieldValue<byte[]>(ordinal);

    /// <summary>BM25 from the index, computed as FTS5's <c>bm25()</c> does (same totals, document frequencies and formula).</summary>
    private async Task<IReadOnlyList<ScoredMemoryId>?> SearchKeywordsIndexedAsync(
        MemoryQuery query, MemoryIndexFilter filter, IReadOnlyList<string> phrases, int limit, CancellationToken cancellationToken)
    {
        var index = _index!;

        // Each phrase must be one ASCII token, as the engine's analyzed terms are; anything else is left to FTS5.
        var tokens = new List<string>(phrases.Count);
        foreach (var phrase in phrases)
        {
            var token = SingleToken(phrase);
            if (token is null)
            {
                return null;
            }

            tokens.Add(token);
        }

        // Load the partitions first: a term id exists once some loaded memory has the term.
        using var session = RentSession();
        if (await SearchIndexAsync(session, query, filter, (_, partitions) => partitions.Exists(p => p.HasInexactText) ? null : partitions, cancellationToken).ConfigureAwait(false) is null)
        {
            return null;
        }

        var termIds = tokens.Select(index.FindTerm).ToArray();
        var frequencies = await GetDocumentFrequenciesAsync(session, tokens, termIds, cancellationToken).ConfigureAwait(false);
        return await SearchIndexAsync(session, query, filter, (i, partitions) =>
        {
            if (i.Totals is not { } totals || partitions.Exists(p => p.HasInexactText))
            {
                return null;
            }

            return ScoreBm25(partitions, filter, termIds, frequencies, totals, limit);
        }, cancellationToken).ConfigureAwait(false);
    }

    private static string? SingleToken(string phrase)
    {
        string? token = null;
        var i = 0;
        while (i < phrase.Length)
        {
            var c = phrase[i];
            if (c >= '\u0080')
            {
                return null;
            }

            if (!char.IsAsciiLetterOrDigit(c))
            {
                i++;
                continue;
            }

            var start = i;
            while (i < phrase.Length && char.IsAsciiLetterOrDigit(phrase[i]))
            {
                i++;
            }

            if (token is not null)
            {
                return null;
            }

            token = phrase[start..i].ToLowerInvariant();
        }

        return token;
    }

    private async Task<long[]> GetDocumentFrequenciesAsync(IndexSession session, List<string> tokens, int[] termIds, CancellationToken cancellationToken)
    {
        var index = _index!;
        var result = new long[tokens.Count];
        var missing = new List<int>();
        for (var i = 0; i < tokens.Count; i++)
        {
            if (termIds[i] < 0)
            {
                continue;
            }

            if (index.TryGetDocumentFrequency(termIds[i], out var count))
            {
                result[i] = count;
            }
            else
            {
                missing.Add(i);
            }
        }

        if (missing.Count == 0)
        {
            return result;
        }

        // One read transaction: the counts and the generation they are cached under come from the same snapshot.
        using var transaction = session.Connection.BeginTransaction(deferred: true);
        var generation = ReadGeneration(session.Connection, transaction);
        var command = session.DocumentFrequency;
        command.Transaction = transaction;
        var counts = new Dictionary<int, long>();
        foreach (var i in missing)
        {
            command.Parameters[0].Value = "\"" + tokens[i] + "\"";
            result[i] = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            counts[termIds[i]] = result[i];
        }

        command.Transaction = null;
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        index.CacheDocumentFrequencies(generation, counts);
        return result;
    }

    private static List<ScoredMemoryId> ScoreBm25(
        List<MemoryIndexPartition> partitions, MemoryIndexFilter filter, int[] termIds, long[] frequencies, (long Rows, long Tokens) totals, int limit)
    {
        var (rows, tokens) = totals;
        var averageLength = (double)tokens / (double)rows;
        var idf = new double[termIds.Length];
        for (var i = 0; i < idf.Length; i++)
        {
            var value = Math.Log((rows - frequencies[i] + 0.5) / (frequencies[i] + 0.5));
            idf[i] = value <= 0.0 ? 1e-6 : value;
        }

        // Candidates are kept as (partition, slot) and compared by (score, id); a hit object is made only for the results.
        // Over many partitions (a project-wide search) the partitions are split across the cores, each with its own heap.
        var total = 0L;
        foreach (var partition in partitions)
        {
            total += partition.Count;
        }

        var workers = total >= ParallelScanThreshold ? Math.Min(Environment.ProcessorCount, partitions.Count) : 1;
        var heaps = new PriorityQueue<(MemoryIndexPartition Partition, int Slot), (double Score, string Id)>[workers];
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, worker =>
        {
            heaps[worker] = ScoreBm25Partitions(partitions, worker, workers, filter, termIds, idf, averageLength, limit);
        });

        var heap = heaps[0];
        for (var w = 1; w < workers; w++)
        {
            foreach (var (item, priority) in heaps[w].UnorderedItems)
            {
                if (heap.Count < limit)
                {
                    heap.Enqueue(item, priority);
                }
                else if (heap.TryPeek(out _, out var worst) && KeywordCandidateOrder.Instance.Compare(priority, worst) > 0)
                {
                    heap.DequeueEnqueue(item, priority);
                }
            }
        }

        var result = new List<ScoredMemoryId>(heap.Count);
        while (heap.TryDequeue(out _, out var hit))
        {
            result.Add(new ScoredMemoryId(hit.Id, Math.Max(0, hit.Score)));
        }

        result.Reverse();
        return result;
    }

    // Scores the partitions worker, worker + workers, ... into a heap of the best `limit` (score, id).
    private static PriorityQueue<(MemoryIndexPartition Partition, int Slot), (double Score, string Id)> ScoreBm25Partitions(
        List<MemoryIndexPartition> partitions, int worker, int workers, MemoryIndexFilter filter, int[] termIds, double[] idf, double averageLength, int limit)
    {
        var heap = new PriorityQueue<(MemoryIndexPartition Partition, int Slot), (double Score, string Id)>(limit + 1, KeywordCandidateOrder.Instance);
        var scores = ArrayPool<double>.Shared.Rent(64);
        var norms = ArrayPool<double>.Shared.Rent(64);
        var states = ArrayPool<byte>.Shared.Rent(64);
        Array.Clear(scores);
        Array.Clear(states);
        var visited = new List<int>();
        try
        {
            for (var index = worker; index < partitions.Count; index += workers)
            {
                var partition = partitions[index];
                if (scores.Length < partition.Count)
                {
                    ArrayPool<double>.Shared.Return(scores);
                    ArrayPool<double>.Shared.Return(norms);
                    ArrayPool<byte>.Shared.Return(states);
                    scores = ArrayPool<double>.Shared.Rent(partition.Count);
                    norms = ArrayPool<double>.Shared.Rent(partition.Count);
                    states = ArrayPool<byte>.Shared.Rent(partition.Count);
                    Array.Clear(scores);
                    Array.Clear(states);
                }

                // Per slot: 0 = not seen yet, 1 = matches the filter, 2 = does not. Only visited slots are reset afterwards.
                var inverted = partition.GetInverted();
                var all = filter.MatchesAll(partition);
                for (var i = 0; i < termIds.Length; i++)
                {
                    if (termIds[i] < 0 || !inverted.TryGetTerm(termIds[i], out var start, out var end))
                    {
                        continue;
                    }

                    for (var p = start; p < end; p++)
                    {
                        var slot = inverted.TermSlots[p];
                        var state = states[slot];
                        if (state == 0)
                        {
                            visited.Add(slot);
                            state = all || filter.Matches(partition, slot) ? (byte)1 : (byte)2;
                            states[slot] = state;
                            if (state == 1)
                            {
                                // The length part of FTS5's denominator, computed as it does, once per document.
                                double d = partition.DocumentLengths[slot];
                                norms[slot] = Bm25K1 * (1 - Bm25B + Bm25B * d / averageLength);
                            }
                        }

                        if (state == 2)
                        {
                            continue;
                        }

                        // The expression and its evaluation order are those of FTS5's fts5Bm25Function, so scores are identical.
                        double f = inverted.TermFrequencies[p];
                        scores[slot] += idf[i] * ((f * (Bm25K1 + 1.0)) / (f + norms[slot]));
                    }
                }

                foreach (var slot in visited)
                {
                    if (states[slot] == 1)
                    {
                        var priority = (scores[slot], partition.Ids[slot]);
                        if (heap.Count < limit)
                        {
                            heap.Enqueue((partition, slot), priority);
                        }
                        else if (heap.TryPeek(out _, out var worst) && KeywordCandidateOrder.Instance.Compare(priority, worst) > 0)
                        {
                            heap.DequeueEnqueue((partition, slot), priority);
                        }
                    }

                    scores[slot] = 0;
                    states[slot] = 0;
                }

                visited.Clear();
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(scores);
            ArrayPool<double>.Shared.Return(norms);
            ArrayPool<byte>.Shared.Return(states);
        }

        return heap;
    }

    /// <summary>Entity links from the index, in the SQL path's order (rarest entity first, then newest memory).</summary>
    private async Task<IReadOnlyList<EntityLink>?> FindEntityLinksIndexedAsync(
        MemoryQuery query, MemoryIndexFilter filter, List<string> keys, int limit, CancellationToken cancellationToken)
    {
        var index = _index!;
        using var session = RentSession();
        return await SearchIndexAsync(session, query, filter, (_, partitions) =>
        {
            // The SQL orders (memory, entity) rows by the entity's link count, its key, then newest memory first, then id:
            // a first pass counts each entity's matching memories, a second takes, entity by entity in that order, only the
            // newest rows still needed.
            var entityIds = keys.Select(index.FindEntity).ToArray();
            var counts = new int[keys.Count];
            for (var k = 0; k < keys.Count; k++)
            {
                ForEachMatch(partitions, filter, entityIds[k], (_, _) => counts[k]++);
            }

            var order = Enumerable.Range(0, keys.Count)
                .Where(k => counts[k] > 0)
                .OrderBy(k => counts[k])
                .ThenBy(k => keys[k], KeywordOrder.Binary)
                .ToList();
            var links = new List<EntityLink>(limit);
            foreach (var k in order)
            {
                var need = limit - links.Count;
                if (need <= 0)
                {
                    break;
                }

                var heap = new PriorityQueue<(string MemoryId, long Created), (string MemoryId, long Created)>(
                    need + 1, Comparer<(string MemoryId, long Created)>.Create((a, b) => NewestFirst(b, a)));
                ForEachMatch(partitions, filter, entityIds[k], (partition, slot) =>
                {
                    var row = (partition.Ids[slot], partition.CreatedTicks[slot]);
                    if (heap.Count < need)
                    {
                        heap.Enqueue(row, row);
                    }
                    else if (NewestFirst(row, heap.Peek()) < 0)
                    {
                        heap.DequeueEnqueue(row, row);
                    }
                });
                var newest = heap.UnorderedItems.Select(x => x.Element).ToList();
                newest.Sort(NewestFirst);
                links.AddRange(newest.Select(r => new EntityLink(r.MemoryId, keys[k], counts[k])));
            }

            return links;
        }, cancellationToken).ConfigureAwait(false);
    }

    private static int NewestFirst((string MemoryId, long Created) a, (string MemoryId, long Created) b)
    {
        var byCreated = b.Created.CompareTo(a.Created);
        return byCreated != 0 ? byCreated : KeywordOrder.CompareBinary(a.MemoryId, b.MemoryId);
    }

    private static void ForEachMatch(List<MemoryIndexPartition> partitions, MemoryIndexFilter filter, int entityId, Action<MemoryIndexPartition, int> action)
    {
        if (entityId < 0)
        {
            return;
        }

        foreach (var partition in partitions)
        {
            var inverted = partition.GetInverted();
            if (!inverted.TryGetEntity(entityId, out var start, out var end))
            {
                continue;
            }

            var all = filter.MatchesAll(partition);
            for (var p = start; p < end; p++)
            {
                var slot = inverted.EntitySlots[p];
                if (all || filter.Matches(partition, slot))
                {
                    action(partition, slot);
                }
            }
        }
    }

    /// <summary>
    /// Orders approximate vector candidates worst first: lower score, then the greater id, as <see cref="HitComparer"/>
    /// orders exact hits, so that among identical vectors (equal codes) the ones the exact scan keeps are kept.
    /// </summary>
    private sealed class ApproximateOrder : IComparer<(float Score, string Id)>
    {
        public static readonly ApproximateOrder Instance = new();

        public int Compare((float Score, string Id) x, (float Score, string Id) y)
        {
            var byScore = x.Score.CompareTo(y.Score);
            return byScore != 0 ? byScore : string.CompareOrdinal(y.Id, x.Id);
        }
    }

    /// <summary>Orders keyword candidates worst first as SQLite's <c>ORDER BY score DESC, m.id</c> does.</summary>
    private sealed class KeywordCandidateOrder : IComparer<(double Score, string Id)>
    {
        public static readonly KeywordCandidateOrder Instance = new();

        public int Compare((double Score, string Id) x, (double Score, string Id) y)
        {
            var byScore = x.Score.CompareTo(y.Score);
            return byScore != 0 ? byScore : KeywordOrder.CompareBinary(y.Id, x.Id);
        }
    }

    /// <summary>SQLite's BINARY collation (UTF-8 byte order) for strings.</summary>
    private static class KeywordOrder
    {
        /// <summary>Gets SQLite's BINARY collation as a string comparer.</summary>
        public static IComparer<string> Binary { get; } = Comparer<string>.Create(CompareBinary);

        /// <summary>Compares as SQLite's BINARY collation: by code point (UTF-16 ordinal differs only around surrogates).</summary>
        public static int CompareBinary(string a, string b)
        {
            var length = Math.Min(a.Length, b.Length);
            for (var i = 0; i < length; i++)
            {
                var x = a[i];
                var y = b[i];
                if (x == y)
                {
                    continue;
                }

                if (char.IsSurrogate(x) != char.IsSurrogate(y))
                {
                    return char.IsSurrogate(x) ? 1 : -1;
                }

                return x.CompareTo(y);
            }

            return a.Length.CompareTo(b.Length);
        }
    }

    private sealed record CandidateSet(List<(long Seq, string Id)> Items, bool NoEmbedder);
}
