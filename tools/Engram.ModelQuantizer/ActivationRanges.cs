using System.Globalization;
using System.Text;
using FastBertTokenizer;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace Engram.ModelQuantizer;

/// <summary>
/// Per-channel ranges (largest absolute value) of the float inputs of a model's weight <c>MatMul</c>s, measured on
/// calibration text; <see cref="DynamicInt8Quantizer"/> uses them to smooth activation outliers into the weights.
/// </summary>
/// <remarks>
/// The table is keyed by tensor name; each value has one entry per channel (the last dimension). Its text form is one
/// line per tensor: the name, a tab, and the ranges to three significant digits, separated by spaces; lines starting
/// with <c>#</c> are comments. All members are thread-safe.
/// </remarks>
public static class ActivationRanges
{
    /// <summary>The manifest resource of this assembly holding the ranges measured for snowflake-arctic-embed-xs.</summary>
    public const string ArcticResourceName = "Engram.ModelQuantizer.ArcticActivationRanges.tsv";

    /// <summary>Reads the committed ranges of snowflake-arctic-embed-xs.</summary>
    /// <returns>The ranges by tensor name.</returns>
    public static IReadOnlyDictionary<string, float[]> LoadArctic()
    {
        using var stream = typeof(ActivationRanges).Assembly.GetManifestResourceStream(ArcticResourceName)
            ?? throw new InvalidOperationException($"Missing resource {ArcticResourceName}.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return Parse(reader.ReadToEnd());
    }

    /// <summary>Measures the ranges by running the fp32 model with ONNX Runtime on <paramref name="texts"/>, one at a time.</summary>
    /// <param name="model">The serialized fp32 model (BERT inputs <c>input_ids</c>, <c>attention_mask</c>, <c>token_type_ids</c>).</param>
    /// <param name="vocab">The WordPiece vocabulary (lower-casing).</param>
    /// <param name="texts">The calibration texts, each truncated to 512 tokens.</param>
    /// <returns>The ranges, rounded to three significant digits, of every float input of a <c>MatMul</c> with a constant second input.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IReadOnlyDictionary<string, float[]> Measure(byte[] model, string vocab, IEnumerable<string> texts)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(vocab);
        ArgumentNullException.ThrowIfNull(texts);

        var proto = ModelProto.Parser.ParseFrom(model);
        var constants = proto.Graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var inputs = proto.Graph.Node
            .Where(n => n.OpType == "MatMul" && n.Input.Count == 2 && constants.Contains(n.Input[1]) && !constants.Contains(n.Input[0]))
            .Select(n => n.Input[0])
            .Distinct(StringComparer.Ordinal)
            .ToList();
        foreach (var name in inputs)
        {
            proto.Graph.Output.Add(new ValueInfoProto { Name = name });
        }

        var tokenizer = new BertTokenizer();
        using (var reader = new StringReader(vocab))
        {
            tokenizer.LoadVocabulary(reader, convertInputToLowercase: true);
        }

        using var session = new InferenceSession(proto.ToByteArray());
        using var runOptions = new RunOptions();
        var ranges = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var text in texts)
        {
            var (ids, mask, types) = tokenizer.Encode(text, maximumTokens: 512);
            long[] shape = [1, ids.Length];
            using var idsValue = OrtValue.CreateTensorValueFromMemory(ids.ToArray(), shape);
            using var maskValue = OrtValue.CreateTensorValueFromMemory(mask.ToArray(), shape);
            using var typesValue = OrtValue.CreateTensorValueFromMemory(types.ToArray(), shape);
            var feeds = new Dictionary<string, OrtValue>(StringComparer.Ordinal)
            {
                ["input_ids"] = idsValue,
                ["attention_mask"] = maskValue,
                ["token_type_ids"] = typesValue,
            };
            using var outputs = session.Run(runOptions, feeds, inputs);
            for (var i = 0; i < inputs.Count; i++)
            {
                var values = outputs[i].GetTensorDataAsSpan<float>();
                var channels = checked((int)outputs[i].GetTensorTypeAndShape().Shape[^1]);
                if (!ranges.TryGetValue(inputs[i], out var range))
                {
                    ranges[inputs[i]] = range = new float[channels];
                }

                for (var j = 0; j < values.Length; j++)
                {
                    range[j % channels] = MathF.Max(range[j % channels], MathF.Abs(values[j]));
                }
            }
        }

        // Round as the text form does, so that measured and parsed tables quantize alike.
        return ranges.ToDictionary(
            r => r.Key,
            r => r.Value.Select(v => float.Parse(v.ToString("G3", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)).ToArray(),
            StringComparer.Ordinal);
    }

    /// <summary>Writes ranges in the text form, ordered by tensor name.</summary>
    /// <param name="ranges">The ranges by tensor name.</param>
    /// <param name="comment">Optional comment lines to put first.</param>
    /// <returns>The text, with LF line ends.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="ranges"/> is <see langword="null"/>.</exception>
    public static string Format(IReadOnlyDictionary<string, float[]> ranges, IEnumerable<string>? comment = null)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        var text = new StringBuilder();
        foreach (var line in comment ?? [])
        {
            text.Append("# ").Append(line).Append('\n');
        }

        foreach (var (name, values) in ranges.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            text.Append(name).Append('\t')
                .AppendJoin(' ', values.Select(v => v.ToString("G3", CultureInfo.InvariantCulture)))
                .Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Reads ranges from the text form.</summary>
    /// <param name="text">The text written by <see cref="Format"/>.</param>
    /// <returns>The ranges by tensor name.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException">A line is not a name, a tab and numbers.</exception>
    public static IReadOnlyDictionary<string, float[]> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ranges = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith('#'))
            {
                continue;
            }

            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            if (tab <= 0)
            {
                throw new FormatException("An activation range line lacks a tensor name and a tab.");
            }

            ranges[line[..tab]] = line[(tab + 1)..]
                .Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Select(v => float.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture))
                .ToArray();
        }

        return ranges;
    }
}
