using System.Buffers;
using System.Numerics.Tensors;
using System.Reflection;
using System.Security.Cryptography;
using FastBertTokenizer;
using Microsoft.ML.OnnxRuntime;

namespace Engram.Onnx;

/// <summary>
/// One BERT-style ONNX model and its WordPiece tokenizer: a text in, its first-token ([CLS]) vector out, L2-normalised.
/// Every text is run on its own (batch size 1), so a vector depends on its text alone.
/// </summary>
/// <remarks>
/// Thread-safe: <see cref="InferenceSession.Run(RunOptions, IReadOnlyCollection{string}, IReadOnlyCollection{OrtValue}, IReadOnlyCollection{string})"/>
/// may be called concurrently, and the tokenizer is only used through its span overloads with per-call buffers.
/// </remarks>
internal sealed class BertEncoder : IDisposable
{
    /// <summary>The model's token limit, [CLS] and [SEP] included.</summary>
    public const int MaxTokens = 512;

    private const string ShippedModelResource = "Engram.Onnx.arctic-embed-xs-int8.onnx";
    private const string ShippedVocabularyResource = "Engram.Onnx.vocab.txt";

    private readonly InferenceSession _session;
    private readonly BertTokenizer _tokenizer;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly bool _tokenTypes;

    private BertEncoder(byte[] model, TextReader vocabulary, int intraOpThreads)
    {
        ModelSha256 = Convert.ToHexStringLower(SHA256.HashData(model));
        _tokenizer = new BertTokenizer();
        _tokenizer.LoadVocabulary(vocabulary, convertInputToLowercase: true);

        using var options = new SessionOptions
        {
            IntraOpNumThreads = intraOpThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        // Spinning worker threads burn a core while idle; a memory engine shares its machine with its host.
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        _session = new InferenceSession(model, options);

        var inputs = _session.InputMetadata.Keys.ToHashSet(StringComparer.Ordinal);
        if (!inputs.Contains("input_ids") || !inputs.Contains("attention_mask"))
        {
            throw new InvalidOperationException($"The ONNX model must take input_ids and attention_mask; it takes {string.Join(", ", inputs)}.");
        }

        _tokenTypes = inputs.Contains("token_type_ids");
        _inputNames = _tokenTypes ? ["input_ids", "attention_mask", "token_type_ids"] : ["input_ids", "attention_mask"];
        var output = _session.OutputMetadata.FirstOrDefault(o => o.Value.Dimensions.Length == 3);
        if (output.Key is null || output.Value.Dimensions[2] <= 0)
        {
            throw new InvalidOperationException("The ONNX model must have a [batch, tokens, dimensions] output with a fixed dimension.");
        }

        _outputNames = [output.Key];
        Dimensions = output.Value.Dimensions[2];
    }

    /// <summary>Gets the vector dimension (384 for snowflake-arctic-embed-xs).</summary>
    public int Dimensions { get; }

    /// <summary>Gets the SHA-256 of the model file, lower-case hex.</summary>
    public string ModelSha256 { get; }

    /// <summary>Loads the model shipped in this assembly (int8 snowflake-arctic-embed-xs and its vocabulary).</summary>
    public static BertEncoder LoadShipped(int intraOpThreads)
    {
        var assembly = typeof(BertEncoder).Assembly;
        var model = ReadResource(assembly, ShippedModelResource);
        using var vocabulary = new StreamReader(OpenResource(assembly, ShippedVocabularyResource));
        return new BertEncoder(model, vocabulary, intraOpThreads);
    }

    /// <summary>Loads a model and vocabulary from files.</summary>
    public static BertEncoder LoadFiles(string modelPath, string vocabularyPath, int intraOpThreads)
    {
        var model = File.ReadAllBytes(modelPath);
        using var vocabulary = new StreamReader(vocabularyPath);
        return new BertEncoder(model, vocabulary, intraOpThreads);
    }

    /// <summary>Embeds one text: the [CLS] vector of its first 510 word pieces, L2-normalised.</summary>
    public float[] Embed(string text)
    {
        var ids = ArrayPool<long>.Shared.Rent(MaxTokens);
        var mask = ArrayPool<long>.Shared.Rent(MaxTokens);
        try
        {
            var count = _tokenizer.Encode(text, ids.AsSpan(0, MaxTokens), mask.AsSpan(0, MaxTokens), padTo: null);
            var vector = new float[Dimensions];
            Run(ids, count, vector);
            Normalize(vector);
            return vector;
        }
        finally
        {
            ArrayPool<long>.Shared.Return(ids);
            ArrayPool<long>.Shared.Return(mask);
        }
    }

    /// <summary>
    /// Embeds a text of any length: its word pieces (up to <paramref name="maxTokens"/>) in windows of 510, each run on
    /// its own; the text's vector is the L2-normalised mean of the normalised window vectors.
    /// </summary>
    public float[] EmbedChunked(string text, int maxTokens)
    {
        var all = ArrayPool<long>.Shared.Rent(maxTokens);
        var mask = ArrayPool<long>.Shared.Rent(maxTokens);
        var window = ArrayPool<long>.Shared.Rent(MaxTokens);
        try
        {
            var count = _tokenizer.Encode(text, all.AsSpan(0, maxTokens), mask.AsSpan(0, maxTokens), padTo: null);
            if (count <= MaxTokens)
            {
                var single = new float[Dimensions];
                Run(all, count, single);
                Normalize(single);
                return single;
            }

            // all = [CLS] pieces… [SEP]; each window is [CLS] up to 510 pieces [SEP].
            long cls = all[0], sep = all[count - 1];
            var pieces = count - 2;
            var sum = new float[Dimensions];
            var part = new float[Dimensions];
            for (var start = 0; start < pieces; start += MaxTokens - 2)
            {
                var length = Math.Min(MaxTokens - 2, pieces - start);
                window[0] = cls;
                Array.Copy(all, 1 + start, window, 1, length);
                window[length + 1] = sep;
                Run(window, length + 2, part);
                Normalize(part);
                TensorPrimitives.Add(sum, part, sum);
            }

            Normalize(sum);
            return sum;
        }
        finally
        {
            ArrayPool<long>.Shared.Return(all);
            ArrayPool<long>.Shared.Return(mask);
            ArrayPool<long>.Shared.Return(window);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _session.Dispose();

    private void Run(long[] ids, int count, float[] destination)
    {
        var shape = new long[] { 1, count };
        var ones = ArrayPool<long>.Shared.Rent(count);
        var zeros = _tokenTypes ? ArrayPool<long>.Shared.Rent(count) : null;
        try
        {
            Array.Fill(ones, 1L, 0, count);
            using var inputIds = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, ids.AsMemory(0, count), shape);
            using var attention = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, ones.AsMemory(0, count), shape);
            OrtValue? tokenTypes = null;
            try
            {
                OrtValue[] inputs;
                if (zeros is not null)
                {
                    Array.Clear(zeros, 0, count);
                    tokenTypes = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, zeros.AsMemory(0, count), shape);
                    inputs = [inputIds, attention, tokenTypes];
                }
                else
                {
                    inputs = [inputIds, attention];
                }

                using var runOptions = new RunOptions();
                using var outputs = _session.Run(runOptions, _inputNames, inputs, _outputNames);
                outputs[0].GetTensorDataAsSpan<float>()[..Dimensions].CopyTo(destination);
            }
            finally
            {
                tokenTypes?.Dispose();
            }
        }
        finally
        {
            ArrayPool<long>.Shared.Return(ones);
            if (zeros is not null)
            {
                ArrayPool<long>.Shared.Return(zeros);
            }
        }
    }

    private static void Normalize(float[] vector)
    {
        var norm = TensorPrimitives.Norm(vector);
        if (norm > 0)
        {
            TensorPrimitives.Divide(vector, norm, vector);
        }
    }

    private static Stream OpenResource(Assembly assembly, string name) =>
        assembly.GetManifestResourceStream(name)
        ?? throw new InvalidOperationException($"The resource '{name}' is missing from {assembly.GetName().Name}; the build did not embed the shipped model (src/Engram.Onnx/Model).");

    private static byte[] ReadResource(Assembly assembly, string name)
    {
        using var stream = OpenResource(assembly, name);
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }
}
