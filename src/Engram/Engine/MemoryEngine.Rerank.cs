namespace Engram;

public sealed partial class MemoryEngine
{
    /// <summary>
    /// Re-orders the hits by the reranker's relevance (ties keep the fused order) and records it as
    /// <see cref="MemorySearchHit.RerankScore"/>. A reranker failure keeps the fused order, as Mem0 does.
    /// </summary>
    private async Task<List<MemorySearchHit>> RerankAsync(IReranker reranker, string query, List<MemorySearchHit> hits, CancellationToken cancellationToken)
    {
        IReadOnlyList<double> scores;
        try
        {
            scores = await reranker.RerankAsync(query, hits.Select(h => h.Item).ToList(), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.RerankFailed(_core.Logger, ex);
            return hits;
        }

        if (scores.Count != hits.Count)
        {
            return hits;
        }

        return hits.Select((hit, i) => (Hit: hit with { RerankScore = scores[i] }, Order: i))
            .OrderByDescending(x => x.Hit.RerankScore)
            .ThenBy(x => x.Order)
            .Select(x => x.Hit)
            .ToList();
    }
}
