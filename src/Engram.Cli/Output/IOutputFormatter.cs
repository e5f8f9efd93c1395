using Engram.Cli.Locomo;

namespace Engram.Cli.Output;

/// <summary>Writes command results to standard output in one format (<c>--output table|json</c>).</summary>
/// <remarks>Implementations write to the writer they were given and never to standard error. Not thread-safe.</remarks>
internal interface IOutputFormatter
{
    /// <summary>Writes the events of an add.</summary>
    /// <param name="result">The result.</param>
    void WriteAdd(AddMemoriesResult result);

    /// <summary>Writes search hits.</summary>
    /// <param name="result">The result.</param>
    /// <param name="explain">Whether the per-signal contributions are shown.</param>
    void WriteSearch(SearchMemoriesResult result, bool explain);

    /// <summary>Writes one page of memories.</summary>
    /// <param name="result">The page.</param>
    void WriteList(ListMemoriesResult result);

    /// <summary>Writes one memory.</summary>
    /// <param name="item">The memory.</param>
    void WriteMemory(MemoryItem item);

    /// <summary>Writes a memory's history.</summary>
    /// <param name="memoryId">The memory id.</param>
    /// <param name="entries">The rows, oldest first.</param>
    void WriteHistory(string memoryId, IReadOnlyList<MemoryHistoryEntry> entries);

    /// <summary>Reports a deletion.</summary>
    /// <param name="memoryId">The deleted id.</param>
    void WriteDeleted(string memoryId);

    /// <summary>Reports a scope deletion.</summary>
    /// <param name="scope">The scope.</param>
    /// <param name="count">The number of memories deleted.</param>
    void WriteDeletedAll(MemoryScope scope, int count);

    /// <summary>Writes asynchronous add events (id, status, attempts, error, token usage).</summary>
    /// <param name="events">The events.</param>
    void WriteEvents(IReadOnlyList<StoredEvent> events);

    /// <summary>Reports one acknowledged import add (json: one line, flushed at once; table: nothing).</summary>
    /// <param name="acknowledgement">The add.</param>
    void WriteImportAcknowledgement(LocomoAcknowledgement acknowledgement);

    /// <summary>Writes the summary of an import.</summary>
    /// <param name="mode">The ingestion mode.</param>
    /// <param name="summary">The summary.</param>
    void WriteImportSummary(LocomoMode mode, LocomoIngestSummary summary);

    /// <summary>Writes the summary of a re-embedding (<c>engram reindex</c>).</summary>
    /// <param name="result">The result.</param>
    void WriteReindex(VectorReindexResult result);

    /// <summary>Writes LoCoMo evaluation reports (json: one object for one mode, an array for several).</summary>
    /// <param name="reports">The reports, one per mode.</param>
    void WriteEval(IReadOnlyList<LocomoModeReport> reports);

    /// <summary>Writes a LongMemEval evaluation report.</summary>
    /// <param name="report">The report.</param>
    void WriteLongMemEval(LongMemEval.LongMemEvalReport report);
}
