using System.ComponentModel.DataAnnotations;

namespace Engram;

/// <summary>Engine options, bound from the <c>Engram</c> configuration section and validated at start-up.</summary>
/// <remarks>Mutable while configuring; treat as read-only once the engine is built.</remarks>
public sealed class MemoryOptions
{
    /// <summary>Gets or sets the project (tenant) the engine works in when no other is chosen.</summary>
    /// <value>Defaults to <c>default</c>.</value>
    [Required]
    public string ProjectId { get; set; } = "default";

    /// <summary>Gets or sets the number of search results when a request gives no <c>top_k</c>.</summary>
    /// <value>Defaults to 20, Mem0 OSS's <c>top_k</c>.</value>
    [Range(1, 1000)]
    public int DefaultTopK { get; set; } = 20;

    /// <summary>Gets or sets the minimum fused score in [0, 1] when a request gives no threshold.</summary>
    /// <value>Defaults to 0.1, Mem0's default threshold (Engram applies it to the fused score).</value>
    [Range(0.0, 1.0)]
    public double DefaultThreshold { get; set; } = 0.1;

    /// <summary>Gets or sets how many earlier messages of the scope are given to the fact extractor as context.</summary>
    /// <value>Defaults to 10, as Mem0 v3.</value>
    [Range(0, 1000)]
    public int ExtractionContextMessages { get; set; } = 10;

    /// <summary>
    /// Gets or sets how many of the scope's current memories most similar to the new messages are shown to the fact
    /// extractor (for deduplication, links and supersession).
    /// </summary>
    /// <value>Defaults to 10, as Mem0 v3.</value>
    [Range(0, 100)]
    public int ExtractionSimilarMemories { get; set; } = 10;

    /// <summary>Gets or sets a value indicating whether memory text may appear in Trace logs.</summary>
    /// <value>Defaults to <see langword="false"/>: logs carry ids, counts and durations only.</value>
    public bool EnableSensitiveDataLogging { get; set; }

    /// <summary>Gets or sets the retrieval options.</summary>
    public RetrievalOptions Retrieval { get; set; } = new();

    /// <summary>
    /// Gets or sets a value indicating whether every add extracts graph relations (entities and their relations, linked
    /// to the memory) when the store is an <see cref="IGraphStore"/>; default <see langword="false"/>. A request can
    /// ask for it with <see cref="AddMemoriesRequest.EnableGraph"/>.
    /// </summary>
    public bool EnableGraph { get; set; }
}
