using Engram.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Engram.OpenAI.Tests;

public sealed class OpenAIProviderTests
{
    [Fact]
    public async Task ChatClient_GetResponseAsync_RoundTripsTextAndUsage()
    {
        await using var server = await ScriptedOpenAIServer.StartAsync();
        server.Script.Enqueue(_ => ScriptedReply.Content("hello back"));
        using var client = new OpenAICompatibleChatClient(new LanguageModelOptions { Provider = "vllm", BaseUrl = server.BaseUrl, Model = "m" });

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.System, "be brief"), new ChatMessage(ChatRole.User, "hello")]);

        Assert.Equal("hello back", response.Text);
        Assert.Equal(100, response.Usage?.InputTokenCount);
        Assert.Contains("\"role\":\"system\"", Assert.Single(server.ChatBodies), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChatClient_JsonSchemaFormat_IsSentAsStructuredOutput()
    {
        await using var server = await ScriptedOpenAIServer.StartAsync();
        using var client = new OpenAICompatibleChatClient(new LanguageModelOptions { Provider = "vllm", BaseUrl = server.BaseUrl, Model = "m" });
        var schema = System.Text.Json.JsonDocument.Parse("""{"type":"object","properties":{"facts":{"type":"array"}}}""").RootElement;

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "x")], new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema, "facts") });

        Assert.Contains("json_schema", Assert.Single(server.ChatBodies), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChatClient_StructuredOutputOff_FallsBackToJsonObject()
    {
        await using var server = await ScriptedOpenAIServer.StartAsync();
        using var client = new OpenAICompatibleChatClient(new LanguageModelOptions { Provider = "vllm", BaseUrl = server.BaseUrl, Model = "m", UseStructuredOutput = false });
        var schema = System.Text.Json.JsonDocument.Parse("""{"type":"object"}""").RootElement;

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "x")], new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema, "facts") });

        var body = Assert.Single(server.ChatBodies);
        Assert.Contains("json_object", body, StringComparison.Ordinal);
        Assert.DoesNotContain("json_schema", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmbeddingGenerator_DetectsDimensionFromFirstAnswer()
    {
        await using var server = await ScriptedOpenAIServer.StartAsync(embeddingDimensions: 48);
        using var generator = new OpenAICompatibleEmbeddingGenerator(new EmbedderOptions { Provider = "ollama", BaseUrl = server.BaseUrl, Model = "e" });
        Assert.Null(generator.Metadata.DefaultModelDimensions);

        var embeddings = await generator.GenerateAsync(["alpha", "beta"]);

        Assert.Equal(2, embeddings.Count);
        Assert.Equal(48, embeddings[0].Vector.Length);
        Assert.Equal(48, generator.Metadata.DefaultModelDimensions);
    }

    [Fact]
    public void WithConfiguredProviders_MissingModel_FailsNamingTheKey()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Engram:Llm:Provider"] = "openai",
        }).Build();
        var services = new ServiceCollection();
        var ex = Assert.Throws<OptionsValidationException>(() => services.AddEngram().WithConfiguredProviders(configuration));
        Assert.Contains("Engram:Llm:Model", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithConfiguredProviders_NoSections_KeepsOfflineDefaults()
    {
        var services = new ServiceCollection();
        services.AddEngram().WithSqliteStore(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "e.db"))
            .WithConfiguredProviders(new ConfigurationBuilder().Build());
        using var provider = services.BuildServiceProvider();
        Assert.IsType<RuleBasedFactExtractor>(provider.GetRequiredService<IFactExtractor>());
        Assert.IsType<Engram.Onnx.OnnxEmbeddingGenerator>(provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());
    }

    [Theory]
    [InlineData(null, 512)]
    [InlineData("256", 256)]
    public void WithConfiguredProviders_HashingWithDimensions_SizesTheHashingEmbedder(string? dimensions, int expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Engram:Embedder:Provider"] = "hashing",
            ["Engram:Embedder:Dimensions"] = dimensions,
        }).Build();
        var services = new ServiceCollection();
        services.AddEngram().WithSqliteStore(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "e.db")).WithConfiguredProviders(configuration);
        using var serviceProvider = services.BuildServiceProvider();
        var embedder = Assert.IsType<HashingEmbeddingGenerator>(serviceProvider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());
        Assert.Equal(expected, embedder.Metadata.DefaultModelDimensions);
    }

    [Fact]
    public void WithConfiguredProviders_HashingWithDimensionsOutOfRange_NamesTheKey()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Engram:Embedder:Provider"] = "hashing",
            ["Engram:Embedder:Dimensions"] = "9000",
        }).Build();

        var ex = Assert.Throws<OptionsValidationException>(() => new ServiceCollection().AddEngram().WithConfiguredProviders(configuration));

        Assert.Contains("Engram:Embedder:Dimensions", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("hashing", typeof(HashingEmbeddingGenerator))]
    [InlineData("HASHING", typeof(HashingEmbeddingGenerator))]
    [InlineData("onnx", typeof(Engram.Onnx.OnnxEmbeddingGenerator))]
    [InlineData("offline", typeof(Engram.Onnx.OnnxEmbeddingGenerator))]
    public void WithConfiguredProviders_OfflineEmbedderByName(string provider, Type expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Engram:Embedder:Provider"] = provider,
        }).Build();
        var services = new ServiceCollection();
        services.AddEngram().WithSqliteStore(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "e.db")).WithConfiguredProviders(configuration);
        using var serviceProvider = services.BuildServiceProvider();
        Assert.IsType(expected, serviceProvider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());
    }

    [Theory]
    [InlineData(null, null, VectorNormalization.Cosine, false)]
    [InlineData("MinMax", "true", VectorNormalization.MinMax, true)]
    public void WithConfiguredProviders_Hashing_TakesItsRetrievalDefaultsUnlessConfigured(string? normalization, string? embedSpeaker, VectorNormalization expected, bool expectedSpeaker)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Engram:Embedder:Provider"] = "hashing",
            ["Engram:Retrieval:VectorNormalization"] = normalization,
            ["Engram:Retrieval:EmbedSpeaker"] = embedSpeaker,
        }.Where(p => p.Value is not null)).Build();
        var services = new ServiceCollection();
        services.Configure<MemoryOptions>(configuration.GetSection("Engram"));
        services.AddEngram().WithSqliteStore(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "e.db")).WithConfiguredProviders(configuration);
        using var provider = services.BuildServiceProvider();
        var retrieval = provider.GetRequiredService<IOptions<MemoryOptions>>().Value.Retrieval;
        Assert.Equal(expected, retrieval.VectorNormalization);
        Assert.Equal(expectedSpeaker, retrieval.EmbedSpeaker);
    }

    [Fact]
    public void Defaults_AreTunedForTheNeuralEmbedder()
    {
        var retrieval = new MemoryOptions().Retrieval;
        Assert.Equal(VectorNormalization.MinMax, retrieval.VectorNormalization);
        Assert.True(retrieval.EmbedSpeaker);
    }

    [Fact]
    public async Task WithConfiguredProviders_OnnxSection_TunesTheNeuralEmbedder()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Engram:Embedder:Onnx:QueryPrefix"] = "",
            ["Engram:Embedder:Onnx:LongText"] = "ChunkMean",
        }).Build();
        var services = new ServiceCollection();
        services.AddEngram().WithSqliteStore(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "e.db")).WithConfiguredProviders(configuration);
        using var serviceProvider = services.BuildServiceProvider();
        var generator = Assert.IsType<Engram.Onnx.OnnxEmbeddingGenerator>(serviceProvider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());

        // No query prefix: a query and a document of the same text are the same vector.
        var query = await generator.GenerateAsync(["where does Ana live?"], EmbeddingPurpose.ForQuery());
        var document = await generator.GenerateAsync(["where does Ana live?"]);
        Assert.Equal(document[0].Vector.ToArray(), query[0].Vector.ToArray());
    }

    [Fact]
    public async Task WithConfiguredProviders_ChangedEmbedder_IsAClearErrorNamingBoth()
    {
        var directory = Path.Combine(Path.GetTempPath(), "engram-llm-" + Guid.NewGuid().ToString("N"));
        var offline = new ServiceCollection();
        offline.AddEngram().WithSqliteStore(Path.Combine(directory, "engram.db"));
        offline.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(new HashingEmbeddingGenerator());
        await using (var provider = offline.BuildServiceProvider())
        {
            await provider.GetRequiredService<IMemory>().AddAsync(new AddMemoriesRequest { Messages = [MemoryMessage.User("x")], Scope = MemoryScope.ForUser("ana"), Infer = false });
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await using var fixture = await LlmEngineFixture.CreateAsync(directory: directory);
        var ex = await Assert.ThrowsAsync<EmbeddingMismatchException>(() => fixture.AddAsync("I like tea"));
        Assert.Contains("engram/engram-hashing-v1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("scripted-embed", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, await fixture.CountAsync());
    }
}
