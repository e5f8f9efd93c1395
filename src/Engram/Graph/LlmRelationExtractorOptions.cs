using System.ComponentModel.DataAnnotations;

namespace Engram;

/// <summary>Options of <see cref="LlmRelationExtractor"/>.</summary>
public sealed class LlmRelationExtractorOptions
{
    /// <summary>Gets or sets how many times an unusable answer (not JSON after repair, no <c>relations</c> list) is asked for again before the rules are used.</summary>
    /// <value>Defaults to 1.</value>
    [Range(0, 10)]
    public int MalformedAnswerRetries { get; set; } = 1;

    /// <summary>Gets or sets the most output tokens per call.</summary>
    /// <value>Defaults to 1,500.</value>
    [Range(64, 100_000)]
    public int MaxOutputTokens { get; set; } = 1500;

    /// <summary>Gets or sets the most known relations shown to the model (the newest), as candidates for contradiction.</summary>
    /// <value>Defaults to 50.</value>
    [Range(0, 200)]
    public int MaxKnownRelations { get; set; } = 50;
}
