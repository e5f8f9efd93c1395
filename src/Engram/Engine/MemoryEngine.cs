using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Engram;

/// <summary>
/// The Engram engine: Mem0's operations over an <see cref="IMemoryStore"/>, an embedder and a fact extractor, with
/// hybrid retrieval (vector + BM25 + entity links) and explainable fusion.
/// </summary>
/// <remarks>
/// Thread-safe: register one instance as a singleton. The store is initialised on first use. All work happens in the
/// project given by <see cref="MemoryOptions.ProjectId"/>; <see cref="ForProject"/> gives a view of another project
/// that shares the same components.
/// </remarks>
public sealed partial class MemoryEngine : IMemory
{
    private readonly EngineCore _core;
    private readonly string _projectId;

    /// <summary>Initializes a new engine.</summary>
    /// <param name="store">The storage backend.</param>
    /// <param name="embedder">The embedding generator; its vectors are L2-normalised before storage.</param>
    /// <param name="extractor">The fact extractor used when <see cref="AddMemoriesRequest.Infer"/> is <see langword="true"/>.</param>
    /// <param name="options">The engine options.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">The logger; none when <see langword="null"/>.</param>
    /// <param name="reranker">Re-orders results of searches that ask for it (<see cref="SearchMemoriesRequest.Rerank"/>); none when <see langword="null"/>.</param>
    /// <param name="relationExtractor">Extracts graph relations when graph memory is on; a <see cref="RuleBasedRelationExtractor"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException">A required argument is <see langword="null"/>.</exception>
    /// <exception cref="OptionsValidationException">The options are out of range.</exception>
    public MemoryEngine(
        IMemoryStore store,
        IEmbeddingGenerator<string, Embedding<float>> embedder,
        IFactExtractor extractor,
        IOptions<MemoryOptions> options,
        TimeProvider? timeProvider = null,
        ILogger<MemoryEngine>? logger = null,
        IReranker? reranker = null,
        IRelationExtractor? relationExtractor = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(extractor);
        ArgumentNullException.ThrowIfNull(options);
        var value = options.Value;
        var validation = new MemoryOptionsValidator().Validate(null, value);
        if (validation.Failed)
        {
            throw new OptionsValidationException(nameof(MemoryOptions), typeof(MemoryOptions), validation.Failures);
        }

        _core = new EngineCore(
            store, embedder, extractor, value, timeProvider ?? TimeProvider.System, (ILogger?)logger ?? NullLogger.Instance, reranker, relationExtractor ?? new RuleBasedRelationExtractor());
        _projectId = value.ProjectId;
    }

    private MemoryEngine(EngineCore core, string projectId)
    {
        _core = core;
        _projectId = projectId;
    }

    /// <summary>Gets the project (tenant) this engine reads and writes.</summary>
    public string ProjectId => _projectId;

    /// <summary>Returns a view of the engine bound to another project; memories of different projects never mix.</summary>
    /// <param name="projectId">The project id: non-empty, no whitespace.</param>
    /// <returns>An engine sharing this one's store, embedder, extractor and options.</returns>
    /// <exception cref="ArgumentException"><paramref name="projectId"/> is empty or has whitespace.</exception>
    public MemoryEngine ForProject(string projectId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(projectId);
        if (projectId.Any(char.IsWhiteSpace))
        {
            throw new ArgumentException("Project ids cannot contain whitespace.", nameof(projectId));
        }

        return projectId == _projectId ? this : new MemoryEngine(_core, projectId);
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType.IsInstanceOfType(this))
        {
            return this;
        }

        if (serviceType.IsInstanceOfType(_core.Store))
        {
            return _core.Store;
        }

        if (serviceType.IsInstanceOfType(_core.Embedder))
        {
            return _core.Embedder;
        }

        return serviceType.IsInstanceOfType(_core.Extractor) ? _core.Extractor : null;
    }

    /// <summary>MD5 hex digest of the UTF-8 text, as Mem0 computes a memory's <c>hash</c>.</summary>
    internal static string ComputeHash(string text)
    {
#pragma warning disable CA5351 // MD5 mirrors Mem0's content hash for deduplication and wire compatibility; it is not used for security.
        return Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(text)));
