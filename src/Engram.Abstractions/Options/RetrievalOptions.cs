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
    /// Gets or sets a value indicating whether the memory graph is a signal and a candidate source when graph memory is
    /// on (<see cref="MemoryOptions.EnableGraph"/> or <see cref="SearchMemoriesRequest.EnableGraph"/>) and the store
    /// implements <see cref="IGraphStore"/>: memories whose relations name an entity of the query score 1, memories of
    /// relations one hop further (through the other end of those relations) score 0.5.
    /// </summary>
    /// <value>Defaults to <see langword="true"/>; without graph memory it does nothing.</value>
    public bool UseGraph { get; set; } = true;

    /// <summary>
    /// Gets or sets a value indicating whether a memory's speaker (<see cref="MemoryItem.ActorId"/>) is indexed with it: the
    /// name is added to the BM25 text and linked as a PERSON entity, so "What did Caroline say about …" finds Caroline's turns.
    /// </summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool IndexSpeaker { get; set; } = true;

    /// <summary>
    /// Gets or sets a value indicating whether a memory's vector is made from its text preceded by its speaker's name
    /// (<see cref="MemoryItem.ActorId"/>), <c>"Caroline: Hey Mel! …"</c>, unless the text names them already. Questions
    /// name people ("What did Caroline research?") while a turn rarely names its own speaker. The memory's text is not
    /// changed. Applies when memories are embedded (add, update, import, reindex).
    /// </summary>
    /// <value>
    /// Defaults to <see langword="true"/> (snowflake-arctic-embed-xs on LoCoMo conv-26, cosine alone: recall@10 56.9 with
    /// the name against 21.3 without; docs/quality.md).
    /// </value>
    public bool EmbedSpeaker { get; set; } = true;

    /// <summary>
    /// Gets or sets how many messages before a memory's source message are indexed with it for BM25 (neighbour-turn
    /// context): an answer such as "Yes, last Sunday" is then found by the words of the question it answers. The
    /// memory's text and vector are not changed. Applies when memories are added.
    /// </summary>
    /// <value>
    /// Defaults to 2 (1 and 3 are worse on the LoCoMo tuning split; raw mode on the five dev conversations, recall@10 80.1
    /// against 69.4 without; see docs/quality.md).
    /// </value>
    [Range(0, 10)]
    public int LexicalContextMessages { get; set; } = 2;

    /// <summary>
    /// Gets or sets how many messages after a memory's source message are indexed with it for BM25 (following-turn
    /// context): "I've had them for 3 years now" is then found by the words of the reply that names the turtles. When a
    /// message is added, the lexical text of the memories of the previous messages of its scope is extended with its
    /// stems (an index-only change: the memory's text, vector, history and <c>updated_at</c> stay as they are).
    /// </summary>
    /// <value>
    /// Defaults to 1 (chosen on the LoCoMo tuning split conv-26/30/41: 2 is worse; raw mode on the five dev conversations,
    /// recall@10 80.1 against 77.3 without; see docs/quality.md).
    /// </value>
    [Range(0, 10)]
    public int LexicalFollowingMessages { get; set; } = 1;

    /// <summary>
    /// Gets or sets the most characters of each neighbour message indexed with a memory as its neighbour-turn context
    /// (<see cref="LexicalContextMessages"/>, <see cref="LexicalFollowingMessages"/>): an earlier message keeps its end,
    /// a following one its start (the words nearest the memory), cut at a word boundary. A long message, such as an
    /// assistant's answer, then lends its neighbours the words next to them rather than all of its own. 0 means no limit.
    /// </summary>
    /// <value>
    /// Defaults to 200 (100, 150, 200, 300 and 450 measured; LongMemEval dev, arctic-embed-xs, turn recall@10 0.925
    /// against 0.904 without a limit; LoCoMo dev raw recall@10 80.6 against 80.3; docs/quality.md).
    /// </value>
    [Range(0, 1_000_000)]
    public int LexicalContextCharacters { get; set; } = 200;

    /// <summary>
    /// Gets or sets a value indicating whether an extracted memory (<c>infer=true</c>) is indexed for BM25 with the text
    /// of the messages it came from, so the speaker's own words find the rewritten fact. The memory's text and vector are
    /// not changed; a memory stored verbatim is unaffected.
    /// </summary>
    /// <value>Defaults to <see langword="true"/> (LoCoMo extracted mode, five dev conversations: recall@5 73.1 against 71.9 without, recall@10 80.0 against 79.8; see docs/quality.md).</value>
    public bool IndexSourceMessages { get; set; } = true;

    /// <summary>
    /// Gets or sets a value indicating whether the <c>speaker</c> signal is used: a memory whose speaker
    /// (<see cref="MemoryItem.ActorId"/>) is named in the query ("What did Caroline research?") scores
    /// <see cref="SpeakerWeight"/> more. Unlike indexing the name as a word, it does not fire for memories that merely
    /// mention the person ("Thanks, Caroline!").
    /// </summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool UseSpeaker { get; set; } = true;

    /// <summary>
    /// Gets or sets a value indicating whether a first-person query ("What did I buy?", "my sister") names the scope's own
    /// user as a speaker for the <c>speaker</c> signal: memories of <c>user</c> messages without a speaker name (the
    /// person the memories belong to, speaking) then match it, and an assistant's answer on the same subject does not.
    /// A named speaker (a participant of a recorded conversation) is matched by name only.
    /// </summary>
    /// <value>
    /// Defaults to <see langword="true"/> (LongMemEval dev, arctic-embed-xs, turn recall@10 0.925 against 0.839 without;
    /// LoCoMo, whose speakers are named, is unchanged; docs/quality.md).
    /// </value>
    public bool FirstPersonSpeaker { get; set; } = true;

    /// <summary>Gets or sets the weight of the <c>speaker</c> signal (see <see cref="UseSpeaker"/>).</summary>
    /// <value>
    /// Defaults to 0.5 (chosen on the LoCoMo tuning split among 0.3, 0.5, 0.7 and 1.0; raw mode on the five dev
    /// conversations, recall@10 80.1 and recall@5 71.4 against 77.2 and 65.9 without the signal; see docs/quality.md).
    /// </value>
    [Range(0.0, 100.0)]
    public double SpeakerWeight { get; set; } = 0.5;

    /// <summary>
    /// Gets or sets a value indicating whether the <c>time</c> signal is used: when the query names a date or a period
    /// ("on 8 May, 2023", "in August 2023", "last week" — resolved against the time of the search), a memory observed
    /// within it, or up to <see cref="TimeWindowDays"/> days after it, scores <see cref="TimeWeight"/> more.
    /// </summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool UseTime { get; set; } = true;

    /// <summary>Gets or sets the weight of the <c>time</c> signal (see <see cref="UseTime"/>).</summary>
    /// <value>
    /// Defaults to 0.5 (chosen on the LoCoMo tuning split among 0.3, 0.5 and 0.8; raw mode on the five dev conversations,
    /// recall@10 80.1 against 77.8 without; see docs/quality.md).
    /// </value>
    [Range(0.0, 100.0)]
    public double TimeWeight { get; set; } = 0.5;

    /// <summary>
    /// Gets or sets how many days after a date range of the query a memory's observation still matches: events are
    /// told after they happen ("last Friday I went to …").
    /// </summary>
    /// <value>Defaults to 7, one week (0, 7 and 14 give the same figures on the LoCoMo tuning split).</value>
    [Range(0, 366)]
    public int TimeWindowDays { get; set; } = 7;

    /// <summary>
    /// Gets or sets a value indicating whether the <c>length</c> signal is used, a document prior: a memory scores
    /// <see cref="LengthWeight"/> × <c>min(1, characters / </c><see cref="LengthSaturationCharacters"/><c>)</c> more, so
    /// a content-rich memory ("I started volunteering at a dog shelter once a month") outranks a short reply that only
    /// echoes the question's words through its neighbour-turn context ("Thanks, Jon!"). Free: the text is at hand.
    /// </summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool UseLength { get; set; } = true;

    /// <summary>Gets or sets the weight of the <c>length</c> signal (see <see cref="UseLength"/>).</summary>
    /// <value>
    /// Defaults to 0.2 (chosen on the LoCoMo tuning split among 0.1, 0.2 and 0.3; raw mode on the five dev conversations,
    /// recall@10 80.1 against 79.3 without; see docs/quality.md).
    /// </value>
    [Range(0.0, 100.0)]
    public double LengthWeight { get; set; } = 0.2;

    /// <summary>Gets or sets the memory length, in characters, at which the <c>length</c> signal reaches 1.</summary>
    /// <value>Defaults to 150 (80, 150 and 250 measured on the LoCoMo tuning split).</value>
    [Range(1, 100_000)]
    public int LengthSaturationCharacters { get; set; } = 150;

    /// <summary>
    /// Gets or sets a value indicating whether pseudo-relevance feedback is used (the <c>feedback</c> signal): the
    /// dominant words of the best BM25 hits (<see cref="FeedbackDocuments"/>, <see cref="FeedbackTerms"/>) are searched
    /// with BM25 too, which finds memories on the same subject in other words. Costs one more keyword search.
    /// </summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool UseFeedback { get; set; } = true;

    /// <summary>Gets or sets the weight of the <c>feedback</c> signal (see <see cref="UseFeedback"/>).</summary>
    /// <value>
    /// Defaults to 0.3 (chosen on the LoCoMo tuning split among 0.2, 0.3 and 0.5; raw mode on the five dev conversations,
    /// recall@10 80.1 against 78.8 without; see docs/quality.md).
    /// </value>
    [Range(0.0, 100.0)]
    public double FeedbackWeight { get; set; } = 0.3;

    /// <summary>Gets or sets how many of the best BM25 hits feed the expansion terms.</summary>
    /// <value>Defaults to 5 (3, 5 and 8 measured on the LoCoMo tuning split).</value>
    [Range(1, 100)]
    public int FeedbackDocuments { get; set; } = 5;

    /// <summary>Gets or sets how many expansion terms are searched.</summary>
    /// <value>Defaults to 10 (5, 10 and 20 measured on the LoCoMo tuning split).</value>
    [Range(1, 100)]
    public int FeedbackTerms { get; set; } = 10;

    /// <summary>Gets or sets the weight of the vector signal in <see cref="FusionMethod.Weighted"/> and <see cref="FusionMethod.Rrf"/>.</summary>
    /// <value>
    /// Defaults to 0.5: the offline hashing embedder measures lexical overlap, so it refines BM25 rather than rivalling it
    /// (0.3, 0.5 and 0.8 are within 0.4 points on the LoCoMo tuning split; raise it for a semantic embedder).
    /// </value>
    [Range(0.0, 100.0)]
    public double VectorWeight { get; set; } = 0.5;

    /// <summary>Gets or sets how a cosine similarity becomes the vector signal's value in <see cref="FusionMethod.Weighted"/>.</summary>
    /// <value>Defaults to <see cref="VectorNormalization.MinMax"/>.</value>
    public VectorNormalization VectorNormalization { get; set; } = VectorNormalization.MinMax;

    /// <summary>Gets or sets the weight of the BM25 signal.</summary>
    /// <value>Defaults to 1.0.</value>
    [Range(0.0, 100.0)]
    public double KeywordWeight { get; set; } = 1.0;

    /// <summary>Gets or sets the weight of the entity signal.</summary>
    /// <value>Defaults to 0.5, Mem0's <c>ENTITY_BOOST_WEIGHT</c>.</value>
    [Range(0.0, 100.0)]
    public double EntityWeight { get; set; } = 0.5;

    /// <summary>Gets or sets the weight of the graph signal (<see cref="UseGraph"/>).</summary>
    /// <value>Defaults to 0.1, chosen on the LoCoMo tuning split (0.1 / 0.2 / 0.3 give the same R@10; 0.1 keeps R@25; docs/quality.md).</value>
    [Range(0.0, 100.0)]
    public double GraphWeight { get; set; } = 0.1;

    /// <summary>Gets or sets the smallest candidate pool per signal; the pool is <c>max(top_k × 4, this)</c> as in Mem0.</summary>
    /// <value>Defaults to 60, Mem0's value.</value>
    [Range(1, 100_000)]
    public int MinCandidates { get; set; } = 60;

    /// <summary>Gets or sets the k constant of reciprocal rank fusion, <c>1 / (k + rank)</c> (Cormack, Clarke and Büttcher, SIGIR 2009).</summary>
    /// <value>Defaults to 60, the paper's value.</value>
    [Range(1, 10_000)]
    public int RrfK { get; set; } = 60;
}
