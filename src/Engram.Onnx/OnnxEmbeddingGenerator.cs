using System.Collections.Concurrent;
using BitFaster.Caching.Lru;
using Microsoft.Extensions.AI;

namespace Engram.Onnx;

/// <summary>
/// Engram's offline neural embedder: snowflake-arctic-embed-xs (Snowflake, Apache-2.0; 384 dimensions, 512 tokens,
/// [CLS] pooling), int8-quantized and shipped inside this assembly, run by ONNX Runtime on the CPU. Nothing is
/// downloaded. Queries (<see cref="EmbeddingPurpose.Query"/>) get the model's instruction prefix, documents do not.
/// </summary>
/// <remarks>
/// <para>Vectors: <see cref="Dimensions"/> floats (384 for the shipped model), L2-normalised, so a dot product is the
/// cosine. Each text is run on its own (batch size 1) because the int8 model quantises its activations with one scale
/// per tensor: in a padded batch a vector would depend on its neighbours. Texts of one call run in parallel
/// (<see cref="OnnxEmbeddingOptions.MaxDegreeOfParallelism"/>). Texts beyond 512 tokens are cut, or chunked
/// (<see cref="OnnxEmbeddingOptions.LongText"/>).</para>
/// <para>The model is loaded once per process and per thread setting, on first use, and shared by every generator
/// that uses it. Thread-safe. Model source and licence: <c>src/Engram.Onnx/Model/NOTICE.md</c>.</para>
/// </remarks>
public sealed class OnnxEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The provider name in <see cref="Metadata"/> and in the embedder id recorded with vectors.</summary>
    public const string ProviderName = "onnx";

    /// <summary>The model name of the shipped model.</summary>
    public const string ShippedModelName = "snowflake-arctic-embed-xs-int8";

    private static readonly ConcurrentDictionary<(string? Model, string? Vocabulary, int Threads), Lazy<BertEncoder>> SharedEncoders = new();

    private readonly Lazy<BertEncoder> _encoder;
    private readonly OnnxEmbeddingOptions _options;
    private readonly ConcurrentLru<string, float[]>? _queryCache;
    private EmbeddingGeneratorMetadata? _metadata;

    /// <summary>Initializes a new generator; the model loads on first use.</summary>
    /// <param name="options">The options; <see langword="null"/> uses the defaults (the shipped model).</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of its documented range.</exception>
    /// <exception cref="ArgumentException">Only one of <see cref="OnnxEmbeddingOptions.ModelPath"/> and <see cref="OnnxEmbeddingOptions.VocabularyPath"/> is set.</exception>
    public OnnxEmbeddingGenerator(OnnxEmbeddingOptions? options = null)
    {
        _options = options ?? new OnnxEmbeddingOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.IntraOpThreads, 1, "options.IntraOpThreads");
        ArgumentOutOfRangeException.ThrowIfGreaterThan(_options.IntraOpThreads, 64, "options.IntraOpThreads");
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxDegreeOfParallelism, 1, "options.MaxDegreeOfParallelism");
        ArgumentOutOfRangeException.ThrowIfGreaterThan(_options.MaxDegreeOfParallelism, 256, "options.MaxDegreeOfParallelism");
        ArgumentOutOfRangeException.ThrowIfNegative(_options.QueryCacheSize, "options.QueryCacheSize");
        ArgumentOutOfRangeException.ThrowIfGreaterThan(_options.QueryCacheSize, 1_000_000, "options.QueryCacheSize");
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxChunkedTokens, BertEncoder.MaxTokens, "options.MaxChunkedTokens");
        ArgumentOutOfRangeException.ThrowIfGreaterThan(_options.MaxChunkedTokens, 65_536, "options.MaxChunkedTokens");
        ArgumentNullException.ThrowIfNull(_options.QueryPrefix, "options.QueryPrefix");
        if ((_options.ModelPath is null) != (_options.VocabularyPath is null))
        {
            throw new ArgumentException("ModelPath and VocabularyPath must be set together.", nameof(options));
        }

        var key = (_options.ModelPath is null ? null : Path.GetFullPath(_options.ModelPath),
            _options.VocabularyPath is null ? null : Path.GetFullPath(_options.VocabularyPath),
            _options.IntraOpThreads);
        _encoder = SharedEncoders.GetOrAdd(key, static k => new Lazy<BertEncoder>(
            () => k.Model is null ? BertEncoder.LoadShipped(k.Threads) : BertEncoder.LoadFiles(k.Model, k.Vocabulary!, k.Threads),
            LazyThreadSafetyMode.ExecutionAndPublication));
        _queryCache = _options.QueryCacheSize > 0 ? new ConcurrentLru<string, float[]>(_options.QueryCacheSize) : null;
    }

    /// <summary>Gets the metadata: provider <c>onnx</c>, the model id (name and the first 12 hex digits of the model's SHA-256) and the dimension. Loads the model.</summary>
    public EmbeddingGeneratorMetadata Metadata => _metadata ??= new EmbeddingGeneratorMetadata(
        ProviderName, null, $"{ModelName}@{ModelSha256[..12]}", Dimensions);

    /// <summary>Gets the model's name: <see cref="ShippedModelName"/>, or the configured one.</summary>
    public string ModelName => _options.ModelPath is null
        ? ShippedModelName
        : _options.ModelId ?? Path.GetFileNameWithoutExtension(_options.ModelPath);

    /// <summary>Gets the SHA-256 of the model file, lower-case hex (64 digits). Loads the model.</summary>
    public string ModelSha256 => _encoder.Value.ModelSha256;

    /// <summary>Gets the vector dimension (384 for the shipped model). Loads the model.</summary>
    public int Dimensions => _encoder.Value.Dimensions;

    /// <summary>Generates one embedding per text, in input order.</summary>
    /// <param name="values">The texts; a <see langword="null"/> element is treated as empty.</param>
    /// <param name="options">Per-call options: <see cref="EmbeddingPurpose.ForQuery"/> marks the texts as queries; other options are ignored.</param>
    /// <param name="cancellationToken">A token to cancel the call (checked between texts).</param>
    /// <returns>L2-normalised embeddings of <see cref="Dimensions"/> floats with <see cref="Embedding.ModelId"/> set.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> is <see langword="null"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    /// <exception cref="InvalidOperationException">The model could not be loaded (a missing resource or an invalid model file).</exception>
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        cancellationToken.ThrowIfCancellationRequested();
        var texts = values as IList<string> ?? values.ToList();
        var query = EmbeddingPurpose.IsQuery(options);
        var encoder = _encoder.Value;
        var vectors = new float[texts.Count][];
        if (texts.Count == 1)
        {
            vectors[0] = Embed(encoder, texts[0], query);
        }
        else if (texts.Count > 1)
        {
            Parallel.For(
                0,
                texts.Count,
                new ParallelOptions { MaxDegreeOfParallelism = _options.MaxDegreeOfParallelism, CancellationToken = cancellationToken },
                i => vectors[i] = Embed(encoder, texts[i], query));
        }

        var modelId = Metadata.DefaultModelId;
        var result = new GeneratedEmbeddings<Embedding<float>>(vectors.Length);
        foreach (var vector in vectors)
        {
            result.Add(new Embedding<float>(vector) { ModelId = modelId });
        }

        return Task.FromResult(result);
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(EmbeddingGeneratorMetadata))
        {
            return Metadata;
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>Releases nothing: the model is shared by the process and lives as long as it.</summary>
    public void Dispose()
    {
    }

    private float[] Embed(BertEncoder encoder, string? text, bool query)
    {
        text ??= string.Empty;
        if (!query)
        {
            return _options.LongText == LongTextMode.ChunkMean ? encoder.EmbedChunked(text, _options.MaxChunkedTokens) : encoder.Embed(text);
        }

        if (_queryCache is not null && _queryCache.TryGet(text, out var cached))
        {
            return cached;
        }

        var vector = encoder.Embed(_options.QueryPrefix + text);
        _queryCache?.AddOrUpdate(text, vector);
        return vector;
    }
}
