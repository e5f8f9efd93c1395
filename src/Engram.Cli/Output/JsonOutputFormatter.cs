using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Engram.Cli.Locomo;

namespace Engram.Cli.Output;

/// <summary>Writes results as compact JSON (one document per command; one line per acknowledged add for <c>import</c>).</summary>
/// <param name="writer">Standard output.</param>
internal sealed class JsonOutputFormatter(TextWriter writer) : IOutputFormatter
{
    /// <inheritdoc/>
    public void WriteAdd(AddMemoriesResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        Write(new AddResultDto(result.Results.Select(MemoryEventDto.From).ToList()), CliJsonContext.Default.AddResultDto);
    }

    /// <inheritdoc/>
    public void WriteSearch(SearchMemoriesResult result, bool explain)
    {
        ArgumentNullException.ThrowIfNull(result);
        var excluded = explain ? result.Excluded.Select(e => new ExcludedCandidateDto(e.MemoryId, e.Reason, e.Score)).ToList() : null;
        Write(new SearchResultDto(result.Results.Select(SearchHitDto.From).ToList(), excluded), CliJsonContext.Default.SearchResultDto);
    }

    /// <inheritdoc/>
    public void WriteList(ListMemoriesResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        Write(
            new ListResultDto(result.Items.Select(MemoryDto.From).ToList(), result.TotalCount, result.Page, result.PageSize, result.HasMore),
            CliJsonContext.Default.ListResultDto);
    }

    /// <inheritdoc/>
    public void WriteMemory(MemoryItem item) => Write(MemoryDto.From(item), CliJsonContext.Default.MemoryDto);

    /// <inheritdoc/>
    public void WriteHistory(string memoryId, IReadOnlyList<MemoryHistoryEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        Write(entries.Select(HistoryEntryDto.From).ToList(), CliJsonContext.Default.ListHistoryEntryDto);
    }

    /// <inheritdoc/>
    public void WriteDeleted(string memoryId) =>
        Write(new DeleteResultDto("Memory deleted successfully!", memoryId, null), CliJsonContext.Default.DeleteResultDto);

    /// <inheritdoc/>
    public void WriteEvents(IReadOnlyList<StoredEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        Write<IReadOnlyList<EventDto>>(events.Select(ToEventDto).ToList(), CliJsonContext.Default.IReadOnlyListEventDto);
    }

    /// <summary>Maps an event to its printed shape.</summary>
    /// <param name="e">The event.</param>
    /// <returns>The DTO.</returns>
    internal static EventDto ToEventDto(StoredEvent e) =>
        new(e.Id, e.Status.ToString().ToUpperInvariant(), e.Attempts, e.Error, e.CreatedAt, e.CompletedAt, e.Results.Count, e.Usage?.InputTokens, e.Usage?.OutputTokens);

    /// <inheritdoc/>
    public void WriteDeletedAll(MemoryScope scope, int count) =>
        Write(new DeleteResultDto("Memories deleted successfully!", null, count), CliJsonContext.Default.DeleteResultDto);

    /// <inheritdoc/>
    public void WriteImportAcknowledgement(LocomoAcknowledgement acknowledgement)
    {
        ArgumentNullException.ThrowIfNull(acknowledgement);
        Write(
            new ImportAcknowledgementDto(acknowledgement.SampleId, acknowledgement.DiaId, acknowledgement.Ids),
            CliJsonContext.Default.ImportAcknowledgementDto);
    }

    /// <inheritdoc/>
    public void WriteImportSummary(LocomoMode mode, LocomoIngestSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        Write(
            new ImportSummaryDto(LocomoModeNames.ToName(mode), summary.Samples, summary.Turns, summary.Memories, Math.Round(summary.MillisecondsPerTurn, 3)),
            CliJsonContext.Default.ImportSummaryDto);
    }

    /// <inheritdoc/>
    public void WriteReindex(VectorReindexResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        Write(ReindexResultDto.From(result), CliJsonContext.Default.ReindexResultDto);
    }

    /// <inheritdoc/>
    public void WriteEval(IReadOnlyList<LocomoModeReport> reports)
    {
        ArgumentNullException.ThrowIfNull(reports);
        if (reports.Count == 1)
        {
            Write(EvalReportDto.From(reports[0]), CliJsonContext.Default.EvalReportDto);
        }
        else
        {
            Write(reports.Select(EvalReportDto.From).ToList(), CliJsonContext.Default.ListEvalReportDto);
        }
    }

    /// <inheritdoc/>
    public void WriteLongMemEval(LongMemEval.LongMemEvalReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        Write(LongMemEval.LongMemEvalReportDto.From(report), CliJsonContext.Default.LongMemEvalReportDto);
    }

    private void Write<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        writer.WriteLine(JsonSerializer.Serialize(value, typeInfo));
        writer.Flush();
    }
}
