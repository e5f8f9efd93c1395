namespace Engram.Sqlite.Tests;

public sealed class QuantizedVectorsTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(33)]
    [InlineData(64)]
    [InlineData(511)]
    [InlineData(1536)]
    public void DotInt8_AnyLength_EqualsTheScalarDotProduct(int length)
    {
        var random = new Random(length);
        var a = new sbyte[length];
        var b = new sbyte[length];
        for (var i = 0; i < length; i++)
        {
            a[i] = (sbyte)random.Next(-127, 128);
            b[i] = (sbyte)random.Next(-127, 128);
        }

        var expected = 0;
        for (var i = 0; i < length; i++)
        {
            expected += a[i] * b[i];
        }

        Assert.Equal(expected, QuantizedVectors.DotInt8(a, b));
    }

    [Fact]
    public void QuantizeInt8_RandomVector_ErrorIsAtMostHalfAStep()
    {
        var random = new Random(1);
        var vector = Enumerable.Range(0, 512).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var codes = new sbyte[vector.Length];

        var scale = QuantizedVectors.QuantizeInt8(vector, codes);

        Assert.Equal(vector.Max(Math.Abs) / 127, scale, 6);
        for (var i = 0; i < vector.Length; i++)
        {
            Assert.True(Math.Abs(vector[i] - codes[i] * scale) <= scale / 2 + 1e-6, $"coordinate {i}");
        }
    }

    [Fact]
    public void QuantizeInt8_ZeroVector_GivesZeroScaleAndCodes()
    {
        var codes = new sbyte[8];
        codes.AsSpan().Fill(5);

        Assert.Equal(0f, QuantizedVectors.QuantizeInt8(new float[8], codes));
        Assert.All(codes, c => Assert.Equal(0, c));
    }

    [Fact]
    public void Signs_OppositeVectors_DifferInEveryNonZeroRotatedCoordinate()
    {
        var random = new Random(2);
        var vector = Enumerable.Range(0, 100).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var words = QuantizedVectors.SignWords(vector.Length);
        var a = new ulong[words];
        var b = new ulong[words];
        var c = new ulong[words];

        QuantizedVectors.Signs(vector, a);
        QuantizedVectors.Signs(vector.Select(v => -v).ToArray(), b);
        QuantizedVectors.Signs(vector, c);

        Assert.Equal(2, words);
        Assert.Equal(0, QuantizedVectors.Hamming(a, c));
        Assert.True(QuantizedVectors.Hamming(a, b) > 120, "opposite vectors should be far apart");
    }

    [Fact]
    public void Signs_CloseVectors_AreCloserThanUnrelatedOnes()
    {
        var random = new Random(3);
        float[] Random512() => Enumerable.Range(0, 512).Select(_ => random.Next(4) == 0 ? (float)(random.NextDouble() * 2 - 1) : 0f).ToArray();
        var vector = Random512();
        var near = vector.Select(v => v + (float)(random.NextDouble() - 0.5) * 0.05f).ToArray();
        var far = Random512();
        var words = QuantizedVectors.SignWords(512);
        var (a, b, c) = (new ulong[words], new ulong[words], new ulong[words]);

        QuantizedVectors.Signs(vector, a);
        QuantizedVectors.Signs(near, b);
        QuantizedVectors.Signs(far, c);

        Assert.True(QuantizedVectors.Hamming(a, b) < QuantizedVectors.Hamming(a, c));
    }
}
