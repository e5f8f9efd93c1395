using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace Engram.ModelQuantizer;

/// <summary>
/// Dynamic 8-bit quantization of an ONNX model's weights, as ONNX Runtime's Python <c>quantize_dynamic</c> does:
/// activations stay float and are quantized at run time.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>A <c>MatMul</c> whose second input is a float rank-2 initializer becomes a <c>com.microsoft</c>
/// <c>DynamicQuantizeMatMul</c>. Its weights are symmetric 8-bit, one scale per output column, stored as uint8 with
/// zero point 128: on x64 CPUs without VNNI, ONNX Runtime's uint8 × int8 kernel saturates 16-bit sums
/// (<c>vpmaddubsw</c>), which costs more accuracy than the uint8 × uint8 kernel.</item>
/// <item>When activation ranges are given for a <c>MatMul</c>'s float input, its outlier channels are smoothed into
/// the weights first (SmoothQuant): channel k of the input is multiplied by 2^-e(k) by an added <c>Mul</c> and row k
/// of the weights by 2^e(k), which leaves the product unchanged and narrows the range the run-time quantization of
/// the input has to cover. e(k) = round(0.75 log2(activation range) - 0.25 log2(weight range)).</item>
/// <item>A <c>Gather</c> (axis 0) from a float rank-2 initializer of at least <see cref="MinGatherTableBytes"/>
/// gathers from an int8 table, followed by a <c>DequantizeLinear</c> (one scale for the table), so that only the
/// gathered rows are dequantized.</item>
/// </list>
/// The replaced fp32 initializers are removed. The output depends only on the inputs. Thread-safe.
/// </remarks>
public static class DynamicInt8Quantizer
{
    /// <summary>The smallest lookup table (in fp32 bytes) that is quantized; smaller ones stay fp32.</summary>
    public const int MinGatherTableBytes = 1 << 20;

    /// <summary>The operator domain of <c>DynamicQuantizeMatMul</c>.</summary>
    public const string MicrosoftDomain = "com.microsoft";

    /// <summary>The share of an activation outlier moved into the weights (SmoothQuant's alpha).</summary>
    public const double SmoothingStrength = 0.75;

    private const int QMax = 127;
    private const int MaxSmoothingExponent = 16;

    /// <summary>Quantizes a serialized ONNX model.</summary>
    /// <param name="model">The serialized fp32 model.</param>
    /// <param name="activationRanges">
    /// Optional per-channel ranges of <c>MatMul</c> inputs (see <see cref="ActivationRanges"/>); inputs without
    /// ranges are not smoothed.
    /// </param>
    /// <returns>The serialized quantized model.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidDataException">
    /// The model is not valid ONNX, an initializer to quantize uses external data, or a range does not match its tensor.
    /// </exception>
    public static byte[] Quantize(byte[] model, IReadOnlyDictionary<string, float[]>? activationRanges = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ModelProto proto;
        try
        {
            proto = ModelProto.Parser.ParseFrom(model);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException("Not an ONNX model.", e);
        }

        var graph = proto.Graph ?? throw new InvalidDataException("The ONNX model has no graph.");
        new GraphQuantizer(graph, activationRanges ?? new Dictionary<string, float[]>()).Run();
        if (!proto.OpsetImport.Any(o => o.Domain == MicrosoftDomain))
        {
            proto.OpsetImport.Add(new OperatorSetIdProto { Domain = MicrosoftDomain, Version = 1 });
        }

        return proto.ToByteArray();
    }

    private sealed class GraphQuantizer(GraphProto graph, IReadOnlyDictionary<string, float[]> activationRanges)
    {
        private readonly Dictionary<string, TensorProto> _initializers = graph.Initializer
            .GroupBy(t => t.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);

        // An initializer that is also a graph input can be overridden at run time: leave it alone.
        private readonly HashSet<string> _graphInputs = graph.Input.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        private readonly Dictionary<string, float[]> _weights = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int[]> _smoothing = new(StringComparer.Ordinal);
        private readonly HashSet<string> _replaced = new(StringComparer.Ordinal);
        private readonly List<TensorProto> _added = [];
        private readonly List<NodeProto> _nodes = new(graph.Node.Count);

