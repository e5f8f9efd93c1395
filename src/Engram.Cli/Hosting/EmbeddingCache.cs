using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Engram.Cli.Hosting;

/// <summary>
/// A SQLite file of embedding vectors for evaluations (<c>engram eval … --embedding-cache FILE</c>), so that a re-run
/// with the same embedder does not embed the same texts again. Each vector is keyed by the SHA-256 of the embedder's
/// identity (<see cref="EmbeddingGeneratorMetadata"/>: provider, endpoint, model id and dimensions), the call's
/// <see cref="EmbeddingPurpose"/> (query or document) and the text, and stored as float32 (little-endian).
/// </summary>
/// <remarks>
/// The identity covers what the metadata reports: an embedder whose output changes without a change of model id or
/// dimensions (for example the hashing embedder's feature weights) needs a new cache file. Thread-safe: every database
/// access is serialised. Counters are cumulative for the instance's life.
/// </remarks>
internal sealed class EmbeddingCache : IDisposable
{
    private const int FormatVersion = 1;

    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _select;
    private readonly Lock _gate = new();
    private long _hits;
    private long _misses;
    private long _generatorCalls;

    private EmbeddingCache(string path, SqliteConnection connection)
    {
        Path = path;
        _connection = connection;
        _select = connection.CreateCommand();
        _select.CommandText = "SELECT vector FROM embeddings WHERE key = $key";
        _select.Parameters.Add("$key", SqliteType.Blob);
    }

    /// <summary>Gets the full path of the cache file.</summary>
    public string Path { get; }

