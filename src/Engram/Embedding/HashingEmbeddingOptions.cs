using System.ComponentModel.DataAnnotations;

namespace Engram;

/// <summary>Options of <see cref="HashingEmbeddingGenerator"/>: vector size and the weight of each feature family.</summary>
/// <remarks>
/// The generator copies the values when it is constructed; changing the options afterwards has no effect on it.
/// Vectors made with different options are not comparable, and only <see cref="Dimensions"/> is recorded with a
/// stored vector, so keep the weights fixed for a store's lifetime.
/// </remarks>
public sealed class HashingEmbeddingOptions
{
    /// <summary>The smallest accepted <see cref="Dimensions"/>.</summary>
    public const int MinDimensions = 16;

    /// <summary>The largest accepted <see cref="Dimensions"/>.</summary>
    public const int MaxDimensions = 8192;

    /// <summary>Gets or sets the vector dimension (the number of hash buckets), 16..8192.</summary>
    /// <value>Defaults to 512: about 4 bytes × 512 = 2 KiB per float32 vector, with few collisions for sentence-length text.</value>
    [Range(MinDimensions, MaxDimensions)]
    public int Dimensions { get; set; } = 512;

    /// <summary>Gets or sets the weight of each stemmed non-stop-word unigram, ≥ 0.</summary>
    /// <value>Defaults to 1.0.</value>
    [Range(0.0, double.MaxValue)]
    public double WordWeight { get; set; } = 1.0;

    /// <summary>Gets or sets the weight of each pair of adjacent stems (word order and short phrases), ≥ 0.</summary>
    /// <value>Defaults to 0.5.</value>
    [Range(0.0, double.MaxValue)]
    public double BigramWeight { get; set; } = 0.5;

    /// <summary>
    /// Gets or sets the weight of each character 3-gram and 4-gram of a token, with <c>&lt;</c> and <c>&gt;</c> as word
    /// boundary markers (as in fastText), which makes inflections and typos overlap; ≥ 0.
    /// </summary>
    /// <value>Defaults to 0.25.</value>
    [Range(0.0, double.MaxValue)]
    public double CharNGramWeight { get; set; } = 0.25;
}
