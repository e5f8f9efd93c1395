using System.ComponentModel.DataAnnotations;
using Engram;
using Engram.Onnx;
using Engram.OpenAI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses Engram's language model and embedder from configuration.</summary>
public static class OpenAIMemoryBuilderExtensions
{
    /// <summary>The configuration section of the language model.</summary>
    public const string LlmSection = "Engram:Llm";

    /// <summary>The configuration section of the embedder.</summary>
    public const string EmbedderSection = "Engram:Embedder";

    /// <summary>The configuration section of the retrieval options (<see cref="RetrievalOptions"/>).</summary>
    public const string RetrievalSection = "Engram:Retrieval";

    /// <summary>The configuration section of the shipped neural embedder's options (<see cref="OnnxEmbeddingOptions"/>).</summary>
    public const string OnnxSection = "Engram:Embedder:Onnx";

    /// <summary>
    /// Reads <c>Engram:Llm:Provider|BaseUrl|Model|ApiKey|…</c> and <c>Engram:Embedder:Provider|BaseUrl|Model|ApiKey|Dimensions|…</c>
    /// (environment <c>Engram__Llm__BaseUrl</c>, appsettings or command line). A configured language model replaces the
    /// offline extractor with <see cref="LlmFactExtractor"/> over an <see cref="OpenAICompatibleChatClient"/>, registers an <see cref="LlmReranker"/>
    /// and, unless <c>Engram:Llm:ExtractRelations</c> is <see langword="false"/>, the <see cref="LlmRelationExtractor"/> of graph memory; a configured
    /// embedder replaces the shipped neural embedder with an <see cref="OpenAICompatibleEmbeddingGenerator"/>;
    /// <c>Engram:Embedder:Provider=hashing</c> selects the <see cref="HashingEmbeddingGenerator"/> (512 dimensions, or
    /// <c>Engram:Embedder:Dimensions</c>, 16..8192; with its retrieval defaults <see cref="VectorNormalization.Cosine"/> and no
    /// <see cref="RetrievalOptions.EmbedSpeaker"/> unless <c>Engram:Retrieval</c> sets them), and
    /// <c>Engram:Embedder:Onnx:…</c> tunes the neural one (<see cref="OnnxEmbeddingOptions"/>). With neither section, the
    /// offline defaults stay.
    /// </summary>
    /// <param name="builder">The Engram builder.</param>
    /// <param name="configuration">The configuration root.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="OptionsValidationException">A configured section is incomplete or out of range (the message names the key).</exception>
    public static IMemoryBuilder WithConfiguredProviders(this IMemoryBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        var services = builder.Services;

        var llm = Bind<LanguageModelOptions>(configuration, LlmSection);
        if (llm.IsConfigured)
        {
            services.RemoveAll<IChatClient>();
            services.AddSingleton<IChatClient>(sp => new OpenAICompatibleChatClient(llm, sp.GetService<TimeProvider>()));
            services.RemoveAll<IFactExtractor>();
            services.AddSingleton<IFactExtractor>(sp => new LlmFactExtractor(sp.GetRequiredService<IChatClient>(), null, sp.GetService<TimeProvider>()));
            services.RemoveAll<IReranker>();
            services.AddSingleton<IReranker>(sp => new LlmReranker(sp.GetRequiredService<IChatClient>()));
            if (llm.ExtractRelations)
            {
                services.RemoveAll<IRelationExtractor>();
                services.AddSingleton<IRelationExtractor>(sp => new LlmRelationExtractor(
                    sp.GetRequiredService<IChatClient>(), null, sp.GetService<TimeProvider>(), sp.GetService<Microsoft.Extensions.Logging.ILogger<LlmRelationExtractor>>()));
            }
        }

        var embedder = Bind<EmbedderOptions>(configuration, EmbedderSection);
        if (embedder.IsConfigured)
        {
            services.RemoveAll<IEmbeddingGenerator<string, Embedding<float>>>();
            services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(sp => new OpenAICompatibleEmbeddingGenerator(embedder, sp.GetService<TimeProvider>()));
        }
        else if (embedder.IsHashing)
        {
            var hashing = new HashingEmbeddingOptions();
            if (embedder.Dimensions is { } dimensions)
            {
                hashing.Dimensions = dimensions is >= HashingEmbeddingOptions.MinDimensions and <= HashingEmbeddingOptions.MaxDimensions
                    ? dimensions
                    : throw new OptionsValidationException(EmbedderSection, typeof(EmbedderOptions), [
                        $"{EmbedderSection}:Dimensions must be between {HashingEmbeddingOptions.MinDimensions} and {HashingEmbeddingOptions.MaxDimensions} for the hashing embedder, not {dimensions}."]);
            }

            services.RemoveAll<IEmbeddingGenerator<string, Embedding<float>>>();
            services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(_ => new HashingEmbeddingGenerator(hashing));

            // The retrieval defaults measured best for a lexical embedder (docs/quality.md): raw cosines, no speaker in the
            // vector. Keys set in configuration win.
            var retrieval = configuration.GetSection(RetrievalSection);
            services.PostConfigure<MemoryOptions>(options =>
            {
                if (retrieval[nameof(RetrievalOptions.VectorNormalization)] is null)
                {
                    options.Retrieval.VectorNormalization = VectorNormalization.Cosine;
                }

                if (retrieval[nameof(RetrievalOptions.EmbedSpeaker)] is null)
                {
                    options.Retrieval.EmbedSpeaker = false;
                }
            });
        }
        else if (configuration.GetSection(OnnxSection) is { } onnx && onnx.Exists())
        {
            var onnxOptions = onnx.Get<OnnxEmbeddingOptions>() ?? new OnnxEmbeddingOptions();
            services.RemoveAll<IEmbeddingGenerator<string, Embedding<float>>>();
            services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(_ => new OnnxEmbeddingGenerator(onnxOptions));
        }

        return builder;
    }

    private static T Bind<T>(IConfiguration configuration, string section)
        where T : ProviderOptions, new()
    {
        var options = configuration.GetSection(section).Get<T>() ?? new T();
        if (!options.IsConfigured)
        {
            return options;
        }

        var failures = new List<string>();
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            failures.AddRange(results.Select(r => $"{section}:{string.Join(',', r.MemberNames)}: {r.ErrorMessage}"));
        }

        if (string.IsNullOrWhiteSpace(options.Model))
        {
            failures.Add($"{section}:Model is required when {section}:Provider is '{options.Provider}'.");
        }

        if (options.BaseUrl is null && ProviderDefaults.BaseUrl(options.Provider) is null)
        {
            failures.Add($"{section}:BaseUrl is required for provider '{options.Provider}'.");
        }

        return failures.Count == 0 ? options : throw new OptionsValidationException(section, typeof(T), failures);
    }
}
