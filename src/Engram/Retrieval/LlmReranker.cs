using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Engram;

/// <summary>
/// An <see cref="IReranker"/> that asks a language model to grade each candidate's relevance from 0 to 10 in one call
/// (Mem0's <c>llm_reranker</c> grades one document per call; one call for all keeps latency to a single round trip).
/// </summary>
/// <remarks>
/// An unusable answer (not JSON, wrong length) raises <see cref="MemoryExtractionException"/>; the engine then keeps the
/// fused order, as Mem0 does when a reranker fails. Thread-safe.
/// </remarks>
public sealed class LlmReranker : IReranker
{
    private const string SystemPrompt = """
        You grade search results for a memory store. For each numbered MEMORY, give an integer from 0 (unrelated) to 10 (directly answers the QUERY).
        Answer with one JSON object, {"scores": [s0, s1, ...]}, one score per memory in the given order, and nothing else.
        """;

    private readonly IChatClient _chatClient;

    /// <summary>Initializes a new reranker.</summary>
    /// <param name="chatClient">The language model.</param>
    /// <exception cref="ArgumentNullException"><paramref name="chatClient"/> is <see langword="null"/>.</exception>
    public LlmReranker(IChatClient chatClient)
    {
        ArgumentNullException.ThrowIfNull(chatClient);
        _chatClient = chatClient;
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="MemoryExtractionException">The model's answer could not be read as one score per candidate.</exception>
    public async Task<IReadOnlyList<double>> RerankAsync(string query, IReadOnlyList<MemoryItem> candidates, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(candidates);
        if (candidates.Count == 0)
        {
            return [];
        }

        var prompt = new StringBuilder("QUERY: ").Append(query.ReplaceLineEndings(" ")).Append("\n\n");
        for (var i = 0; i < candidates.Count; i++)
        {
            prompt.Append(CultureInfo.InvariantCulture, $"MEMORY {i}: ").Append(candidates[i].Memory.ReplaceLineEndings(" ")).Append('\n');
        }

        var response = await _chatClient.GetResponseAsync(
            [new ChatMessage(ChatRole.System, SystemPrompt), new ChatMessage(ChatRole.User, prompt.ToString())],
            new ChatOptions { ResponseFormat = ChatResponseFormat.Json },
            cancellationToken).ConfigureAwait(false);

        if (!LlmJson.TryParseObject(response.Text, out var root)
            || !root.TryGetProperty("scores", out var scores)
            || scores.ValueKind != JsonValueKind.Array
            || scores.GetArrayLength() != candidates.Count)
        {
            throw new MemoryExtractionException("The reranker's answer was not one score per candidate.");
        }

        return scores.EnumerateArray()
            .Select(s => s.ValueKind == JsonValueKind.Number ? Math.Clamp(s.GetDouble() / 10.0, 0.0, 1.0) : 0.0)
            .ToList();
    }
}
