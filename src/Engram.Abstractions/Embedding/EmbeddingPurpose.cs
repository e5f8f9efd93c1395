using Microsoft.Extensions.AI;

namespace Engram;

/// <summary>
/// Tells an <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> whether the texts of a call are search queries or
/// documents (memories), through <see cref="EmbeddingGenerationOptions.AdditionalProperties"/>. Asymmetric retrieval
/// models embed the two differently (snowflake-arctic-embed prefixes queries with an instruction); symmetric embedders
/// ignore it. The engine marks every query it embeds; a call without the mark embeds documents.
/// </summary>
/// <remarks>Thread-safe: stateless.</remarks>
public static class EmbeddingPurpose
{
    /// <summary>The <see cref="EmbeddingGenerationOptions.AdditionalProperties"/> key that carries the purpose.</summary>
    public const string PropertyName = "engram.input_type";

    /// <summary>The value for search queries.</summary>
    public const string Query = "query";

    /// <summary>The value for documents (memories); the meaning of a call without the key.</summary>
    public const string Document = "document";

    /// <summary>Creates options that mark a call's texts as search queries.</summary>
    /// <returns>New options (callers may add to them).</returns>
    public static EmbeddingGenerationOptions ForQuery() =>
        new() { AdditionalProperties = new AdditionalPropertiesDictionary { [PropertyName] = Query } };

    /// <summary>Tells whether options mark a call's texts as search queries.</summary>
    /// <param name="options">The call's options, or <see langword="null"/> (documents).</param>
    /// <returns><see langword="true"/> when the purpose is <see cref="Query"/>.</returns>
    public static bool IsQuery(EmbeddingGenerationOptions? options) =>
        options?.AdditionalProperties is { } properties
        && properties.TryGetValue(PropertyName, out var value)
        && value is string text
        && string.Equals(text, Query, StringComparison.Ordinal);
}
