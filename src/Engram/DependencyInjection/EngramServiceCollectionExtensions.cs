using Engram;
using Engram.Onnx;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Engram engine in a service collection.</summary>
public static class EngramServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IMemory"/> (a singleton <see cref="MemoryEngine"/>) with the offline defaults: the
    /// <see cref="OnnxEmbeddingGenerator"/> (the shipped snowflake-arctic-embed-xs; ONNX Runtime loads only when it is
    /// resolved, so an application that registers another embedder never loads it), the <see cref="RuleBasedFactExtractor"/> and the
    /// <see cref="RuleBasedRelationExtractor"/>, unless the application registered its own
    /// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>, <see cref="IFactExtractor"/> or <see cref="IRelationExtractor"/>.
    /// A store must be chosen with a <c>With…Store</c> extension such as <c>WithSqliteStore</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the options (applied after configuration binding, if any).</param>
    /// <returns>A builder to choose components on.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    /// <remarks>Options are validated when the engine is first resolved (and at host start-up with <c>ValidateOnStart</c>).</remarks>
    public static IMemoryBuilder AddEngram(this IServiceCollection services, Action<MemoryOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<MemoryOptions>().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MemoryOptions>, MemoryOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(_ => new OnnxEmbeddingGenerator());
        services.TryAddSingleton<IFactExtractor>(_ => new RuleBasedFactExtractor());
        services.TryAddSingleton<IRelationExtractor>(_ => new RuleBasedRelationExtractor());
        services.TryAddSingleton(sp => new MemoryEngine(
            sp.GetRequiredService<IMemoryStore>(),
            sp.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>(),
            sp.GetRequiredService<IFactExtractor>(),
            sp.GetRequiredService<IOptions<MemoryOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<MemoryEngine>>(),
            sp.GetService<IReranker>(),
            sp.GetService<IRelationExtractor>()));
        services.TryAddSingleton<IMemory>(sp => sp.GetRequiredService<MemoryEngine>());
        return new MemoryBuilder(services);
    }

    private sealed class MemoryBuilder(IServiceCollection services) : IMemoryBuilder
    {
        public IServiceCollection Services { get; } = services;
    }
}
