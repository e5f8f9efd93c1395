using System.ComponentModel.DataAnnotations;

namespace Engram.OpenAI;

/// <summary>
/// The embedding model (<c>Engram:Embedder</c>): <c>Provider</c> empty, <c>offline</c> or <c>onnx</c> keeps the shipped
/// neural embedder (<see cref="Engram.Onnx.OnnxEmbeddingGenerator"/>, tuned under <c>Engram:Embedder:Onnx</c>),
/// <c>hashing</c> selects the lexical <see cref="HashingEmbeddingGenerator"/>, any other name an OpenAI-compatible endpoint.
/// </summary>
public sealed class EmbedderOptions : ProviderOptions
{
    /// <summary>The provider name of the shipped neural embedder (the default).</summary>
    public const string OnnxProvider = "onnx";

    /// <summary>The provider name of the offline hashing embedder.</summary>
    public const string HashingProvider = "hashing";

    /// <summary>Gets a value indicating whether an OpenAI-compatible embedder is configured (not <c>onnx</c> or <c>hashing</c>).</summary>
    public override bool IsConfigured => base.IsConfigured && !IsHashing && !string.Equals(Provider, OnnxProvider, StringComparison.OrdinalIgnoreCase);

    /// <summary>Gets a value indicating whether the hashing embedder is chosen.</summary>
    public bool IsHashing => string.Equals(Provider, HashingProvider, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Gets or sets the vector dimension to request (models that support shortening, such as text-embedding-3-*);
    /// when unset, the dimension is detected from the first answer. With <c>hashing</c>, the number of hash buckets
    /// (16..8192; unset: 512).
    /// </summary>
    [Range(1, 65_536)]
    public int? Dimensions { get; set; }
}
