using System.Buffers;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Engram.Sqlite;

/// <content>
/// The in-memory index (<see cref="MemoryIndex"/>): loading partitions, keeping them in sync with the file, and
/// answering vector, BM25 and entity searches from memory with the same results as the SQL paths.
/// </content>
/// <remarks>
/// Consistency: every transaction that changes <c>memories</c> increments the <c>memories_generation</c> row of
/// <c>meta</c> (see <see cref="BumpGenerationAsync"/>). Before each indexed search, a dedicated connection reads
/// <c>PRAGMA data_version</c>; when another connection committed since, it reads the generation, and the index is
/// dropped unless the change was this store's own write (which updated the index itself).
/// </remarks>
public sealed partial class SqliteMemoryStore
{
    private const string GenerationKey = "memories_generation";
    private const double Bm25K1 = 1.2;
    private const double Bm25B = 0.75;

    // Above this many candidate vectors, sign codes (64 bytes at 512 dimensions) pick candidates for the int8 pass.
    private const int DefaultSignScanThreshold = 200_000;
    private const int LoadAttempts = 4;

    private readonly SemaphoreSlim _loadGate = new(1, 1);
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly MemoryIndex? _index;
    private long _vectorsRescored;

    /// <summary>Gets or sets the number of candidate vectors above which sign codes shortlist candidates (tests lower it).</summary>
    internal int SignScanThreshold { get; set; } = DefaultSignScanThreshold;

    /// <summary>Gets or sets the fewest candidates the sign codes keep for the int8 pass (tests lower it).</summary>
    internal int SignShortlistMinimum { get; set; } = 8192;

