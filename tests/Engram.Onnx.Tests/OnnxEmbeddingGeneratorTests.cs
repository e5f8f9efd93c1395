using System.Numerics.Tensors;
using Microsoft.Extensions.AI;

namespace Engram.Onnx.Tests;

public sealed class OnnxEmbeddingGeneratorTests
{
    private static readonly OnnxEmbeddingGenerator Generator = new();

    private static async Task<float[]> EmbedAsync(IEmbeddingGenerator<string, Embedding<float>> generator, string text, bool query = false) =>
        (await generator.GenerateAsync([text], query ? EmbeddingPurpose.ForQuery() : null))[0].Vector.ToArray();

    [Fact]
    public async Task Vectors_have_384_dimensions_and_unit_length()
    {
        var vectors = await Generator.GenerateAsync(["I work as a nurse at Santa Maria hospital.", "", "🙂 + < = > ^"]);

        Assert.Equal(3, vectors.Count);
        foreach (var vector in vectors)
        {
            Assert.Equal(384, vector.Vector.Length);
            Assert.Equal(1f, TensorPrimitives.Norm(vector.Vector.Span), 3);
            Assert.Equal(Generator.Metadata.DefaultModelId, vector.ModelId);
        }
    }

    [Fact]
    public void Metadata_names_the_provider_the_model_and_its_hash()
    {
        Assert.Equal("onnx", Generator.Metadata.ProviderName);
        Assert.Equal(384, Generator.Metadata.DefaultModelDimensions);
        Assert.Matches("^[0-9a-f]{64}$", Generator.ModelSha256);
        Assert.Equal($"snowflake-arctic-embed-xs-int8@{Generator.ModelSha256[..12]}", Generator.Metadata.DefaultModelId);
        Assert.Same(Generator.Metadata, Generator.GetService<EmbeddingGeneratorMetadata>());
    }

    [Fact]
    public async Task A_vector_depends_on_its_text_alone_not_on_the_other_texts_of_the_call()
    {
        var texts = new[]
        {
            "Caroline: I went to a LGBTQ support group yesterday and it was so powerful.",
            "ok",
            string.Join(' ', Enumerable.Repeat("Melanie painted a sunrise over the lake last summer.", 40)),
            "Represent nothing: short.",
        };

        var batch = await Generator.GenerateAsync(texts);
        for (var i = 0; i < texts.Length; i++)
        {
            var alone = await EmbedAsync(Generator, texts[i]);
            Assert.Equal(alone, batch[i].Vector.ToArray());
        }
    }

    [Fact]
    public async Task Queries_get_the_instruction_prefix_and_documents_do_not()
    {
        const string Text = "What does Ana do for a living?";
        var asQuery = await EmbedAsync(Generator, Text, query: true);
        var asDocument = await EmbedAsync(Generator, Text);
        var prefixed = await EmbedAsync(Generator, OnnxEmbeddingOptions.ArcticQueryPrefix + Text);

        Assert.NotEqual(asDocument, asQuery);
        Assert.Equal(prefixed, asQuery);
    }

    [Fact]
    public async Task A_query_finds_the_memory_that_answers_it_without_sharing_its_words()
    {
        var query = await EmbedAsync(Generator, "What is Ana's job?", query: true);
        var answer = await EmbedAsync(Generator, "Ana works as a nurse at Santa Maria hospital.");
        var other = await EmbedAsync(Generator, "Ana's sister Joana lives in Porto and likes pizza.");

        Assert.True(TensorPrimitives.Dot(query, answer) > TensorPrimitives.Dot(query, other) + 0.05f);
    }

    [Fact]
    public async Task Long_texts_are_cut_at_512_tokens_or_averaged_over_chunks()
    {
        var head = string.Join(' ', Enumerable.Repeat("The committee discussed the annual budget in great detail.", 60));
        var longText = head + " " + string.Join(' ', Enumerable.Repeat("My dog Rex loves swimming in the ocean.", 60));
        using var chunked = new OnnxEmbeddingGenerator(new OnnxEmbeddingOptions { LongText = LongTextMode.ChunkMean });

        var cut = await EmbedAsync(Generator, longText);
        var cutHead = await EmbedAsync(Generator, head + " My dog Rex");
        var mean = await EmbedAsync(chunked, longText);
        var shortCut = await EmbedAsync(Generator, "A short text.");
        var shortMean = await EmbedAsync(chunked, "A short text.");

        // Both texts share their first 510 word pieces, so truncation cannot tell them apart; the chunk mean reads the dog part.
        Assert.True(TensorPrimitives.Dot(cut, cutHead) > 0.99f);
        var dog = await EmbedAsync(Generator, "My dog Rex loves swimming in the ocean.");
        Assert.True(TensorPrimitives.Dot(mean, dog) > TensorPrimitives.Dot(cut, dog) + 0.05f);
        Assert.Equal(1f, TensorPrimitives.Norm(mean), 3);
        Assert.Equal(shortCut, shortMean);
    }

    [Fact]
    public async Task Concurrent_calls_give_the_vectors_of_serial_calls()
    {
        var texts = Enumerable.Range(0, 24).Select(i => $"Turn {i}: we talked about hiking trail number {i * 7} and the weather.").ToArray();
        var serial = new List<float[]>();
        foreach (var text in texts)
        {
            serial.Add(await EmbedAsync(Generator, text));
        }

        var parallel = await Task.WhenAll(texts.Select(t => Task.Run(() => EmbedAsync(Generator, t))));
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.Equal(serial[i], parallel[i]);
        }
    }

    [Fact]
    public async Task Repeated_queries_come_from_the_cache_with_the_same_vector()
    {
        var first = await Generator.GenerateAsync(["where did Ana move?"], EmbeddingPurpose.ForQuery());
        var second = await Generator.GenerateAsync(["where did Ana move?"], EmbeddingPurpose.ForQuery());
        using var uncached = new OnnxEmbeddingGenerator(new OnnxEmbeddingOptions { QueryCacheSize = 0 });
        var fresh = await uncached.GenerateAsync(["where did Ana move?"], EmbeddingPurpose.ForQuery());

        Assert.Equal(first[0].Vector.ToArray(), second[0].Vector.ToArray());
        Assert.Equal(first[0].Vector.ToArray(), fresh[0].Vector.ToArray());
    }

    [Fact]
    public void Options_out_of_range_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new OnnxEmbeddingGenerator(new OnnxEmbeddingOptions { IntraOpThreads = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new OnnxEmbeddingGenerator(new OnnxEmbeddingOptions { MaxDegreeOfParallelism = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new OnnxEmbeddingGenerator(new OnnxEmbeddingOptions { QueryCacheSize = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new OnnxEmbeddingGenerator(new OnnxEmbeddingOptions { MaxChunkedTokens = 100 }));
        Assert.Throws<ArgumentException>(() => new OnnxEmbeddingGenerator(new OnnxEmbeddingOptions { ModelPath = "model.onnx" }));
    }

    [Fact]
    public async Task Cancellation_is_honoured()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Generator.GenerateAsync(["a", "b"], cancellationToken: cts.Token));
    }
}