    /// <summary>Opens a cache file, creating it when missing.</summary>
    /// <param name="path">The file path.</param>
    /// <returns>The cache; dispose it after the sessions that use it.</returns>
    /// <exception cref="CliDataException">The file cannot be opened or is not an embedding cache of this format.</exception>
    public static EmbeddingCache Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var fullPath = System.IO.Path.GetFullPath(path);
        SqliteConnection? connection = null;
        try
        {
            if (System.IO.Path.GetDirectoryName(fullPath) is { Length: > 0 } directory)
            {
                Directory.CreateDirectory(directory);
            }

            connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = fullPath, Pooling = false }.ToString());
            connection.Open();
            using (var setup = connection.CreateCommand())
            {
                // 64 KiB pages (a no-op for an existing file): a 512-dimension row is ~2.1 KB, and 4 KiB pages hold one row
                // each, twice the file's size.
                setup.CommandText = """
                    PRAGMA page_size = 65536;
                    PRAGMA journal_mode = WAL;
                    PRAGMA synchronous = NORMAL;
                    CREATE TABLE IF NOT EXISTS embeddings (
                        key BLOB PRIMARY KEY NOT NULL,
                        embedder TEXT NOT NULL,
                        purpose TEXT NOT NULL,
                        vector BLOB NOT NULL
                    );
                    """;
                setup.ExecuteNonQuery();
                setup.CommandText = "PRAGMA user_version";
                var version = Convert.ToInt32(setup.ExecuteScalar(), CultureInfo.InvariantCulture);
                if (version is not 0 and not FormatVersion)
                {
                    throw new CliDataException($"'{path}' is an embedding cache of format {version}; this engram reads format {FormatVersion}.");
                }
            }

            using (var stamp = connection.CreateCommand())
            {
                stamp.CommandText = string.Create(CultureInfo.InvariantCulture, $"PRAGMA user_version = {FormatVersion}");
                stamp.ExecuteNonQuery();
            }

            return new EmbeddingCache(fullPath, connection);
        }
        catch (SqliteException ex)
        {
            connection?.Dispose();
            throw new CliDataException($"Embedding cache '{path}' cannot be opened: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            connection?.Dispose();
            throw new CliDataException($"Embedding cache '{path}' cannot be created: {ex.Message}", ex);
        }
        catch
        {
            connection?.Dispose();
            throw;
        }
    }

    /// <summary>Gets the cumulative counters.</summary>
    /// <returns>A snapshot.</returns>
    public EmbeddingCacheStatistics GetStatistics() =>
        new(Path, Interlocked.Read(ref _hits), Interlocked.Read(ref _misses), Interlocked.Read(ref _generatorCalls));

    /// <summary>
    /// Replaces the registered <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> (the last non-keyed registration)
    /// with a <see cref="CachingEmbeddingGenerator"/> around it that uses this cache.
    /// </summary>
    /// <param name="services">The services, after the embedder has been chosen.</param>
    /// <exception cref="InvalidOperationException">No embedder is registered.</exception>
    public void Decorate(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var descriptor = services.LastOrDefault(d => d.ServiceType == typeof(IEmbeddingGenerator<string, Embedding<float>>) && !d.IsKeyedService)
            ?? throw new InvalidOperationException("No embedding generator is registered to cache.");
        services.Remove(descriptor);
        services.Add(new ServiceDescriptor(
            typeof(IEmbeddingGenerator<string, Embedding<float>>),
            sp => new CachingEmbeddingGenerator(CreateInner(descriptor, sp), this),
            descriptor.Lifetime));
    }

    /// <summary>Computes the cache key of a text.</summary>
    /// <param name="embedder">The embedder's identity (see <see cref="EmbedderIdentity"/>).</param>
    /// <param name="purpose">The call's purpose (<see cref="EmbeddingPurpose.Query"/> or <see cref="EmbeddingPurpose.Document"/>).</param>
    /// <param name="text">The text.</param>
    /// <returns>The SHA-256 of the three length-prefixed UTF-8 fields.</returns>
    public static byte[] Key(string embedder, string purpose, string text)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[4];
        foreach (var field in (ReadOnlySpan<string>)[embedder, purpose, text])
        {
            var bytes = Encoding.UTF8.GetBytes(field);
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(length, bytes.Length);
            hash.AppendData(length);
            hash.AppendData(bytes);
        }

        return hash.GetHashAndReset();
    }

    /// <summary>Describes an embedder for the cache key: <c>provider|endpoint|model|dimensions</c> from its metadata, else its type name.</summary>
    /// <param name="generator">The embedder.</param>
    /// <returns>The identity.</returns>
    public static string EmbedderIdentity(IEmbeddingGenerator<string, Embedding<float>> generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        var metadata = generator.GetService<EmbeddingGeneratorMetadata>();
        return metadata is null
            ? generator.GetType().FullName ?? generator.GetType().Name
            : string.Create(
                CultureInfo.InvariantCulture,
                $"{metadata.ProviderName}|{metadata.ProviderUri}|{metadata.DefaultModelId}|{metadata.DefaultModelDimensions}");
    }

    /// <summary>Looks texts up.</summary>
    /// <param name="keys">The keys.</param>
    /// <returns>The vector of each key, or <see langword="null"/> for a miss.</returns>
    internal float[]?[] Lookup(IReadOnlyList<byte[]> keys)
    {
        var result = new float[]?[keys.Count];
        lock (_gate)
        {
            for (var i = 0; i < keys.Count; i++)
            {
                _select.Parameters[0].Value = keys[i];
                if (_select.ExecuteScalar() is byte[] blob)
                {
                    result[i] = MemoryMarshal.Cast<byte, float>(blob).ToArray();
                }
            }
        }

        var hits = result.Count(v => v is not null);
        Interlocked.Add(ref _hits, hits);
        Interlocked.Add(ref _misses, keys.Count - hits);
        return result;
    }

    /// <summary>Stores generated vectors in one transaction and counts one generator call.</summary>
    /// <param name="embedder">The embedder's identity.</param>
    /// <param name="purpose">The call's purpose.</param>
    /// <param name="entries">The keys and vectors.</param>
    internal void Store(string embedder, string purpose, IReadOnlyList<(byte[] Key, float[] Vector)> entries)
    {
        Interlocked.Increment(ref _generatorCalls);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("The embedding cache stores little-endian float32 vectors.");
        }

        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            using var insert = _connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT OR REPLACE INTO embeddings (key, embedder, purpose, vector) VALUES ($key, $embedder, $purpose, $vector)";
            var key = insert.Parameters.Add("$key", SqliteType.Blob);
            insert.Parameters.AddWithValue("$embedder", embedder);
            insert.Parameters.AddWithValue("$purpose", purpose);
            var vector = insert.Parameters.Add("$vector", SqliteType.Blob);
            foreach (var (entryKey, entryVector) in entries)
            {
                key.Value = entryKey;
                vector.Value = MemoryMarshal.AsBytes(entryVector.AsSpan()).ToArray();
                insert.ExecuteNonQuery();
            }

            transaction.Commit();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_gate)
        {
            _select.Dispose();
            _connection.Dispose();
        }
    }

    private static IEmbeddingGenerator<string, Embedding<float>> CreateInner(ServiceDescriptor descriptor, IServiceProvider services) =>
        (IEmbeddingGenerator<string, Embedding<float>>)(descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(services)
            ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!));
}

