using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Engram.Sqlite;

/// <summary>
/// Compact forms of float vectors used to pick candidates before exact re-scoring: int8 codes with one scale per
/// vector (4× smaller than float32) and sign bits after a fixed random rotation (SimHash, 32× smaller).
/// </summary>
/// <remarks>Stateless and thread-safe. All kernels use SIMD where the CPU has it and give the same results without.</remarks>
internal static class QuantizedVectors
{
    /// <summary>The largest int8 code magnitude.</summary>
    public const int Int8Range = 127;

    // Rotation lengths up to this use the precomputed sign flips; longer vectors compute theirs on each call.
    private const int PrecomputedFlips = 16_384;

    private static readonly float[] Flips = CreateFlips(PrecomputedFlips);

    /// <summary>Quantizes a vector to int8 codes: <c>code = round(v / scale)</c> with <c>scale = max|v| / 127</c>.</summary>
    /// <param name="vector">The vector.</param>
    /// <param name="codes">Receives <c>vector.Length</c> codes.</param>
    /// <returns>The scale: <c>v ≈ scale × code</c> (0 for a zero vector).</returns>
    public static float QuantizeInt8(ReadOnlySpan<float> vector, Span<sbyte> codes)
    {
        var max = vector.IsEmpty ? 0f : Math.Abs(TensorPrimitives.MaxMagnitude(vector));
        if (!(max > 0f) || !float.IsFinite(max))
        {
            codes[..vector.Length].Clear();
            return 0f;
        }

        // Round half to even, as MathF.Round; |v| * 127 / max ≤ 127, so saturating conversion never clamps a finite value.
        var scaled = vector.Length <= 4096 ? stackalloc float[vector.Length] : new float[vector.Length];
        TensorPrimitives.Multiply(vector, Int8Range / max, scaled);
        TensorPrimitives.Round(scaled, scaled);
        TensorPrimitives.ConvertSaturating<float, sbyte>(scaled, codes[..vector.Length]);
        return max / Int8Range;
    }

    /// <summary>The dot product of two int8 code vectors of the same length.</summary>
    /// <param name="left">The first codes.</param>
    /// <param name="right">The second codes.</param>
    /// <returns>The exact integer dot product.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int DotInt8(ReadOnlySpan<sbyte> left, ReadOnlySpan<sbyte> right)
    {
        var length = left.Length;
        ref var l = ref MemoryMarshal.GetReference(left);
        ref var r = ref MemoryMarshal.GetReference(right);
        var i = 0;
        var sum = 0;
        if (Avx512BW.IsSupported && length >= 32)
        {
            var accumulator = Vector512<int>.Zero;
            for (; i + 32 <= length; i += 32)
            {
                var a = Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref l, (nuint)i));
                var b = Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref r, (nuint)i));
                accumulator += Avx512BW.MultiplyAddAdjacent(a, b);
            }

            sum = Vector512.Sum(accumulator);
        }
        else if (Avx2.IsSupported && length >= 16)
        {
            var accumulator = Vector256<int>.Zero;
            for (; i + 16 <= length; i += 16)
            {
                var a = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref l, (nuint)i));
                var b = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref r, (nuint)i));
                accumulator += Avx2.MultiplyAddAdjacent(a, b);
            }

            sum = Vector256.Sum(accumulator);
        }

        for (; i < length; i++)
        {
            sum += Unsafe.Add(ref l, i) * Unsafe.Add(ref r, i);
        }

        return sum;
    }

    /// <summary>Gets the number of 64-bit words of a sign code of <paramref name="dimensions"/> dimensions.</summary>
    /// <param name="dimensions">The vector length.</param>
    /// <returns>The words per code.</returns>
    public static int SignWords(int dimensions) => (RotationLength(dimensions) + 63) / 64;

    /// <summary>
    /// Computes the sign code of a vector: the signs of a fixed pseudo-random rotation (random sign flips then a
    /// Walsh–Hadamard transform), so the Hamming distance between two codes estimates the angle between the vectors
    /// even for sparse vectors.
    /// </summary>
    /// <param name="vector">The vector.</param>
    /// <param name="bits">Receives <see cref="SignWords"/> words.</param>
    public static void Signs(ReadOnlySpan<float> vector, Span<ulong> bits)
    {
        var length = RotationLength(vector.Length);
        var buffer = length <= 4096 ? stackalloc float[length] : new float[length];
        var scratch = length <= 4096 ? stackalloc float[length / 2] : new float[length / 2];
        vector.CopyTo(buffer);
        buffer[vector.Length..].Clear();
        TensorPrimitives.Multiply(buffer, length <= Flips.Length ? Flips.AsSpan(0, length) : CreateFlips(length), buffer);
        Hadamard(buffer, scratch);
        var words = SignWords(vector.Length);
        bits[..words].Clear();
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var first = ref MemoryMarshal.GetReference(buffer);
            for (; i + 8 <= length; i += 8)
            {
                var mask = Vector256.GreaterThan(Vector256.LoadUnsafe(ref first, (nuint)i), Vector256<float>.Zero).ExtractMostSignificantBits();
                bits[i >> 6] |= (ulong)mask << (i & 63);
            }
        }

        for (; i < length; i++)
        {
            if (buffer[i] > 0f)
            {
                bits[i >> 6] |= 1UL << (i & 63);
            }
        }
    }

    /// <summary>The Hamming distance between two sign codes.</summary>
    /// <param name="left">The first code.</param>
    /// <param name="right">The second code.</param>
    /// <returns>The number of differing bits.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Hamming(ReadOnlySpan<ulong> left, ReadOnlySpan<ulong> right)
    {
        var distance = 0;
        for (var i = 0; i < left.Length; i++)
        {
            distance += BitOperations.PopCount(left[i] ^ right[i]);
        }

        return distance;
    }

    private static int RotationLength(int dimensions) => (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(dimensions, 64));

    // A fixed hash of each coordinate: ±1 sign flips before the transform (the same in every process).
    private static float[] CreateFlips(int length)
    {
        var flips = new float[length];
        for (var i = 0; i < length; i++)
        {
            var x = (uint)i * 0x9E3779B1u;
            x ^= x >> 16;
            x *= 0x85EBCA6Bu;
            x ^= x >> 13;
            flips[i] = (x & 1) != 0 ? -1f : 1f;
        }

        return flips;
    }

    // The fast Walsh–Hadamard transform (unnormalized; only signs are kept), vectorized once the halves are wide enough.
    private static void Hadamard(Span<float> values, Span<float> scratch)
    {
        for (var half = 1; half < values.Length; half <<= 1)
        {
            for (var start = 0; start < values.Length; start += half << 1)
            {
                var a = values.Slice(start, half);
                var b = values.Slice(start + half, half);
                if (half >= 8)
                {
                    var sum = scratch[..half];
                    TensorPrimitives.Add(a, b, sum);
                    TensorPrimitives.Subtract(a, b, b);
                    sum.CopyTo(a);
                    continue;
                }

                for (var k = 0; k < half; k++)
                {
                    var x = a[k];
                    var y = b[k];
                    a[k] = x + y;
                    b[k] = x - y;
                }
            }
        }
    }
}
