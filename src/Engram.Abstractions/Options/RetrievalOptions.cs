using System.ComponentModel.DataAnnotations;

namespace Engram;

/// <summary>How search gathers candidates and fuses its signals. Each mechanism can be switched off for ablation.</summary>
public sealed class RetrievalOptions
{
    /// <summary>Gets or sets the fusion method.</summary>
    /// <value>Defaults to <see cref="FusionMethod.Weighted"/>.</value>
    public FusionMethod Fusion { get; set; } = FusionMethod.Weighted;

    /// <summary>Gets or sets a value indicating whether vector similarity is a signal and a candidate source.</summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool UseVector { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether BM25 is a signal and a candidate source.</summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool UseKeyword { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether entity links are a signal and a candidate source.</summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool UseEntities { get; set; } = true;

    /// <summary>
    /// Gets or sets a value indicating whether a memory's speaker (<see cref="MemoryItem.ActorId"/>) is indexed with it: the
    /// name is added to the BM25 text and linked as a PERSON entity, so "What did Caroline say about …" finds Caroline's turns.
    /// </summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool IndexSpeaker { get; set; } = true;

    /// <summary>
    /// Gets or sets how many messages before a memory's source message are indexed with it for BM25 (neighbour-turn
    /// context): an answer such as "Yes, last Sunday" is then found by the words of the question it answers. The
    /// memory's text and vector are not changed. Applies when memories are added.
    /// </summary>
    /// <value>Defaults to 2 (chosen on the LoCoMo development split: 0 → 1 → 2 messages raised raw recall@10 from 62 to 72; see docs/quality.md).</value>
    [Range(0, 10)]
    public int LexicalContextMessages { get; set; } = 2;

    /// <summary>Gets or sets the weight of the vector signal in <see cref="FusionMethod.Weighted"/> and <see cref="FusionMethod.Rrf"/>.</summary>
    /// <value>
    /// Defaults to 0.5: the offline hashing embedder measures lexical overlap, so it refines BM25 rather than rivalling it
    /// (chosen on the LoCoMo development split; raise it for a semantic embedder).
    /// </value>
    [Range(0.0, 100.0)]
    public double VectorWeight { get; set; } = 0.5;

    /// <summary>Gets or sets the weight of the BM25 signal.</summary>
    /// <value>Defaults to 1.0.</value>
    [Range(0.0, 100.0)]
    public double KeywordWeight { get; set; } = 1.0;

    /// <summary>Gets or sets the weight of the entity signal.</summary>
    /// <value>Defaults to 0.5, Mem0's <c>ENTITY_BOOST_WEIGHT</c>.</value>
    [Range(0.0, 100.0)]
    public double EntityWeight { get; set; } = 0.5;

    /// <summary>Gets or sets the smallest candidate pool per signal; the pool is <c>max(top_k × 4, this)</c> as in Mem0.</summary>
    /// <value>Defaults to 60, Mem0's value.</value>
    [Range(1, 100_000)]
    public int MinCandidates { get; set; } = 60;

    /// <summary>Gets or sets the k constant of reciprocal rank fusion, <c>1 / (k + rank)</c> (Cormack, Clarke and Büttcher, SIGIR 2009).</summary>
    /// <value>Defaults to 60, the paper's value.</value>
    [Range(1, 10_000)]
    public int RrfK { get; set; } = 60;
}
