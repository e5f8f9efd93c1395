using System.Numerics.Tensors;
using Microsoft.Extensions.AI;

namespace Engram;

/// <summary>
/// An offline, deterministic embedding generator: signed feature hashing of stemmed words, adjacent-word bigrams and
/// character n-grams. It measures <b>lexical</b> similarity (shared words, stems, phrases and spelling), not meaning:
/// "car" and "automobile" are unrelated to it. Use a model-based <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>
/// for semantic search; this one needs no network and no model weights.
/// </summary>
/// <remarks>
/// <para>The vector of a text is built as follows.</para>
/// <list type="number">
/// <item><description>
/// Features, from <see cref="TextAnalyzer.Default"/>: each non-stop-word token's Porter stem (weight
/// <see cref="HashingEmbeddingOptions.WordWeight"/>); each pair of adjacent stems after stop-word removal
/// (<see cref="HashingEmbeddingOptions.BigramWeight"/>); each character 3-gram and 4-gram of each non-stop-word token
/// (unstemmed), padded with <c>&lt;</c> and <c>&gt;</c> (<see cref="HashingEmbeddingOptions.CharNGramWeight"/>).
/// </description></item>
/// <item><description>
/// Sublinear term frequency: a feature seen <i>tf</i> times contributes <c>weight × (1 + ln tf)</c> (Manning,
/// Raghavan and Schütze, <i>Introduction to Information Retrieval</i>, 2008, §6.4.1).
/// </description></item>
/// <item><description>
/// Signed feature hashing (Weinberger et al., "Feature Hashing for Large Scale Multitask Learning", ICML 2009): the
/// feature's 64-bit hash <i>h</i> picks bucket <c>h mod Dimensions</c> and its top bit picks the sign (+ or −), so
/// collisions cancel out in expectation instead of piling up.
/// </description></item>
/// <item><description>
/// The hash is FNV-1a 64 (Fowler–Noll–Vo; offset basis 14695981039346656037, prime 1099511628211) over the feature's
/// UTF-8 bytes (a family prefix such as <c>w:</c>, <c>b:</c> or <c>c:</c>, then the ASCII feature text), followed by
/// the MurmurHash3 <c>fmix64</c> finalizer (Appleby) so that every output bit depends on every input bit. It is fixed:
/// the same text gives the same vector in every process, on every machine and in every version that keeps the model
/// id <c>engram-hashing-v1</c>.
/// </description></item>
/// <item><description>
/// The vector is L2-normalised, so cosine similarity is a dot product. A text with no content words (empty, only stop
/// words, only punctuation or emoji) gives the zero vector, never NaN.
/// </description></item>
/// </list>
/// <para>Thread-safe: the instance is immutable and every call works on its own buffers. Synchronous work wrapped in
/// a completed task.</para>
/// </remarks>
public sealed class HashingEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The model id recorded with every vector this generator makes.</summary>
    public const string ModelId = "engram-hashing-v1";

    /// <summary>The provider name reported in <see cref="Metadata"/>.</summary>
    public const string ProviderName = "engram";

    private const ulong FnvOffsetBasis = 14695981039346656037UL;
    private const ulong FnvPrime = 1099511628211UL;

    private readonly int _dimensions;
    private readonly float _wordWeight;
    private readonly float _bigramWeight;
    private readonly float _charNGramWeight;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="options">The options; <see langword="null"/> uses the defaults (512 dimensions, weights 1.0, 0.5, 0.25).</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <see cref="HashingEmbeddingOptions.Dimensions"/> is outside 16..8192, or a weight is negative, infinite or NaN.
    /// </exception>
    public HashingEmbeddingGenerator(HashingEmbeddingOptions? options = null)
    {
        options ??= new HashingEmbeddingOptions();
        ValidateDimensions(options.Dimensions, "options.Dimensions");
        _dimensions = options.Dimensions;
        _wordWeight = ValidateWeight(options.WordWeight, "options.WordWeight");
        _bigramWeight = ValidateWeight(options.BigramWeight, "options.BigramWeight");
        _charNGramWeight = ValidateWeight(options.CharNGramWeight, "options.CharNGramWeight");
        Metadata = new EmbeddingGeneratorMetadata(ProviderName, null, ModelId, _dimensions);
    }

    /// <summary>Gets the generator's metadata: provider <c>engram</c>, model <c>engram-hashing-v1</c> and the dimension.</summary>
    public EmbeddingGeneratorMetadata Metadata { get; }

    /// <summary>Gets the vector dimension.</summary>
    public int Dimensions => _dimensions;

    /// <summary>Generates one embedding per input text, in input order.</summary>
    /// <param name="values">The texts; a <see langword="null"/> element is treated as empty.</param>
    /// <param name="options">
    /// Optional per-call options: <see cref="EmbeddingGenerationOptions.Dimensions"/>, when set, overrides the
    /// dimension for this call (16..8192); other options are ignored.
    /// </param>
    /// <param name="cancellationToken">A token to cancel the operation (checked between texts).</param>
    /// <returns>The L2-normalised embeddings with <see cref="Embedding.ModelId"/> set, and the input token count as usage.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The requested dimension is outside 16..8192.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var dimensions = _dimensions;
        if (options?.Dimensions is { } requested)
        {
            ValidateDimensions(requested, "options.Dimensions");
            dimensions = requested;
        }

        var embeddings = new List<Embedding<float>>();
        long tokenCount = 0;
        foreach (var value in values)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var vector = new float[dimensions];
            tokenCount += Fill(value ?? string.Empty, vector);
            embeddings.Add(new Embedding<float>(vector) { ModelId = ModelId });
        }

        var result = new GeneratedEmbeddings<Embedding<float>>(embeddings)
        {
            Usage = new UsageDetails { InputTokenCount = tokenCount, TotalTokenCount = tokenCount },
        };
        return Task.FromResult(result);
    }

    /// <summary>Computes the embedding of one text synchronously.</summary>
    /// <param name="text">The text.</param>
    /// <returns>A new L2-normalised vector of <see cref="Dimensions"/> floats (all zero for a text without content words).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    public float[] Embed(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var vector = new float[_dimensions];
        Fill(text, vector);
        return vector;
    }

    /// <summary>Returns the metadata for <see cref="EmbeddingGeneratorMetadata"/>, or this instance for a type it implements.</summary>
    /// <param name="serviceType">The requested type.</param>
    /// <param name="serviceKey">A key; this generator answers only unkeyed requests.</param>
    /// <returns>The service, or <see langword="null"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="serviceType"/> is <see langword="null"/>.</exception>
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

    /// <summary>Does nothing: the generator holds no resources.</summary>
    public void Dispose()
    {
    }

    /// <summary>Adds the text's features to <paramref name="vector"/> and normalises it; returns the token count.</summary>
    private int Fill(string text, Span<float> vector)
    {
        var tokens = new List<string>();
        TextAnalyzer.TokenizeInto(text, tokens);
        if (tokens.Count == 0)
        {
            return 0;
        }

        var counts = new Dictionary<ulong, Feature>();
        string? previousStem = null;
        foreach (var token in tokens)
        {
            if (EnglishStopWords.Words.Contains(token))
            {
                continue;
            }

            var stem = PorterStemmer.Stem(token);
            if (_wordWeight > 0)
            {
                Count(counts, HashFeature('w', stem, null), _wordWeight);
            }

            if (_bigramWeight > 0 && previousStem is not null)
            {
                Count(counts, HashFeature('b', previousStem, stem), _bigramWeight);
            }

            if (_charNGramWeight > 0)
            {
                AddCharNGrams(counts, token, _charNGramWeight);
            }

            previousStem = stem;
        }

        var dimensions = (ulong)vector.Length;
        foreach (var (hash, feature) in counts)
        {
            var value = feature.Weight * (1f + MathF.Log(feature.Count));
            var bucket = (int)(hash % dimensions);
            vector[bucket] += (hash & 0x8000_0000_0000_0000UL) == 0 ? value : -value;
        }

        var norm = TensorPrimitives.Norm<float>(vector);
        if (norm > 0f && float.IsFinite(norm))
        {
            TensorPrimitives.Divide(vector, norm, vector);
        }

        return tokens.Count;
    }

    private static void AddCharNGrams(Dictionary<ulong, Feature> counts, string token, float weight)
    {
        // The token padded with boundary markers: "<" + token + ">".
        var length = token.Length + 2;
        for (var n = 3; n <= 4; n++)
        {
            for (var start = 0; start + n <= length; start++)
            {
                var hash = FnvStart('c');
                for (var k = start; k < start + n; k++)
                {
                    var c = k == 0 ? '<' : k == length - 1 ? '>' : token[k - 1];
                    hash = FnvAdd(hash, c);
                }

                Count(counts, Finalize(hash), weight);
            }
        }
    }

    private static void Count(Dictionary<ulong, Feature> counts, ulong hash, float weight)
    {
        counts.TryGetValue(hash, out var feature);
        counts[hash] = new Feature(weight, feature.Count + 1);
    }

    /// <summary>Hashes <c>family ':' first [' ' second]</c>.</summary>
    private static ulong HashFeature(char family, string first, string? second)
    {
        var hash = FnvStart(family);
        foreach (var c in first)
        {
            hash = FnvAdd(hash, c);
        }

        if (second is not null)
        {
            hash = FnvAdd(hash, ' ');
            foreach (var c in second)
            {
                hash = FnvAdd(hash, c);
            }
        }

        return Finalize(hash);
    }

    private static ulong FnvStart(char family) => FnvAdd(FnvAdd(FnvOffsetBasis, family), ':');

    /// <summary>One FNV-1a step for an ASCII character (its single UTF-8 byte; features are always [a-z0-9 :&lt;&gt;]).</summary>
    private static ulong FnvAdd(ulong hash, char c) => (hash ^ (byte)c) * FnvPrime;

    /// <summary>The MurmurHash3 64-bit finalizer (fmix64).</summary>
    private static ulong Finalize(ulong h)
    {
        h ^= h >> 33;
        h *= 0xff51afd7ed558ccdUL;
        h ^= h >> 33;
        h *= 0xc4ceb9fe1a85ec53UL;
        h ^= h >> 33;
        return h;
    }

    private static void ValidateDimensions(int dimensions, string name)
    {
        if (dimensions is < HashingEmbeddingOptions.MinDimensions or > HashingEmbeddingOptions.MaxDimensions)
        {
            throw new ArgumentOutOfRangeException(name, dimensions,
                $"Dimensions must be between {HashingEmbeddingOptions.MinDimensions} and {HashingEmbeddingOptions.MaxDimensions}.");
        }
    }

    private static float ValidateWeight(double weight, string name)
    {
        if (!double.IsFinite(weight) || weight < 0)
        {
            throw new ArgumentOutOfRangeException(name, weight, "Weights must be finite and non-negative.");
        }

        return (float)weight;
    }

    private readonly record struct Feature(float Weight, int Count);
}
