using System.ComponentModel.DataAnnotations;

namespace Engram.OpenAI;

/// <summary>The embedding model (<c>Engram:Embedder</c>).</summary>
public sealed class EmbedderOptions : ProviderOptions
{
    /// <summary>
    /// Gets or sets the vector dimension to request (models that support shortening, such as text-embedding-3-*);
    /// when unset, the dimension is detected from the first answer.
    /// </summary>
    [Range(1, 65_536)]
    public int? Dimensions { get; set; }
}
