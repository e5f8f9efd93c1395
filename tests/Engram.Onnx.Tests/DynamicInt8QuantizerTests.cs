using System.Runtime.InteropServices;
using Engram.ModelQuantizer;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace Engram.Onnx.Tests;

public sealed class DynamicInt8QuantizerTests
{
    private const int Vocabulary = 1024;
    private const int Width = 256;
    private const int Outputs = 64;

    [Fact]
    public void Quantize_GatherAndMatMul_ReplacesThemAndDropsFp32Weights()
    {
        var quantized = ModelProto.Parser.ParseFrom(DynamicInt8Quantizer.Quantize(TinyModel()));

        Assert.Equal(["Gather", "DequantizeLinear", "DynamicQuantizeMatMul"], quantized.Graph.Node.Select(n => n.OpType));
        Assert.Contains(quantized.OpsetImport, o => o.Domain == DynamicInt8Quantizer.MicrosoftDomain);
        Assert.DoesNotContain(quantized.Graph.Initializer, t => t.Name is "table" or "weights");
        Assert.Equal((int)TensorProto.Types.DataType.Int8, quantized.Graph.Initializer.Single(t => t.Name == "table_quantized").DataType);
        Assert.Equal([Outputs], quantized.Graph.Initializer.Single(t => t.Name == "weights_scale").Dims);
    }

    [Fact]
    public void Quantize_WithActivationRanges_SmoothsTheMatMulInput()
    {
        var ranges = new Dictionary<string, float[]> { ["embedded"] = Enumerable.Range(0, Width).Select(i => i == 7 ? 40f : 1f).ToArray() };

        var quantized = ModelProto.Parser.ParseFrom(DynamicInt8Quantizer.Quantize(TinyModel(), ranges));

        Assert.Equal(["Gather", "DequantizeLinear", "Mul", "DynamicQuantizeMatMul"], quantized.Graph.Node.Select(n => n.OpType));
        Assert.Equal("embedded_smoothed", quantized.Graph.Node[^1].Input[0]);
    }

    [Fact]
    public void Quantize_TinyModel_RunsInOnnxRuntimeCloseToFp32()
    {
        var fp32 = TinyModel();
        var ranges = new Dictionary<string, float[]> { ["embedded"] = Enumerable.Repeat(0.05f, Width).ToArray() };
        long[] ids = [3, 17, 1000, 512, 9];

        var expected = Run(fp32, ids);
        foreach (var quantized in new[] { DynamicInt8Quantizer.Quantize(fp32), DynamicInt8Quantizer.Quantize(fp32, ranges) })
        {
            var actual = Run(quantized, ids);
            for (var row = 0; row < ids.Length; row++)
            {
                Assert.True(Cosine(expected.AsSpan(row * Outputs, Outputs), actual.AsSpan(row * Outputs, Outputs)) > 0.999);
            }
        }
    }

    [Fact]
    public void Quantize_SameInput_GivesSameBytes()
    {
        var fp32 = TinyModel();

        Assert.Equal(DynamicInt8Quantizer.Quantize(fp32), DynamicInt8Quantizer.Quantize(fp32));
    }

    [Fact]
    public void Quantize_NotOnnx_ThrowsInvalidData()
    {
        Assert.Throws<InvalidDataException>(() => DynamicInt8Quantizer.Quantize([0xff, 0xff, 0xff]));
    }

    [Fact]
    public void ActivationRanges_FormatThenParse_RoundTrips()
    {
        var ranges = new Dictionary<string, float[]> { ["b"] = [1.25f, 0f, 33.9f], ["a"] = [0.00123f] };

        var text = ActivationRanges.Format(ranges, ["comment"]);
        var parsed = ActivationRanges.Parse(text);

        Assert.StartsWith("# comment\na\t0.00123\nb\t1.25 0 33.9\n", text, StringComparison.Ordinal);
        Assert.Equal(ranges["b"], parsed["b"]);
        Assert.Equal(ranges["a"], parsed["a"]);
    }

    // ids [1, L] -> Gather(table [1024, 256]) -> MatMul(weights [256, 64]) -> output [1, L, 64]; opset 11, as the real model.
    private static byte[] TinyModel()
    {
        var random = new Random(42);
        float[] Values(int count) => Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        TensorProto Tensor(string name, long[] dims, float[] values) => new()
        {
            Name = name,
            DataType = (int)TensorProto.Types.DataType.Float,
            Dims = { dims },
            RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan())),
        };
        ValueInfoProto Value(string name, TensorProto.Types.DataType type, params long[] dims) => new()
        {
            Name = name,
            Type = new TypeProto
            {
                TensorType = new TypeProto.Types.Tensor
                {
                    ElemType = (int)type,
                    Shape = new TensorShapeProto { Dim = { dims.Select(d => d < 0 ? new TensorShapeProto.Types.Dimension { DimParam = "length" } : new TensorShapeProto.Types.Dimension { DimValue = d }) } },
                },
            },
        };

        var model = new ModelProto
        {
            IrVersion = 6,
            OpsetImport = { new OperatorSetIdProto { Domain = "", Version = 11 } },
            Graph = new GraphProto
            {
                Name = "tiny",
                Node =
                {
                    new NodeProto { Name = "lookup", OpType = "Gather", Input = { "table", "ids" }, Output = { "embedded" } },
                    new NodeProto { Name = "project", OpType = "MatMul", Input = { "embedded", "weights" }, Output = { "output" } },
                },
                Initializer = { Tensor("table", [Vocabulary, Width], Values(Vocabulary * Width)), Tensor("weights", [Width, Outputs], Values(Width * Outputs)) },
                Input = { Value("ids", TensorProto.Types.DataType.Int64, 1, -1) },
                Output = { Value("output", TensorProto.Types.DataType.Float, 1, -1, Outputs) },
            },
        };
        return model.ToByteArray();
    }

    private static float[] Run(byte[] model, long[] ids)
    {
        using var session = new InferenceSession(model);
        using var input = OrtValue.CreateTensorValueFromMemory(ids, [1, ids.Length]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, new Dictionary<string, OrtValue> { ["ids"] = input }, ["output"]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    private static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double dot = 0, normA = 0, normB = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            normA += a[i] * a[i];
            normB += b[i] * b[i];
        }

        return dot / Math.Sqrt(normA * normB);
    }
}
