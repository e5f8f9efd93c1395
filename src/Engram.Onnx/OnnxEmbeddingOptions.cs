namespace Engram.Onnx;

/// <summary>Options of the <see cref="OnnxEmbeddingGenerator"/>.</summary>
/// <remarks>Read once, when the generator is created.</remarks>
public sealed class OnnxEmbeddingOptions
{
    /// <summary>The query instruction of snowflake-arctic-embed (its model card), put before every query and never before a document.</summary>
    public const string ArcticQueryPrefix = "Represent this sentence for searching relevant passages: ";

    /// <summary>Gets or sets the threads ONNX Runtime uses inside one model run.</summary>
    /// <value>1..64; defaults to 1 (texts of one call run in parallel instead, see <see cref="MaxDegreeOfParallelism"/>).</value>
    public int IntraOpThreads { get; set; } = 1;

    /// <summary>Gets or sets how many texts of one call are embedded at the same time, each in its own model run.</summary>
    /// <value>1..256; defaults to <see cref="Environment.ProcessorCount"/>.</value>
    public int MaxDegreeOfParallelism { get; set; } = Environment.ProcessorCount;

    /// <summary>Gets or sets how many query vectors are kept in the least-recently-used cache (0 turns it off).</summary>
    /// <value>0..1,000,000; defaults to 1,024.</value>
    public int QueryCacheSize { get; set; } = 1024;

    /// <summary>Gets or sets how a text longer than the model's 512 tokens is embedded.</summary>
    /// <value>Defaults to <see cref="LongTextMode.Truncate"/>.</value>
    public LongTextMode LongText { get; set; } = LongTextMode.Truncate;

    /// <summary>Gets or sets the most tokens <see cref="LongTextMode.ChunkMean"/> reads of one text (the rest is ignored).</summary>
    /// <value>512..65,536; defaults to 4,096 (eight chunks).</value>
    public int MaxChunkedTokens { get; set; } = 4096;

    /// <summary>Gets or sets the prefix of query texts (<see cref="EmbeddingPurpose.Query"/>); empty for none.</summary>
    /// <value>Defaults to <see cref="ArcticQueryPrefix"/>.</value>
    public string QueryPrefix { get; set; } = ArcticQueryPrefix;

    /// <summary>
    /// Gets or sets the path of another BERT-style ONNX model (inputs <c>input_ids</c>, <c>attention_mask</c> and optionally
    /// <c>token_type_ids</c>, int64 [1, L]; a [1, L, D] output whose first row is pooled); <see langword="null"/> uses the
    /// shipped int8 snowflake-arctic-embed-xs.
    /// </summary>
    public string? ModelPath { get; set; }

    /// <summary>Gets or sets the path of the WordPiece vocabulary (uncased, one token per line) for <see cref="ModelPath"/>; <see langword="null"/> uses the shipped one.</summary>
    public string? VocabularyPath { get; set; }

    /// <summary>Gets or sets the model id recorded with vectors of a model given by <see cref="ModelPath"/>; <see langword="null"/> uses the file name.</summary>
    public string? ModelId { get; set; }
}

/// <summary>How a text longer than the model's token limit is embedded.</summary>
public enum LongTextMode
{
    /// <summary>Only the first 510 word pieces are read (the model's 512 tokens with [CLS] and [SEP]).</summary>
    Truncate,

    /// <summary>
    /// The word pieces are cut into windows of 510, each embedded on its own, and the L2-normalised mean of the window
    /// vectors is the text's vector (up to <see cref="OnnxEmbeddingOptions.MaxChunkedTokens"/> tokens).
    /// </summary>
    ChunkMean,
}
