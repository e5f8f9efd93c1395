namespace Engram.Benchmarks;

/// <summary>Deterministic sample texts and vectors shared by the benchmarks.</summary>
public static class Samples
{
    private static readonly string[] Names = ["Alice", "Bob", "Carmen", "David", "Elena", "Farid", "Grace", "Hiro"];
    private static readonly string[] Activities = ["went hiking at the lake", "adopted a beagle named Luna", "started a new job as a nurse at Acme", "ran a half marathon in Lisbon", "is learning Japanese every Tuesday"];
    private static readonly string[] Times = ["on 12 March 2023", "last weekend", "in June 2022", "two days ago", "every morning"];

    /// <summary>Gets a sentence-length memory, as the engine stores them.</summary>
    /// <param name="i">Any number; the same number gives the same text.</param>
    /// <returns>The text.</returns>
    public static string Memory(int i) =>
        $"{Names[i % Names.Length]} {Activities[(i / 7) % Activities.Length]} with {Names[(i / 3) % Names.Length]} {Times[(i / 11) % Times.Length]}.";

    /// <summary>Gets a question about the memories.</summary>
    /// <param name="i">Any number.</param>
    /// <returns>The question.</returns>
    public static string Query(int i) => $"When did {Names[i % Names.Length]} go hiking with {Names[(i + 1) % Names.Length]}?";

    /// <summary>Gets a sparse unit vector like the hashing embedder's.</summary>
    /// <param name="random">The source of randomness.</param>
    /// <param name="dimensions">The length.</param>
    /// <returns>The vector.</returns>
    public static float[] Vector(Random random, int dimensions)
    {
        ArgumentNullException.ThrowIfNull(random);
        var vector = new float[dimensions];
        for (var i = 0; i < dimensions; i++)
        {
            vector[i] = random.Next(3) == 0 ? (float)(random.NextDouble() * 2 - 1) : 0f;
        }

        var norm = System.Numerics.Tensors.TensorPrimitives.Norm(vector);
        System.Numerics.Tensors.TensorPrimitives.Divide(vector, norm, vector);
        return vector;
    }
}