        public void Run()
        {
            PlanSmoothing();
            var smoothedInputs = new HashSet<string>(StringComparer.Ordinal);
            foreach (var node in graph.Node)
            {
                if (IsWeightMatMul(node))
                {
                    var input = node.Input[0];
                    if (_smoothing.TryGetValue(input, out var exponents) && smoothedInputs.Add(input))
                    {
                        AddSmoothing(input, exponents);
                    }

                    ReplaceMatMul(node, smoothedInputs.Contains(input) ? SmoothedName(input) : input);
                }
                else if (IsLookup(node))
                {
                    ReplaceGather(node);
                }
                else
                {
                    _nodes.Add(node);
                }
            }

            foreach (var tensor in _added.Where(t => _initializers.ContainsKey(t.Name)))
            {
                throw new InvalidDataException($"The model already has an initializer named {tensor.Name}.");
            }

            // A replaced initializer that something else still reads stays.
            var stillUsed = _nodes.SelectMany(n => n.Input).Concat(graph.Output.Select(o => o.Name)).ToHashSet(StringComparer.Ordinal);
            var dropped = _replaced.Where(name => !stillUsed.Contains(name)).ToHashSet(StringComparer.Ordinal);
            var kept = graph.Initializer.Where(t => !dropped.Contains(t.Name)).ToList();
            var valueInfo = graph.ValueInfo.Where(v => !dropped.Contains(v.Name)).ToList();

            graph.Node.Clear();
            graph.Node.AddRange(_nodes);
            graph.Initializer.Clear();
            graph.Initializer.AddRange(kept);
            graph.Initializer.AddRange(_added);
            graph.ValueInfo.Clear();
            graph.ValueInfo.AddRange(valueInfo);
        }

        private bool IsFloatMatrix(string name) =>
            _initializers.TryGetValue(name, out var tensor) && !_graphInputs.Contains(name)
            && tensor.DataType == (int)TensorProto.Types.DataType.Float && tensor.Dims.Count == 2;

        private bool IsWeightMatMul(NodeProto node) =>
            node.Domain.Length == 0 && node.OpType == "MatMul" && node.Input.Count == 2 && IsFloatMatrix(node.Input[1]);

        private bool IsLookup(NodeProto node) =>
            node.Domain.Length == 0 && node.OpType == "Gather" && node.Input.Count == 2
            && (node.Attribute.FirstOrDefault(a => a.Name == "axis")?.I ?? 0) == 0
            && IsFloatMatrix(node.Input[0])
            && ElementCount(_initializers[node.Input[0]]) * sizeof(float) >= MinGatherTableBytes;

        private float[] Weights(string name)
        {
            if (!_weights.TryGetValue(name, out var values))
            {
                _weights[name] = values = FloatValues(_initializers[name]);
            }

            return values;
        }

