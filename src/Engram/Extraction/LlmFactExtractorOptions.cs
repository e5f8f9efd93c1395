using System.ComponentModel.DataAnnotations;

namespace Engram;

/// <summary>Options of <see cref="LlmFactExtractor"/>.</summary>
public sealed class LlmFactExtractorOptions
{
    /// <summary>Gets or sets how many times an unusable answer (not JSON after repair, wrong shape) is asked for again.</summary>
    /// <value>Defaults to 3.</value>
    [Range(0, 10)]
    public int MalformedAnswerRetries { get; set; } = 3;

    /// <summary>Gets or sets the most output tokens per call.</summary>
    /// <value>Defaults to 2,000, Mem0's <c>max_tokens</c>.</value>
    [Range(64, 100_000)]
    public int MaxOutputTokens { get; set; } = 2000;

    /// <summary>Gets or sets a value indicating whether facts are assigned categories from the request's list.</summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool AssignCategories { get; set; } = true;
}