    /// <summary>
    /// Increments the generation of the file's memories inside a write transaction. Every transaction that inserts,
    /// updates or deletes rows of <c>memories</c> must call it, so that other stores over the file drop their index.
    /// </summary>
    /// <param name="connection">The connection of the open write transaction.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The new generation.</returns>
    internal static async Task<long> BumpGenerationAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            INSERT INTO meta (key, value) VALUES ('{GenerationKey}', '1')
            ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)
            RETURNING value;
            """;
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return long.Parse(Convert.ToString(value, CultureInfo.InvariantCulture)!, CultureInfo.InvariantCulture);
    }

    private async Task<IDisposable> EnterWriteGateAsync(CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new GateRelease(_writeGate);
    }

    /// <summary>Inside a write transaction, before commit: bumps the generation when the batch changes memories.</summary>
    private async Task<long> BeginIndexedCommitAsync(SqliteConnection connection, MemoryWriteBatch batch, CancellationToken cancellationToken)
    {
        if (batch.Inserts.Count == 0 && batch.Updates.Count == 0 && batch.Supersessions.Count == 0 && batch.Deletes.Count == 0 && batch.LexicalAppends.Count == 0
            && batch.LexicalRemovals.Count == 0)
        {
            return -1;
        }

        var generation = await BumpGenerationAsync(connection, cancellationToken).ConfigureAwait(false);
        _index?.BeginCommit(generation);
        return generation;
    }

    private async Task<long> BeginIndexedResetAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var generation = await BumpGenerationAsync(connection, cancellationToken).ConfigureAwait(false);
        _index?.BeginCommit(generation);
        return generation;
    }

    private void AbortIndexedCommit(long generation)
    {
        if (generation >= 0)
        {
            _index?.AbortCommit();
        }
    }

    /// <summary>After commit: applies the batch to the loaded partitions.</summary>
    private void EndIndexedCommit(long generation, MemoryWriteBatch batch, IReadOnlyList<long> insertedSeqs)
    {
        if (generation < 0 || _index is not { } index)
        {
            return;
        }

        // Entries are built outside the write lock; no partition gets loaded while the commit is pending.
        var projectId = batch.ProjectId;
        var loaded = index.Read(i => i.FindProject(projectId) is { } project
            ? batch.Inserts.Concat(batch.Updates).Select(r => r.Item.Scope?.UserId).Distinct().Where(u => MemoryIndex.IsLoaded(project, u)).ToHashSet()
            : []);
        var dimensions = index.Embedder?.Dimensions ?? batch.Inserts.Concat(batch.Updates).FirstOrDefault(r => !r.Embedding.IsEmpty)?.Embedding.Length ?? 0;
        var inserts = new List<MemoryIndexEntry?>(batch.Inserts.Count);
        for (var i = 0; i < batch.Inserts.Count; i++)
        {
            var record = batch.Inserts[i];
            inserts.Add(loaded.Contains(record.Item.Scope?.UserId) && i < insertedSeqs.Count ? CreateEntry(index, record, insertedSeqs[i], dimensions) : null);
        }

        // Cached document frequencies count every FTS row; keep them right for inserts into partitions not in memory too.
        // (Nothing is cached while this commit is pending, so checking now is enough.)
        var insertedTerms = index.HasDocumentFrequencies ? batch.Inserts.Select(r => Tokens(index, r.LexicalText)).ToList() : [];
        index.EndCommit(generation, i => Apply(i, batch, inserts, insertedTerms, dimensions));
    }

    private void DisposeIndex()
    {
        while (_sessions.TryTake(out var session))
        {
            session.Dispose();
        }

        _index?.Dispose();
    }

    private void EndIndexedReset(long generation, string projectId)
    {
        if (generation < 0 || _index is not { } index)
        {
            return;
        }

        index.EndCommit(generation, i =>
        {
            i.RemoveProject(projectId);
            i.ClearDocumentFrequencies();
            return true;
        });
    }

    // Applies the batch in the transaction's order: inserts, updates, lexical appends and removals, supersessions, deletes.
    private static bool Apply(MemoryIndex index, MemoryWriteBatch batch, List<MemoryIndexEntry?> inserts, List<int[]?> insertedTerms, int dimensions)
    {
        foreach (var terms in insertedTerms)
        {
            if (terms is null)
            {
                index.ClearDocumentFrequencies();
            }
            else
            {
                index.AdjustDocumentFrequencies(terms, +1);
            }
        }

        if (index.FindProject(batch.ProjectId) is not { } project)
        {
            if (batch.Updates.Count > 0 || batch.Deletes.Count > 0 || batch.LexicalAppends.Count > 0 || batch.LexicalRemovals.Count > 0)
            {
                // Their previous texts are not known: the cached document frequencies may be off.
                index.ClearDocumentFrequencies();
            }

            return true;
        }

        for (var i = 0; i < batch.Inserts.Count; i++)
        {
            var userId = batch.Inserts[i].Item.Scope?.UserId;
            if (inserts[i] is { } entry)
            {
                MemoryIndex.AddEntry(project, entry, dimensions);
            }
            else if (MemoryIndex.IsLoaded(project, userId))
            {
                // Text the index cannot tokenize exactly, or no row id: the partition is read again on its next search.
                MemoryIndex.Unload(project, userId);
            }
        }

        foreach (var record in batch.Updates)
        {
            var userId = record.Item.Scope?.UserId;
            var previous = MemoryIndex.RemoveEntry(project, record.Item.Id);
            var terms = Tokens(index, record.LexicalText);
            if (previous is null || previous.HasInexactText || terms is null)
            {
                index.ClearDocumentFrequencies();
            }
            else
            {
                index.AdjustDocumentFrequencies(previous.TermIds, -1);
                index.AdjustDocumentFrequencies(terms, +1);
            }

            if (!MemoryIndex.IsLoaded(project, userId))
            {
                continue;
            }

            // Without the previous entry (it lived in a partition not in memory) its row id and kept fields are unknown.
            var entry = previous is null ? null : CreateEntry(index, record, previous.Seq, dimensions, previous);
            if (entry is null)
            {
                MemoryIndex.Unload(project, userId);
                continue;
            }

            MemoryIndex.AddEntry(project, entry, dimensions);
        }

        foreach (var append in batch.LexicalAppends)
        {
            if (append is null || string.IsNullOrWhiteSpace(append.Text))
            {
                continue;
            }

            if (MemoryIndex.RemoveEntry(project, append.MemoryId) is not { } previous)
            {
                index.ClearDocumentFrequencies();
                continue;
            }

            var added = Tokens(index, append.Text, out var addedCounts);
            if (added is null || previous.HasInexactText)
            {
                index.ClearDocumentFrequencies();
                MemoryIndex.Unload(project, previous.UserId);
                continue;
            }

            var appended = WithAppendedTerms(previous, added, addedCounts);
            index.AdjustDocumentFrequencies(previous.TermIds, -1);
            index.AdjustDocumentFrequencies(appended.TermIds, +1);
            MemoryIndex.AddEntry(project, appended, dimensions);
        }

        // Erasure only (rare): the reduced texts are not known here, so the partitions are read again on their next search.
        foreach (var removal in batch.LexicalRemovals)
        {
            if (MemoryIndex.RemoveEntry(project, removal.MemoryId) is { } previous)
            {
                MemoryIndex.Unload(project, previous.UserId);
            }

            index.ClearDocumentFrequencies();
        }

        foreach (var supersession in batch.Supersessions)
        {
            MemoryIndex.SupersedeEntry(project, supersession.MemoryId);
        }

        foreach (var id in batch.Deletes)
        {
            if (MemoryIndex.RemoveEntry(project, id) is { HasInexactText: false } removed)
            {
                index.AdjustDocumentFrequencies(removed.TermIds, -1);
            }
            else
            {
                index.ClearDocumentFrequencies();
            }
        }

        return true;
    }

    /// <summary>Builds the index entry of a written record; <see langword="null"/> when its text cannot be indexed exactly.</summary>
    private static MemoryIndexEntry? CreateEntry(MemoryIndex index, MemoryRecord record, long seq, int dimensions, MemoryIndexEntry? previous = null)
    {
        var item = record.Item;
        var terms = new List<int>();
        if (!TryTokenize(record.LexicalText ?? string.Empty, index, terms))
        {
            return null;
        }

        var (termIds, frequencies) = CountTerms(terms);
        sbyte[]? codes = previous?.Codes;
        float scale = previous?.Scale ?? 0;
        ulong[]? signs = previous?.Signs;
        if (!record.Embedding.IsEmpty)
        {
            if (record.Embedding.Length == dimensions)
            {
                (codes, scale, signs) = Encode(record.Embedding.Span);
            }
            else
            {
                codes = null;
                signs = null;
            }
        }

        int[] entityIds = previous?.EntityIds ?? [];
        if (record.Entities is { } entities)
        {
            entityIds = entities.Where(e => e is not null && !string.IsNullOrWhiteSpace(e.Key)).Select(e => index.EntityId(e.Key)).Distinct().ToArray();
        }

        return new MemoryIndexEntry
        {
            Seq = seq,
            Id = item.Id,
            UserId = item.Scope?.UserId,
            AgentId = item.Scope?.AgentId,
            AppId = item.Scope?.AppId,
            RunId = item.Scope?.RunId,
            Expiration = item.ExpirationDate is { } date ? SqliteValues.FormatDate(date) : null,
            Superseded = item.SupersededBy is not null,
            CreatedTicks = item.CreatedAt.UtcTicks,
            Codes = codes,
            Scale = scale,
            Signs = signs,
            DocumentLength = terms.Count,
            TermIds = termIds,
            TermFrequencies = frequencies,
            EntityIds = entityIds,
        };
    }

    private static int[]? Tokens(MemoryIndex index, string? lexical) => Tokens(index, lexical, out _);

    // The distinct term ids of a text (with their counts in the returned order), or null when FTS5 would tokenize it differently.
    private static int[]? Tokens(MemoryIndex index, string? lexical, out int[] counts)
    {
        var terms = new List<int>();
        if (!TryTokenize(lexical ?? string.Empty, index, terms))
        {
            counts = [];
            return null;
        }

        var (ids, frequencies) = CountTerms(terms);
        counts = frequencies;
        return ids;
    }

    // FTS5 re-indexes "trim(lexical || ' ' || text)": the old tokens followed by the appended ones.
    private static MemoryIndexEntry WithAppendedTerms(MemoryIndexEntry entry, int[] termIds, int[] counts)
    {
        var merged = new SortedDictionary<int, int>();
        for (var i = 0; i < entry.TermIds.Length; i++)
        {
            merged[entry.TermIds[i]] = entry.TermFrequencies[i];
        }

        var added = 0;
        for (var i = 0; i < termIds.Length; i++)
        {
            merged[termIds[i]] = merged.GetValueOrDefault(termIds[i]) + counts[i];
            added += counts[i];
        }

        return new MemoryIndexEntry
        {
            Seq = entry.Seq,
            Id = entry.Id,
            UserId = entry.UserId,
            AgentId = entry.AgentId,
            AppId = entry.AppId,
            RunId = entry.RunId,
            Expiration = entry.Expiration,
            Superseded = entry.Superseded,
            CreatedTicks = entry.CreatedTicks,
            Codes = entry.Codes,
            Scale = entry.Scale,
            Signs = entry.Signs,
            DocumentLength = entry.DocumentLength + added,
            TermIds = [.. merged.Keys],
            TermFrequencies = [.. merged.Values],
            EntityIds = entry.EntityIds,
            HasInexactText = entry.HasInexactText,
        };
    }

    private static (sbyte[] Codes, float Scale, ulong[] Signs) Encode(ReadOnlySpan<float> vector)
    {
        var codes = new sbyte[vector.Length];
        var scale = QuantizedVectors.QuantizeInt8(vector, codes);
        var signs = new ulong[QuantizedVectors.SignWords(vector.Length)];
        QuantizedVectors.Signs(vector, signs);
        return (codes, scale, signs);
    }

    /// <summary>
    /// Splits text into term ids as FTS5's <c>unicode61</c> tokenizer does for ASCII text: maximal runs of ASCII letters
    /// and digits, lower-cased. Returns <see langword="false"/> for text with any non-ASCII character, which the index
    /// leaves to FTS5.
    /// </summary>
    internal static bool TryTokenize(string text, MemoryIndex index, List<int> termIds)
    {
        Span<char> lower = stackalloc char[128];
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c >= '\u0080')
            {
                return false;
            }

            if (!char.IsAsciiLetterOrDigit(c))
            {
                i++;
                continue;
            }

            var start = i;
            var upper = false;
            while (i < text.Length && char.IsAsciiLetterOrDigit(text[i]))
            {
                upper |= char.IsAsciiLetterUpper(text[i]);
                i++;
            }

            scoped var token = text.AsSpan(start, i - start);
            if (upper)
            {
                var buffer = token.Length <= lower.Length ? lower[..token.Length] : new char[token.Length];
                token.ToLowerInvariant(buffer);
                token = buffer;
            }

            termIds.Add(index.TermId(token));
        }

        return true;
    }

    private static (int[] TermIds, int[] Frequencies) CountTerms(List<int> terms)
    {
        if (terms.Count == 0)
        {
            return ([], []);
        }

        var sorted = terms.ToArray();
        Array.Sort(sorted);
        var distinct = 1;
        for (var i = 1; i < sorted.Length; i++)
        {
            if (sorted[i] != sorted[i - 1])
            {
                distinct++;
            }
        }

        var ids = new int[distinct];
        var frequencies = new int[distinct];
        var k = -1;
        for (var i = 0; i < sorted.Length; i++)
        {
            if (i == 0 || sorted[i] != sorted[i - 1])
            {
                ids[++k] = sorted[i];
            }

            frequencies[k]++;
        }

        return (ids, frequencies);
    }

    /// <summary>Brings the index up to date with the file (cheap when nothing was committed by another connection).</summary>
    /// <remarks>
    /// <c>PRAGMA data_version</c> changes, on one connection, when any other connection commits. When the session's
    /// connection saw no change since its last check, the file's generation is still the one it read then.
    /// </remarks>
    private void RefreshIndex(IndexSession session)
    {
        var index = _index!;
        var dataVersion = Convert.ToInt64(session.DataVersion.ExecuteScalar(), CultureInfo.InvariantCulture);
        if (dataVersion == session.LastDataVersion && index.IsCurrent(session.LastGeneration))
        {
            return;
        }

        using var transaction = session.Connection.BeginTransaction(deferred: true);
        var generation = ReadGeneration(session.Connection, transaction);
        var embedder = ReadEmbedder(session.Connection, transaction);
        var totals = ReadFtsTotals(session.Connection, transaction);
        transaction.Commit();
        index.Synchronize(generation, embedder, totals);
        session.LastDataVersion = dataVersion;
        session.LastGeneration = generation;
    }

    private static object? RunScalar(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static long ReadGeneration(SqliteConnection connection, SqliteTransaction transaction)
    {
        var value = RunScalar(connection, transaction, $"SELECT value FROM meta WHERE key = '{GenerationKey}';");
        return value is null ? 0 : long.Parse(Convert.ToString(value, CultureInfo.InvariantCulture)!, CultureInfo.InvariantCulture);
    }

    private static EmbeddingModel? ReadEmbedder(SqliteConnection connection, SqliteTransaction transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT key, value FROM meta WHERE key IN ('{MetaEmbedderId}', '{MetaEmbedderDimensions}');";
        string? id = null;
        var dimensions = 0;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            if (reader.GetString(0) == MetaEmbedderId)
            {
                id = reader.GetString(1);
            }
            else
            {
                dimensions = int.Parse(reader.GetString(1), CultureInfo.InvariantCulture);
            }
        }

        return id is null ? null : new EmbeddingModel(id, dimensions);
    }

    /// <summary>Reads FTS5's totals (rows and tokens, the averages record) that its <c>bm25()</c> uses.</summary>
    private static (long Rows, long Tokens)? ReadFtsTotals(SqliteConnection connection, SqliteTransaction transaction)
    {
        var value = RunScalar(connection, transaction, "SELECT block FROM memories_fts_data WHERE id = 1;");
        if (value is not byte[] block)
        {
            return (0, 0);
        }

        var position = 0;
        var rows = ReadVarint(block, ref position);
        var tokens = position < block.Length ? ReadVarint(block, ref position) : 0;
        return ((long)rows, (long)tokens);
    }

    // SQLite's varint: big-endian groups of 7 bits with a continuation bit; the ninth byte carries 8 bits.
    private static ulong ReadVarint(byte[] data, ref int position)
    {
        ulong value = 0;
        for (var i = 0; i < 9 && position < data.Length; i++)
        {
            var b = data[position++];
            if (i == 8)
            {
                return (value << 8) | b;
            }

            value = (value << 7) | (uint)(b & 0x7F);
            if ((b & 0x80) == 0)
            {
                break;
            }
        }

        return value;
    }

    private sealed class GateRelease(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