        // Smoothing scales weight rows, so an input is smoothed only when its MatMuls' weights are read by nothing else.
        private void PlanSmoothing()
        {
            var matMuls = graph.Node.Where(IsWeightMatMul).ToList();
            var readers = graph.Node.SelectMany(n => n.Input).GroupBy(n => n, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            foreach (var group in matMuls.GroupBy(n => n.Input[0], StringComparer.Ordinal))
            {
                if (!activationRanges.TryGetValue(group.Key, out var range))
                {
                    continue;
                }

                var weightNames = group.Select(n => n.Input[1]).Distinct(StringComparer.Ordinal).ToList();
                if (weightNames.Any(w => readers[w] != group.Count(n => n.Input[1] == w)
                    || matMuls.Any(n => n.Input[1] == w && n.Input[0] != group.Key)))
                {
                    continue;
                }

                var rows = range.Length;
                var weightRange = new float[rows];
                foreach (var name in weightNames)
                {
                    if (_initializers[name].Dims[0] != rows)
                    {
                        throw new InvalidDataException($"The activation range of {group.Key} has {rows} channels; {name} has {_initializers[name].Dims[0]} rows.");
                    }

                    var values = Weights(name);
                    var columns = values.Length / rows;
                    for (var i = 0; i < values.Length; i++)
                    {
                        weightRange[i / columns] = MathF.Max(weightRange[i / columns], MathF.Abs(values[i]));
                    }
                }

                var exponents = new int[rows];
                for (var k = 0; k < rows; k++)
                {
                    if (range[k] > 0f && weightRange[k] > 0f)
                    {
                        var exponent = Math.Round((SmoothingStrength * Math.Log2(range[k])) - ((1 - SmoothingStrength) * Math.Log2(weightRange[k])));
                        exponents[k] = (int)Math.Clamp(exponent, -MaxSmoothingExponent, MaxSmoothingExponent);
                    }
                }

                foreach (var name in weightNames)
                {
                    var values = Weights(name);
                    var columns = values.Length / rows;
                    for (var i = 0; i < values.Length; i++)
                    {
                        values[i] = MathF.ScaleB(values[i], exponents[i / columns]);
                    }
                }

                _smoothing[group.Key] = exponents;
            }
        }

        private void AddSmoothing(string input, int[] exponents)
        {
            var scaleName = input + "_smooth_scale";
            _added.Add(FloatTensor(scaleName, [exponents.Length], exponents.Select(e => MathF.ScaleB(1f, -e)).ToArray()));
            _nodes.Add(new NodeProto
            {
                Name = input + "_smooth",
                OpType = "Mul",
                Input = { input, scaleName },
                Output = { SmoothedName(input) },
            });
        }

        private void ReplaceMatMul(NodeProto node, string input)
        {
            var name = node.Input[1];
            if (_replaced.Add(name))
            {
                QuantizePerColumn(name);
            }

            _nodes.Add(new NodeProto
            {
                Name = node.Name,
                OpType = "DynamicQuantizeMatMul",
                Domain = MicrosoftDomain,
                Input = { input, QuantizedName(name), ScaleName(name), ZeroPointName(name) },
                Output = { node.Output },
            });
        }

        private void ReplaceGather(NodeProto node)
        {
            var name = node.Input[0];
            if (_replaced.Add(name))
            {
                QuantizePerTensor(name);
            }

            var gathered = node.Output[0] + "_quantized";
            _nodes.Add(new NodeProto
            {
                Name = node.Name,
                OpType = "Gather",
                Input = { QuantizedName(name), node.Input[1] },
                Output = { gathered },
                Attribute = { node.Attribute },
            });
            _nodes.Add(new NodeProto
            {
                Name = node.Name + "_dequantize",
                OpType = "DequantizeLinear",
                Input = { gathered, ScaleName(name), ZeroPointName(name) },
                Output = { node.Output[0] },
            });
        }

        private void QuantizePerColumn(string name)
        {
            var tensor = _initializers[name];
            var values = Weights(name);
            var columns = checked((int)tensor.Dims[1]);
            var maxAbs = new float[columns];
            for (var i = 0; i < values.Length; i++)
            {
                maxAbs[i % columns] = MathF.Max(maxAbs[i % columns], MathF.Abs(values[i]));
            }

            var scales = maxAbs.Select(Scale).ToArray();
            var quantized = new byte[values.Length];
            for (var i = 0; i < values.Length; i++)
            {
                quantized[i] = (byte)(Quantize(values[i], scales[i % columns]) + 128);
            }

            var zeroPoints = new byte[columns];
            Array.Fill(zeroPoints, (byte)128);
            _added.Add(ByteTensor(QuantizedName(name), TensorProto.Types.DataType.Uint8, tensor.Dims, quantized));
            _added.Add(FloatTensor(ScaleName(name), [columns], scales));
            _added.Add(ByteTensor(ZeroPointName(name), TensorProto.Types.DataType.Uint8, [columns], zeroPoints));
        }

        private void QuantizePerTensor(string name)
        {
            var tensor = _initializers[name];
            var values = Weights(name);
            var scale = Scale(values.Aggregate(0f, (max, v) => MathF.Max(max, MathF.Abs(v))));
            var quantized = new byte[values.Length];
            for (var i = 0; i < values.Length; i++)
            {
                quantized[i] = unchecked((byte)(sbyte)Quantize(values[i], scale));
            }

            _added.Add(ByteTensor(QuantizedName(name), TensorProto.Types.DataType.Int8, tensor.Dims, quantized));
            _added.Add(FloatTensor(ScaleName(name), [], [scale]));
            _added.Add(ByteTensor(ZeroPointName(name), TensorProto.Types.DataType.Int8, [], [0]));
        }
    }

    private static float Scale(float maxAbs) => maxAbs > 0f ? maxAbs / QMax : 1f;

    private static int Quantize(float value, float scale) =>
        (int)Math.Clamp(MathF.Round(value / scale, MidpointRounding.ToEven), -QMax, QMax);

    private static float[] FloatValues(TensorProto tensor)
    {
        if (tensor.DataLocation == TensorProto.Types.DataLocation.External)
        {
            throw new InvalidDataException($"Initializer {tensor.Name} uses external data, which is not supported.");
        }

        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("ONNX raw tensor data is little-endian; this machine is not.");
        }

        var values = tensor.RawData.Length > 0
            ? MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray()
            : tensor.FloatData.ToArray();
        return values.Length == ElementCount(tensor)
            ? values
            : throw new InvalidDataException($"Initializer {tensor.Name} holds {values.Length} values for shape [{string.Join(',', tensor.Dims)}].");
    }

    private static long ElementCount(TensorProto tensor) => tensor.Dims.Aggregate(1L, (product, dim) => product * dim);

    private static TensorProto ByteTensor(string name, TensorProto.Types.DataType type, IEnumerable<long> dims, byte[] values) => new()
    {
        Name = name,
        DataType = (int)type,
        Dims = { dims },
        RawData = ByteString.CopyFrom(values),
    };

    private static TensorProto FloatTensor(string name, IEnumerable<long> dims, float[] values) => new()
    {
        Name = name,
        DataType = (int)TensorProto.Types.DataType.Float,
        Dims = { dims },
        RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan())),
    };

    private static string SmoothedName(string name) => name + "_smoothed";

    private static string QuantizedName(string name) => name + "_quantized";

    private static string ScaleName(string name) => name + "_scale";

    private static string ZeroPointName(string name) => name + "_zero_point";
}
