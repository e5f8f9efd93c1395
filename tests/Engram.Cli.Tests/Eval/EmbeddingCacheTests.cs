using Engram.Cli.Hosting;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Engram.Cli.Tests.Eval;

public sealed class EmbeddingCacheTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task GenerateAsync_PartlyCachedBatch_SendsOnlyTheMissesInOneCall()
    {
        using var cache = EmbeddingCache.Open(_temp.Combine("cache.db"));
        using var inner = new CountingGenerator(new HashingEmbeddingGenerator());
        using var generator = new CachingEmbeddingGenerator(inner, cache);

        var first = await generator.GenerateAsync(["a red fox", "a brown dog"]);
        var second = await generator.GenerateAsync(
            ["a brown dog", "a grey cat", "a red fox", "a grey cat"]);

        Assert.Equal(2, inner.Calls.Count);
        Assert.Equal(["a red fox", "a brown dog"], inner.Calls[0]);
        Assert.Equal(["a grey cat"], inner.Calls[1]); // the one miss, once, although asked twice
        using var reference = new HashingEmbeddingGenerator();
        var expected = await reference.GenerateAsync(["a brown dog", "a grey cat", "a red fox", "a grey cat"]);
        Assert.Equal(4, second.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.True(expected[i].Vector.Span.SequenceEqual(second[i].Vector.Span), $"vector {i}");
        }

        Assert.True(first[0].Vector.Span.SequenceEqual(second[2].Vector.Span));
        var statistics = cache.GetStatistics();
        Assert.Equal((2L, 4L, 2L), (statistics.Hits, statistics.Misses, statistics.GeneratorCalls));
    }

    [Fact]
    public async Task GenerateAsync_ReopenedFile_AnswersWithoutTheGenerator()
    {
        var path = _temp.Combine("cache.db");
        float[] stored;
        using (var cache = EmbeddingCache.Open(path))
        using (var generator = new CachingEmbeddingGenerator(new HashingEmbeddingGenerator(), cache))
        {
            stored = (await generator.GenerateAsync(["Caroline went hiking"]))[0].Vector.ToArray();
        }

        using var reopened = EmbeddingCache.Open(path);
        using var inner = new CountingGenerator(new HashingEmbeddingGenerator());
        using var again = new CachingEmbeddingGenerator(inner, reopened);
        var vector = (await again.GenerateAsync(["Caroline went hiking"]))[0];

        Assert.Empty(inner.Calls);
        Assert.Equal(stored, vector.Vector.ToArray());
        Assert.Equal(HashingEmbeddingGenerator.ModelId, vector.ModelId);
    }

    [Fact]
    public async Task GenerateAsync_QueryPurposeOrOtherEmbedder_IsAnotherKey()
    {
        using var cache = EmbeddingCache.Open(_temp.Combine("cache.db"));
        using var inner = new CountingGenerator(new HashingEmbeddingGenerator());
        using var generator = new CachingEmbeddingGenerator(inner, cache);
        using var otherInner = new CountingGenerator(new HashingEmbeddingGenerator(new HashingEmbeddingOptions { Dimensions = 64 }));
        using var other = new CachingEmbeddingGenerator(otherInner, cache);

        await generator.GenerateAsync(["pottery class"]);
        await generator.GenerateAsync(["pottery class"], EmbeddingPurpose.ForQuery());
        await generator.GenerateAsync(["pottery class"], EmbeddingPurpose.ForQuery());
        var small = await other.GenerateAsync(["pottery class"]);

        Assert.Equal(2, inner.Calls.Count); // document, then query; the second query is a hit
        Assert.Single(otherInner.Calls); // 64 dimensions: another embedder identity
        Assert.Equal(64, small[0].Vector.Length);
        Assert.NotEqual(
            EmbeddingCache.Key(EmbeddingCache.EmbedderIdentity(inner), EmbeddingPurpose.Document, "pottery class"),
            EmbeddingCache.Key(EmbeddingCache.EmbedderIdentity(inner), EmbeddingPurpose.Query, "pottery class"));
    }

    [Fact]
    public void Decorate_RegisteredEmbedder_IsWrappedAndKeepsItsMetadata()
    {
        using var cache = EmbeddingCache.Open(_temp.Combine("cache.db"));
        var services = new ServiceCollection();
        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(_ => new HashingEmbeddingGenerator());

        cache.Decorate(services);
        using var provider = services.BuildServiceProvider();
        var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();

        Assert.IsType<CachingEmbeddingGenerator>(generator);
        Assert.Equal(HashingEmbeddingGenerator.ModelId, generator.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId);
        Assert.Single(services, d => d.ServiceType == typeof(IEmbeddingGenerator<string, Embedding<float>>));
    }

    [Fact]
    public async Task Open_NotASqliteFile_ThrowsDataError()
    {
        var path = _temp.Combine("not-a-cache.db");
        await File.WriteAllTextAsync(path, "this is not a database, just text long enough to fill a header page");

        Assert.Throws<CliDataException>(() => EmbeddingCache.Open(path));
    }

    /// <summary>Records the texts of every call, then delegates (a test double of the M.E.AI interface, not of our code).</summary>
    private sealed class CountingGenerator(IEmbeddingGenerator<string, Embedding<float>> inner)
        : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner)
    {
        public List<List<string>> Calls { get; } = [];

        public override Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
            IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            var texts = values.ToList();
            lock (Calls)
            {
                Calls.Add(texts);
            }

            return base.GenerateAsync(texts, options, cancellationToken);
        }
    }
}
