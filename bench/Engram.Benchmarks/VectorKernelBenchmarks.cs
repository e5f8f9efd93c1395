using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using Engram.Sqlite;

namespace Engram.Benchmarks;

/// <summary>
/// Scoring one query against 1,000 vectors (one user's memories) at 512 dimensions: exact float32 dot products,
/// int8 codes (4× fewer bytes) and sign codes (32× fewer), as the SQLite store's in-memory index does.
/// </summary>
[MemoryDiagnoser]
public class VectorKernelBenchmarks
{
    private const int Dimensions = 512;
    private const int Count = 1_000;
    private float[] _query = [];
    private float[] _floats = [];
    private sbyte[] _queryCodes = [];
    private sbyte[] _codes = [];
    private ulong[] _querySigns = [];
    private ulong[] _signs = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        _query = Samples.Vector(random, Dimensions);
        _floats = new float[Count * Dimensions];
        _codes = new sbyte[Count * Dimensions];
        var words = QuantizedVectors.SignWords(Dimensions);
        _signs = new ulong[Count * words];
        for (var i = 0; i < Count; i++)
        {
            var vector = Samples.Vector(random, Dimensions);
            vector.CopyTo(_floats, i * Dimensions);
            QuantizedVectors.QuantizeInt8(vector, _codes.AsSpan(i * Dimensions, Dimensions));
            QuantizedVectors.Signs(vector, _signs.AsSpan(i * words, words));
        }

        _queryCodes = new sbyte[Dimensions];
        QuantizedVectors.QuantizeInt8(_query, _queryCodes);
        _querySigns = new ulong[words];
        QuantizedVectors.Signs(_query, _querySigns);
    }

    [Benchmark(Baseline = true)]
    public float Float32Dot()
    {
        var best = float.MinValue;
        for (var i = 0; i < Count; i++)
        {
            best = Math.Max(best, TensorPrimitives.Dot(_query, _floats.AsSpan(i * Dimensions, Dimensions)));
        }

        return best;
    }

    [Benchmark]
    public int Int8Dot()
    {
        var best = int.MinValue;
        for (var i = 0; i < Count; i++)
        {
            best = Math.Max(best, QuantizedVectors.DotInt8(_queryCodes, _codes.AsSpan(i * Dimensions, Dimensions)));
        }

        return best;
    }

    [Benchmark]
    public int SignHamming()
    {
        var words = _querySigns.Length;
        var best = int.MaxValue;
        for (var i = 0; i < Count; i++)
        {
            best = Math.Min(best, QuantizedVectors.Hamming(_querySigns, _signs.AsSpan(i * words, words)));
        }

        return best;
    }

    [Benchmark]
    public float QuantizeQuery()
    {
        var codes = new sbyte[Dimensions];
        var signs = new ulong[_querySigns.Length];
        QuantizedVectors.Signs(_query, signs);
        return QuantizedVectors.QuantizeInt8(_query, codes);
    }
}
