namespace Engram;

/// <summary>
/// Turns conversation messages into self-contained facts (the <c>infer=true</c> path of add): the offline
/// rule-based extractor, or an LLM single-pass extractor in Mem0 v3 style.
/// </summary>
/// <remarks>Implementations are thread-safe.</remarks>
public interface IFactExtractor
{
    /// <summary>Extracts facts from new messages.</summary>
    /// <param name="request">The new messages and their context.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The facts, in conversation order (empty when nothing is memorable), and the model usage.</returns>
    /// <exception cref="MemoryExtractionException">The extractor produced unusable output (after its own retries).</exception>
    Task<FactExtractionResult> ExtractAsync(FactExtractionRequest request, CancellationToken cancellationToken = default);
}
