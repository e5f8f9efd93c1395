using System.ComponentModel.DataAnnotations;

namespace Engram.OpenAI;

/// <summary>The language model used for fact extraction (<c>Engram:Llm</c>).</summary>
public sealed class LanguageModelOptions : ProviderOptions
{
    /// <summary>Gets or sets the sampling temperature.</summary>
    /// <value>Defaults to 0.1, Mem0's default.</value>
    [Range(0.0, 2.0)]
    public double Temperature { get; set; } = 0.1;

    /// <summary>
    /// Gets or sets a value indicating whether a JSON schema is sent as the response format (structured output). Turn it
    /// off for servers that reject <c>json_schema</c>; answers are then parsed and repaired.
    /// </summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool UseStructuredOutput { get; set; } = true;

    /// <summary>
    /// Gets or sets a value indicating whether graph relations are extracted by the model (<see cref="LlmRelationExtractor"/>)
    /// when graph memory is on. Turn it off (<c>Engram:Llm:ExtractRelations=false</c>) to keep the offline
    /// <see cref="RuleBasedRelationExtractor"/> and save a model call per add.
    /// </summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool ExtractRelations { get; set; } = true;
}
