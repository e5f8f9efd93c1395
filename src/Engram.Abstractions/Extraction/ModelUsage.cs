namespace Engram;

/// <summary>Tokens a language model consumed and produced for one operation (as the provider reports them).</summary>
/// <param name="InputTokens">Prompt tokens, ≥ 0.</param>
/// <param name="OutputTokens">Completion tokens, ≥ 0.</param>
/// <param name="Calls">Model calls made, retries included, ≥ 1.</param>
public sealed record ModelUsage(long InputTokens, long OutputTokens, int Calls)
{
    /// <summary>Adds two usages.</summary>
    /// <param name="other">The other usage, or <see langword="null"/>.</param>
    /// <returns>The sum.</returns>
    public ModelUsage Add(ModelUsage? other) =>
        other is null ? this : new ModelUsage(InputTokens + other.InputTokens, OutputTokens + other.OutputTokens, Calls + other.Calls);
}
