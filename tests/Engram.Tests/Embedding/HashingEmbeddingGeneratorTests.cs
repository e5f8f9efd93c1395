using System.Globalization;
using System.Numerics.Tensors;
using Microsoft.Extensions.AI;

namespace Engram.Tests.Embedding;

public sealed class HashingEmbeddingGeneratorTests
{
    private static float Cosine(float[] a, float[] b) => TensorPrimitives.Dot(a, b);

    [Fact]
    public async Task GenerateAsync_SameTextTwoInstances_IdenticalVectors()
    {
        using var first = new HashingEmbeddingGenerator();
        using var second = new HashingEmbeddingGenerator(new HashingEmbeddingOptions());

        var a = await first.GenerateAsync(["Caroline went to a LGBTQ support group yesterday."]);
        var b = await second.GenerateAsync(["Caroline went to a LGBTQ support group yesterday."]);

        Assert.True(a[0].Vector.Span.SequenceEqual(b[0].Vector.Span));
    }

    [Fact]
    public void Embed_KnownText_StableAcrossVersions()
    {
        // Golden values, cross-checked with an independent Python implementation of the documented algorithm
        // (FNV-1a 64 + fmix64, bucket = h mod 64, sign = top bit). A change here changes every stored vector and
        // needs a new model id.
        const string Golden =
            "1:0.1072,2:0.1072,3:-0.1072,4:0.3216,7:0.1072,8:-0.4288,9:-0.1072,11:0.1072,12:0.1072,15:0.1072," +
            "16:-0.1072,17:-0.1072,20:0.1072,28:-0.1072,29:0.5361,31:-0.2144,33:-0.2144,35:-0.1072,37:0.1072," +
            "47:-0.3216,49:-0.1072,51:-0.1072,53:0.1072,60:0.1072,62:-0.1072,63:0.1072";

        var vector = new HashingEmbeddingGenerator(new HashingEmbeddingOptions { Dimensions = 64 }).Embed("Caroline loves hiking");

        var nonZero = vector.Select((value, index) => (value, index)).Where(p => p.value != 0);
        Assert.Equal(Golden, string.Join(",", nonZero.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.index}:{p.value:F4}"))));
    }

    [Fact]
    public async Task GenerateAsync_DefaultOptions_Has512DimensionsAndUnitNorm()
    {
        using var generator = new HashingEmbeddingGenerator();

        var embeddings = await generator.GenerateAsync(["I love hiking in the mountains", "x"]);

        Assert.All(embeddings, e =>
        {
            Assert.Equal(512, e.Vector.Length);
            Assert.Equal(1f, TensorPrimitives.Norm(e.Vector.Span), 4);
            Assert.Equal("engram-hashing-v1", e.ModelId);
        });
    }

    [Theory]
    [InlineData(16)]
    [InlineData(100)]
    [InlineData(8192)]
    public void Embed_CustomDimensions_HasThatLength(int dimensions)
    {
        var generator = new HashingEmbeddingGenerator(new HashingEmbeddingOptions { Dimensions = dimensions });
        var vector = generator.Embed("painting a sunset over the lake");

        Assert.Equal(dimensions, vector.Length);
        Assert.Equal(dimensions, generator.Dimensions);
        Assert.Equal(1f, TensorPrimitives.Norm<float>(vector), 4);
    }

    [Fact]
    public async Task GenerateAsync_DimensionsOption_OverridesForTheCall()
    {
        using var generator = new HashingEmbeddingGenerator();

        var embeddings = await generator.GenerateAsync(["hello world"], new EmbeddingGenerationOptions { Dimensions = 128 });

        Assert.Equal(128, embeddings[0].Vector.Length);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("the and of it was")]
    [InlineData("\U0001F600 !!!")]
    public void Embed_NoContentWords_ReturnsZeroVector(string text)
    {
        var vector = new HashingEmbeddingGenerator().Embed(text);

        Assert.Equal(512, vector.Length);
        Assert.All(vector, v => Assert.Equal(0f, v));
    }

    [Fact]
    public async Task GenerateAsync_NullElement_TreatedAsEmpty()
    {
        using var generator = new HashingEmbeddingGenerator();
        var embeddings = await generator.GenerateAsync([null!]);
        Assert.All(embeddings[0].Vector.ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Embed_SimilarTexts_CloserThanUnrelated()
    {
        var generator = new HashingEmbeddingGenerator();
        var query = generator.Embed("When did Caroline go hiking in the mountains?");
        var related = generator.Embed("Caroline went hiking in the mountains last weekend.");
        var unrelated = generator.Embed("Melanie painted a sunset over the lake for her kids.");

        Assert.True(Cosine(query, related) > Cosine(query, unrelated) + 0.2f);
        Assert.True(Cosine(query, unrelated) < 0.2f);
    }

    [Fact]
    public void Embed_Inflections_OverlapThroughStems()
    {
        var generator = new HashingEmbeddingGenerator();
        Assert.True(Cosine(generator.Embed("She paints landscapes"), generator.Embed("painting a landscape")) > 0.5f);
    }

    [Fact]
    public void Embed_WordOrder_MattersOnlyWithBigrams()
    {
        var withBigrams = new HashingEmbeddingGenerator(new HashingEmbeddingOptions { CharNGramWeight = 0 });
        var withoutBigrams = new HashingEmbeddingGenerator(new HashingEmbeddingOptions { CharNGramWeight = 0, BigramWeight = 0 });

        Assert.True(Cosine(withBigrams.Embed("new york pizza"), withBigrams.Embed("pizza york new")) < 0.95f);
        Assert.Equal(1f, Cosine(withoutBigrams.Embed("new york pizza"), withoutBigrams.Embed("pizza york new")), 4);
    }

    [Fact]
    public void Embed_Typo_MatchesOnlyWithCharNGrams()
    {
        var withCharGrams = new HashingEmbeddingGenerator();
        var wordsOnly = new HashingEmbeddingGenerator(new HashingEmbeddingOptions { CharNGramWeight = 0, BigramWeight = 0 });

        Assert.True(Cosine(withCharGrams.Embed("hikking"), withCharGrams.Embed("hiking")) > 0.2f);
        Assert.Equal(0f, Cosine(wordsOnly.Embed("hikking"), wordsOnly.Embed("hiking")), 4);
    }

    [Fact]
    public void Embed_RepeatedWord_SublinearWeight()
    {
        var generator = new HashingEmbeddingGenerator(new HashingEmbeddingOptions { CharNGramWeight = 0, BigramWeight = 0 });
        var once = generator.Embed("dog cat");
        var many = generator.Embed("dog dog dog dog cat");

        // tf = 4 gives weight 1 + ln 4 ≈ 2.39 against 1, not 4 against 1.
        var ratio = Cosine(once, many);
        Assert.InRange(ratio, 0.85f, 0.95f);
    }

    [Fact]
    public async Task GenerateAsync_ManyTexts_KeepsInputOrder()
    {
        using var generator = new HashingEmbeddingGenerator();
        string[] texts = ["first about dogs", "second about cats", "third about birds"];

        var embeddings = await generator.GenerateAsync(texts);

        Assert.Equal(3, embeddings.Count);
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.Equal(generator.Embed(texts[i]), embeddings[i].Vector.ToArray());
        }

        Assert.Equal(9, embeddings.Usage?.InputTokenCount);
    }

    [Fact]
    public void Metadata_Default_DescribesTheModel()
    {
        using var generator = new HashingEmbeddingGenerator();

        Assert.Equal("engram", generator.Metadata.ProviderName);
        Assert.Equal("engram-hashing-v1", generator.Metadata.DefaultModelId);
        Assert.Equal(512, generator.Metadata.DefaultModelDimensions);
        Assert.Null(generator.Metadata.ProviderUri);
    }

    [Fact]
    public void GetService_KnownTypes_ReturnsMetadataOrSelf()
    {
        using var generator = new HashingEmbeddingGenerator();
        var asInterface = generator;

        Assert.Same(generator.Metadata, asInterface.GetService(typeof(EmbeddingGeneratorMetadata)));
        Assert.Same(generator, asInterface.GetService(typeof(IEmbeddingGenerator<string, Embedding<float>>)));
        Assert.Same(generator, asInterface.GetService<HashingEmbeddingGenerator>());
        Assert.Null(asInterface.GetService(typeof(string)));
        Assert.Null(asInterface.GetService(typeof(EmbeddingGeneratorMetadata), "key"));
        Assert.Throws<ArgumentNullException>(() => asInterface.GetService(null!));
    }

    [Theory]
    [InlineData(15)]
    [InlineData(8193)]
    [InlineData(0)]
    public void Constructor_DimensionsOutOfRange_Throws(int dimensions)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new HashingEmbeddingGenerator(new HashingEmbeddingOptions { Dimensions = dimensions }));
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Constructor_InvalidWeight_Throws(double weight)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new HashingEmbeddingGenerator(new HashingEmbeddingOptions { WordWeight = weight }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HashingEmbeddingGenerator(new HashingEmbeddingOptions { BigramWeight = weight }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HashingEmbeddingGenerator(new HashingEmbeddingOptions { CharNGramWeight = weight }));
    }

    [Fact]
    public async Task GenerateAsync_InvalidDimensionsOption_Throws()
    {
        using var generator = new HashingEmbeddingGenerator();
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => generator.GenerateAsync(["x"], new EmbeddingGenerationOptions { Dimensions = 4 }));
    }

    [Fact]
    public async Task GenerateAsync_Canceled_Throws()
    {
        using var generator = new HashingEmbeddingGenerator();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => generator.GenerateAsync(["x"], cancellationToken: cts.Token));
    }

    [Fact]
    public async Task GenerateAsync_NullValues_Throws()
    {
        using var generator = new HashingEmbeddingGenerator();
        await Assert.ThrowsAsync<ArgumentNullException>(() => generator.GenerateAsync(null!));
    }

    [Fact]
    public async Task GenerateAsync_Concurrent_SameResults()
    {
        using var generator = new HashingEmbeddingGenerator();
        var expected = generator.Embed("Melanie painted the lake sunrise last year");

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ =>
            Task.Run(() => generator.GenerateAsync(["Melanie painted the lake sunrise last year"]))));

        Assert.All(results, r => Assert.Equal(expected, r[0].Vector.ToArray()));
    }
}
