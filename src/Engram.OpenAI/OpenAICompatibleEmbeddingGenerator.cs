using Microsoft.Extensions.AI;
using OpenAI.Embeddings;
using AIEmbeddingGenerationOptions = Microsoft.Extensions.AI.EmbeddingGenerationOptions;
using OpenAIEmbeddingGenerationOptions = OpenAI.Embeddings.EmbeddingGenerationOptions;

namespace Engram.OpenAI;

/// <summary>
/// An <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> over the OpenAI .NET SDK for any OpenAI-compatible
/// <c>/embeddings</c> endpoint, with Engram's retry, timeout and concurrency policy.
/// </summary>
/// <remarks>
/// The dimension is <see cref="EmbedderOptions.Dimensions"/> when set (sent to models that can shorten vectors), else
/// detected from the first answer and then reported by <see cref="Metadata"/>; the engine records it with every vector
/// and refuses a store built with another embedder or dimension. Thread-safe.
/// </remarks>
public sealed class OpenAICompatibleEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly EmbeddingClient _client;
    private readonly ProviderPipeline _pipeline;
    private readonly EmbedderOptions _options;
    private readonly Uri? _endpoint;
    private volatile EmbeddingGeneratorMetadata _metadata;

    /// <summary>Initializes a new generator.</summary>
    /// <param name="options">The endpoint; <see cref="ProviderOptions.Model"/> is required.</param>
    /// <param name="timeProvider">The clock for retries and timeouts; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The model or base URL is missing.</exception>
    public OpenAICompatibleEmbeddingGenerator(EmbedderOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Model))
        {
            throw new InvalidOperationException("Engram:Embedder:Model is required when Engram:Embedder:Provider is set.");
        }

        var settings = ProviderPipeline.CreateClientSettings(options);
        _client = new EmbeddingClient(options.Model, settings.Credential, settings.Options);
        _pipeline = new ProviderPipeline(options, timeProvider ?? TimeProvider.System);
        _options = options;
        _endpoint = settings.Options.Endpoint;
        _metadata = new EmbeddingGeneratorMetadata(options.Provider, _endpoint, options.Model, options.Dimensions);
    }

    /// <summary>Gets the provider, endpoint, model and (once known) dimension.</summary>
    public EmbeddingGeneratorMetadata Metadata => _metadata;

    /// <inheritdoc/>
    /// <exception cref="EngramException">The endpoint returned vectors of different dimensions.</exception>
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, AIEmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var inputs = values.ToList();
        var result = new GeneratedEmbeddings<Embedding<float>>(inputs.Count);
        if (inputs.Count == 0)
        {
            return result;
        }

        var requestOptions = new OpenAIEmbeddingGenerationOptions { Dimensions = options?.Dimensions ?? _options.Dimensions };
        var collection = await _pipeline.ExecuteAsync(
            async token => (await _client.GenerateEmbeddingsAsync(inputs, requestOptions, token).ConfigureAwait(false)).Value,
            cancellationToken).ConfigureAwait(false);

        foreach (var embedding in collection.OrderBy(e => e.Index))
        {
            result.Add(new Embedding<float>(embedding.ToFloats()) { ModelId = _options.Model });
        }

        if (result.Count != inputs.Count)
        {
            throw new EngramException($"The embedder returned {result.Count} vectors for {inputs.Count} texts.");
        }

        var dimensions = result[0].Vector.Length;
        if (result.Any(e => e.Vector.Length != dimensions))
        {
            throw new EngramException("The embedder returned vectors of different dimensions in one answer.");
        }

        if (_metadata.DefaultModelDimensions != dimensions)
        {
            _metadata = new EmbeddingGeneratorMetadata(_options.Provider, _endpoint, _options.Model, dimensions);
        }

        if (collection.Usage is { } usage)
        {
            result.Usage = new UsageDetails { InputTokenCount = usage.InputTokenCount, TotalTokenCount = usage.TotalTokenCount };
        }

        return result;
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(EmbeddingGeneratorMetadata) ? Metadata
            : serviceType.IsInstanceOfType(this) ? this
            : serviceType.IsInstanceOfType(_client) ? _client
            : null;
    }

    /// <inheritdoc/>
    public void Dispose() => _pipeline.Dispose();
}
