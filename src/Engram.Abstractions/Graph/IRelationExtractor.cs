namespace Engram;

/// <summary>
/// Extracts graph relations (Mem0g's triples) from new memories and names the stored relations they contradict.
/// The engine calls it on add (and on an update that changes a memory's text) when graph memory is on; the offline
/// default is the rule-based <c>RuleBasedRelationExtractor</c>, a language model gives <c>LlmRelationExtractor</c>.
/// </summary>
/// <remarks>
/// Implementations are thread-safe. Names and relationships may be returned in any form: the engine normalises them
/// (lower case, words joined by <c>_</c>) and drops triples that name a memory outside the request. Only relations of
/// <see cref="RelationExtractionRequest.ExistingRelations"/> can be contradicted; other ids are ignored.
/// </remarks>
public interface IRelationExtractor
{
    /// <summary>Extracts the relations of the request's memories.</summary>
    /// <param name="request">The new memories and the valid relations around them.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The relations and contradictions (both empty when the memories state none).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    Task<RelationExtractionResult> ExtractAsync(RelationExtractionRequest request, CancellationToken cancellationToken = default);
}
