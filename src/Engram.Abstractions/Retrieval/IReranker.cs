namespace Engram;

/// <summary>
/// Re-orders search results with a stronger but slower relevance model (Mem0's <c>rerank=True</c>: Cohere, cross-encoders,
/// an LLM). Called only when a search asks for it and one is registered.
/// </summary>
/// <remarks>Implementations are thread-safe.</remarks>
public interface IReranker
{
    /// <summary>Scores each candidate's relevance to the query.</summary>
    /// <param name="query">The search query.</param>
    /// <param name="candidates">The fused results, best first.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>One score in [0, 1] per candidate, in the candidates' order; higher is more relevant.</returns>
    Task<IReadOnlyList<double>> RerankAsync(string query, IReadOnlyList<MemoryItem> candidates, CancellationToken cancellationToken = default);
}