#pragma warning restore CA5351
    }

    private string NewId() => Guid.CreateVersion7(_core.Time.GetUtcNow()).ToString();

    private DateOnly TodayUtc() => DateOnly.FromDateTime(_core.Time.GetUtcNow().UtcDateTime);

    /// <summary>The components every project view shares.</summary>
    private sealed class EngineCore(
        IMemoryStore store,
        IEmbeddingGenerator<string, Embedding<float>> embedder,
        IFactExtractor extractor,
        MemoryOptions options,
        TimeProvider time,
        ILogger logger,
        IReranker? reranker,
        IRelationExtractor relationExtractor)
    {
        private readonly Lock _initGate = new();
        private Task? _initialization;
        private EmbeddingModel? _model;

        public IMemoryStore Store { get; } = store;

        public IEmbeddingGenerator<string, Embedding<float>> Embedder { get; } = embedder;

        public IFactExtractor Extractor { get; } = extractor;

        public MemoryOptions Options { get; } = options;

        public TimeProvider Time { get; } = time;

        public ILogger Logger { get; } = logger;

        public IReranker? Reranker { get; } = reranker;

        public IRelationExtractor RelationExtractor { get; } = relationExtractor;

        public TextAnalyzer Analyzer { get; } = TextAnalyzer.Default;

        public EntityExtractor Entities { get; } = EntityExtractor.Default;

        public SearchFusion Fusion { get; } = new(options.Retrieval);

        /// <summary>Gets the memories of the latest added messages (following-turn context, <c>MemoryEngine.Lexical.cs</c>).</summary>
        public RecentSourceCache RecentSources { get; } = new();

        /// <summary>
        /// Initialises the store once. The shared initialisation is not cancelled by any one caller; each caller stops
        /// waiting when its own token is cancelled. A failed initialisation is retried by the next call.
        /// </summary>
        public async ValueTask<IMemoryStore> GetStoreAsync(CancellationToken cancellationToken)
        {
            var initialization = _initialization;
            if (initialization is null || initialization.IsFaulted || initialization.IsCanceled)
            {
                lock (_initGate)
                {
                    if (_initialization is null || _initialization.IsFaulted || _initialization.IsCanceled)
                    {
                        _initialization = Store.InitializeAsync(CancellationToken.None);
                    }

                    initialization = _initialization;
                }
            }

            if (!initialization.IsCompletedSuccessfully)
            {
                await initialization.WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            return Store;
        }

        /// <summary>
        /// Embeds texts and L2-normalises the vectors so that a dot product is the cosine similarity. Documents unless
        /// <paramref name="query"/> (<see cref="EmbeddingPurpose"/>).
        /// </summary>
        public async Task<(float[][] Vectors, EmbeddingModel Model)> EmbedAsync(List<string> texts, CancellationToken cancellationToken, bool query = false)
        {
            var generated = await Embedder.GenerateAsync(texts, query ? EmbeddingPurpose.ForQuery() : null, cancellationToken).ConfigureAwait(false);
            if (generated.Count != texts.Count)
            {
                throw new EngramException($"The embedder returned {generated.Count} vectors for {texts.Count} texts.");
            }

            var vectors = new float[texts.Count][];
            for (var i = 0; i < vectors.Length; i++)
            {
                var vector = generated[i].Vector.ToArray();
                var norm = System.Numerics.Tensors.TensorPrimitives.Norm(vector);
                if (norm > 0 && Math.Abs(norm - 1f) > 1e-6f)
                {
                    System.Numerics.Tensors.TensorPrimitives.Divide(vector, norm, vector);
                }

                vectors[i] = vector;
            }

            var dimensions = vectors.Length > 0 ? vectors[0].Length : 0;
            if (_model is null || _model.Dimensions != dimensions)
            {
                _model = new EmbeddingModel(ModelId(), dimensions);
            }

            return (vectors, _model);
        }

        /// <summary>
        /// Gets the embedder's model (id and dimension) as <see cref="EmbedAsync"/> records it: from the embedder's
        /// metadata when it states the dimension, else by embedding one short text.
        /// </summary>
        public async Task<EmbeddingModel> GetModelAsync(CancellationToken cancellationToken)
        {
            if (_model is { } known)
            {
                return known;
            }

            if (Embedder.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelDimensions is int dimensions and > 0)
            {
                return new EmbeddingModel(ModelId(), dimensions);
            }

            return (await EmbedAsync(["engram"], cancellationToken).ConfigureAwait(false)).Model;
        }

        private string ModelId()
        {
            var metadata = Embedder.GetService<EmbeddingGeneratorMetadata>();
            return metadata is null
                ? Embedder.GetType().Name
                : string.IsNullOrEmpty(metadata.ProviderName) ? metadata.DefaultModelId ?? "unknown" : $"{metadata.ProviderName}/{metadata.DefaultModelId}";
        }
    }
}
