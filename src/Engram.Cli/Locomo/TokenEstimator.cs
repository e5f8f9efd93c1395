namespace Engram.Cli.Locomo;

/// <summary>
/// Estimates token counts without a tokenizer: <c>ceil(characters / 4)</c>, OpenAI's rule of thumb for English text
/// with GPT-style BPE tokenizers (about 4 characters per token). Good to within roughly ±15% on conversational English;
/// used only to compare the size of the retrieved context with the full conversation.
/// </summary>
internal static class TokenEstimator
{
    /// <summary>The characters per token of the approximation.</summary>
    public const int CharactersPerToken = 4;

    /// <summary>Estimates the tokens of a text.</summary>
    /// <param name="text">The text.</param>
    /// <returns><c>ceil(text.Length / 4)</c>; 0 for empty text.</returns>
    public static long Estimate(string? text) => string.IsNullOrEmpty(text) ? 0 : ((long)text.Length + CharactersPerToken - 1) / CharactersPerToken;

    /// <summary>Estimates the tokens of texts joined by newlines, as they would be given to a model.</summary>
    /// <param name="texts">The texts.</param>
    /// <returns>The estimate of the joined text.</returns>
    public static long Estimate(IEnumerable<string> texts) => Estimate(string.Join('\n', texts));
}
