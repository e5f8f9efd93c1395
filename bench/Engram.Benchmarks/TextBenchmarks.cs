using BenchmarkDotNet.Attributes;

namespace Engram.Benchmarks;

/// <summary>Tokenizing, analysis (stop words, stemming) and the offline hashing embedder, per sentence.</summary>
[MemoryDiagnoser]
public class TextBenchmarks
{
    private readonly HashingEmbeddingGenerator _embedder = new();
    private readonly TextAnalyzer _analyzer = TextAnalyzer.Default;
    private readonly EntityExtractor _entities = EntityExtractor.Default;
    private string _text = string.Empty;

    [GlobalSetup]
    public void Setup() => _text = Samples.Memory(42);

    [Benchmark]
    public int Tokenize() => _analyzer.Tokenize(_text).Count;

    [Benchmark]
    public string LexicalText() => _analyzer.ToLexicalText(_text);

    [Benchmark]
    public int Entities() => _entities.Extract(_text).Count;

    [Benchmark]
    public float[] Embed512() => _embedder.Embed(_text);
}