/// <summary>What an <see cref="EmbeddingCache"/> did.</summary>
/// <param name="Path">The cache file.</param>
/// <param name="Hits">Texts found in the cache.</param>
/// <param name="Misses">Texts not found (embedded by the configured embedder and written back).</param>
/// <param name="GeneratorCalls">Calls made to the configured embedder (one per embedding call with at least one miss).</param>
internal sealed record EmbeddingCacheStatistics(string Path, long Hits, long Misses, long GeneratorCalls)
{
    /// <summary>Gets the counts since an earlier snapshot of the same cache.</summary>
    /// <param name="earlier">The earlier snapshot.</param>
    /// <returns>The difference.</returns>
    public EmbeddingCacheStatistics Since(EmbeddingCacheStatistics earlier)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        return this with { Hits = Hits - earlier.Hits, Misses = Misses - earlier.Misses, GeneratorCalls = GeneratorCalls - earlier.GeneratorCalls };
    }
}

/// <summary>
/// An embedding generator that answers from an <see cref="EmbeddingCache"/> and sends only the misses of a call to the
/// inner generator, in one call, writing their vectors back.
/// </summary>
/// <remarks>Thread-safe when the inner generator is.</remarks>
internal sealed class CachingEmbeddingGenerator : DelegatingEmbeddingGenerator<string, Embedding<float>>
{
    private readonly EmbeddingCache _cache;
    private readonly string _embedder;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="inner">The configured embedder.</param>
    /// <param name="cache">The cache (not owned).</param>
    public CachingEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> inner, EmbeddingCache cache)
        : base(inner)
    {
        ArgumentNullException.ThrowIfNull(cache);
        _cache = cache;
        _embedder = EmbeddingCache.EmbedderIdentity(inner);
    }

    /// <inheritdoc/>
    public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var texts = values.ToList();
        var purpose = EmbeddingPurpose.IsQuery(options) ? EmbeddingPurpose.Query : EmbeddingPurpose.Document;
        var keys = texts.Select(t => EmbeddingCache.Key(_embedder, purpose, t)).ToList();
        var vectors = _cache.Lookup(keys);

        // The misses, each distinct text once, in first-seen order.
        var missing = new List<int>();
        var firstByKey = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < texts.Count; i++)
        {
            if (vectors[i] is null && firstByKey.TryAdd(Convert.ToHexString(keys[i]), i))
            {
                missing.Add(i);
            }
        }

        if (missing.Count > 0)
        {
            var generated = await base.GenerateAsync(missing.Select(i => texts[i]), options, cancellationToken);
            if (generated.Count != missing.Count)
            {
                throw new InvalidOperationException($"The embedder returned {generated.Count} vectors for {missing.Count} texts.");
            }

            var entries = new List<(byte[] Key, float[] Vector)>(missing.Count);
            for (var m = 0; m < missing.Count; m++)
            {
                var vector = generated[m].Vector.ToArray();
                entries.Add((keys[missing[m]], vector));
                vectors[missing[m]] = vector;
            }

            _cache.Store(_embedder, purpose, entries);
            for (var i = 0; i < texts.Count; i++)
            {
                vectors[i] ??= vectors[firstByKey[Convert.ToHexString(keys[i])]];
            }
        }

        var modelId = InnerGenerator.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId;
        return new GeneratedEmbeddings<Embedding<float>>(vectors.Select(v => new Embedding<float>(v!) { ModelId = modelId }));
    }
}
