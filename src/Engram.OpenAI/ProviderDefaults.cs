namespace Engram.OpenAI;

/// <summary>Default base URLs of the OpenAI-compatible providers Engram knows by name.</summary>
public static class ProviderDefaults
{
    /// <summary>Gets the default base URL of a provider, or <see langword="null"/> when it has none (Azure, unknown names).</summary>
    /// <param name="provider">The provider name (case-insensitive).</param>
    /// <returns><c>https://api.openai.com/v1</c> (openai), <c>http://localhost:11434/v1</c> (ollama), <c>http://localhost:8000/v1</c> (vllm), <c>http://localhost:1234/v1</c> (lmstudio).</returns>
    public static Uri? BaseUrl(string? provider) => provider?.ToUpperInvariant() switch
    {
        "OPENAI" => new Uri("https://api.openai.com/v1"),
        "OLLAMA" => new Uri("http://localhost:11434/v1"),
        "VLLM" => new Uri("http://localhost:8000/v1"),
        "LMSTUDIO" => new Uri("http://localhost:1234/v1"),
        _ => null,
    };
}
