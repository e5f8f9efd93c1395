namespace Engram.Sqlite;

/// <summary>Cumulative counters of one <see cref="SqliteMemoryStore"/>'s vector searches, for benchmarks and monitoring.</summary>
/// <remarks>The counters start at zero when the store is created and only grow; take differences between two reads.</remarks>
public sealed record SqliteVectorSearchStatistics
{
    /// <summary>Gets the number of vector searches answered.</summary>
    public long Searches { get; init; }

    /// <summary>Gets the number of candidate vectors scored.</summary>
    public long VectorsScanned { get; init; }

    /// <summary>Gets the number of vector bytes read to score them (quantized codes or float32 values).</summary>
    public long BytesScanned { get; init; }

    /// <summary>Gets the number of candidates re-scored exactly from their stored float32 vectors.</summary>
    public long VectorsRescored { get; init; }

    /// <summary>Gets the number of vectors held in memory by the vector index now.</summary>
    public long IndexedVectors { get; init; }

    /// <summary>Gets the estimated bytes of memory the vector index holds now.</summary>
    public long IndexBytes { get; init; }
}
