using System.Globalization;
using System.Text;
using Engram.Cli.Hosting;
using Engram.Cli.Locomo;
using Engram.Cli.LongMemEval;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Engram.Cli.Output;

/// <summary>Writes results as Spectre.Console tables (plain text when redirected).</summary>
internal sealed class TableOutputFormatter : IOutputFormatter
{
    private static readonly string[] CategoryNames = ["overall", "1 multi-hop", "2 temporal", "3 open-domain", "4 single-hop"];

    private readonly IAnsiConsole _console;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="writer">Standard output.</param>
    public TableOutputFormatter(TextWriter writer) => _console = SpectreConsoles.Create(writer);

    /// <inheritdoc/>
    public void WriteAdd(AddMemoriesResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Results.Count == 0)
        {
            WriteLine("No memories added.");
            return;
        }

        var table = NewTable("id", "event", "memory");
        foreach (var e in result.Results)
        {
            table.AddRow(Cell(e.Id), Cell(MemoryEventTypeNames.ToName(e.Event)), Cell(e.Memory));
        }

        _console.Write(table);
    }

    /// <inheritdoc/>
    public void WriteSearch(SearchMemoriesResult result, bool explain)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Results.Count == 0)
        {
            WriteLine("No memories found.");
        }
        else
        {
            var table = explain ? NewTable("rank", "score", "memory", "id", "signals") : NewTable("rank", "score", "memory", "id");
            var rank = 1;
            foreach (var hit in result.Results)
            {
                var cells = new List<IRenderable>
                {
                    Cell(rank.ToString(CultureInfo.InvariantCulture)),
                    Cell(Number(hit.Score, 4)),
                    Cell(hit.Item.Memory),
                    Cell(hit.Item.Id),
                };
                if (explain)
                {
                    cells.Add(Cell(Signals(hit.Explanation)));
                }

                table.AddRow(cells);
                rank++;
            }

            _console.Write(table);
        }

        if (explain && result.Excluded.Count > 0)
        {
            var excluded = NewTable("excluded id", "reason", "score");
            foreach (var e in result.Excluded)
            {
                excluded.AddRow(Cell(e.MemoryId), Cell(e.Reason), Cell(e.Score is { } s ? Number(s, 4) : "-"));
            }

            _console.Write(excluded);
        }
    }

    /// <inheritdoc/>
    public void WriteList(ListMemoriesResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Items.Count > 0)
        {
            var table = NewTable("id", "memory", "scope", "created_at");
            foreach (var item in result.Items)
            {
                table.AddRow(Cell(item.Id), Cell(item.Memory), Cell(item.Scope.ToString()), Cell(Timestamp(item.CreatedAt)));
            }

            _console.Write(table);
        }

        WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{result.TotalCount} memories; page {result.Page} (page size {result.PageSize}){(result.HasMore ? ", more pages follow" : string.Empty)}."));
    }

    /// <inheritdoc/>
    public void WriteMemory(MemoryItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var grid = NewTable("field", "value");
        void Row(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                grid.AddRow(Cell(name), Cell(value));
            }
        }

        Row("id", item.Id);
        Row("memory", item.Memory);
        Row("scope", item.Scope.ToString());
        Row("metadata", item.Metadata.Count == 0 ? null : MemoryMetadata.ToJson(item.Metadata));
        Row("categories", string.Join(", ", item.Categories));
        Row("role", item.Role);
        Row("actor_id", item.ActorId);
        Row("created_at", Timestamp(item.CreatedAt));
        Row("updated_at", Timestamp(item.UpdatedAt));
        Row("observed_at", Timestamp(item.ObservedAt));
        Row("expiration_date", item.ExpirationDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Row("superseded_by", item.SupersededBy);
        Row("valid_to", item.ValidTo is { } validTo ? Timestamp(validTo) : null);
        Row("hash", item.Hash);
        _console.Write(grid);
    }

    /// <inheritdoc/>
    public void WriteHistory(string memoryId, IReadOnlyList<MemoryHistoryEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            WriteLine($"No history for memory '{memoryId}'.");
            return;
        }

        var table = NewTable("created_at", "event", "old_memory", "new_memory", "actor_id");
        foreach (var e in entries)
        {
            table.AddRow(
                Cell(Timestamp(e.CreatedAt)),
                Cell(MemoryEventTypeNames.ToName(e.Event)),
                Cell(e.OldMemory ?? "-"),
                Cell(e.NewMemory ?? "-"),
                Cell(e.ActorId ?? "-"));
        }

        _console.Write(table);
    }

    /// <inheritdoc/>
    public void WriteDeleted(string memoryId) => WriteLine($"Deleted memory '{memoryId}'.");

    /// <inheritdoc/>
    public void WriteEvents(IReadOnlyList<StoredEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            WriteLine("No events.");
            return;
        }

        var table = NewTable("id", "status", "attempts", "results", "tokens in/out", "error");
        foreach (var e in events.Select(JsonOutputFormatter.ToEventDto))
        {
            table.AddRow(
                Cell(e.Id),
                Cell(e.Status),
                Cell(e.Attempts.ToString(CultureInfo.InvariantCulture)),
                Cell(e.Results.ToString(CultureInfo.InvariantCulture)),
                Cell(e.InputTokens is null ? "-" : string.Create(CultureInfo.InvariantCulture, $"{e.InputTokens}/{e.OutputTokens}")),
                Cell(e.Error ?? "-"));
        }

        _console.Write(table);
    }

    /// <inheritdoc/>
    public void WriteDeletedAll(MemoryScope scope, int count) =>
        WriteLine(string.Create(CultureInfo.InvariantCulture, $"Deleted {count} memories of {scope}."));

    /// <inheritdoc/>
    public void WriteImportAcknowledgement(LocomoAcknowledgement acknowledgement)
    {
        // Table output shows the progress bar on stderr and the summary at the end only.
    }

    /// <inheritdoc/>
    public void WriteImportSummary(LocomoMode mode, LocomoIngestSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var table = NewTable("mode", "samples", "turns", "memories", "ingest ms/turn");
        table.AddRow(
            Cell(LocomoModeNames.ToName(mode)),
            Cell(summary.Samples.ToString(CultureInfo.InvariantCulture)),
            Cell(summary.Turns.ToString(CultureInfo.InvariantCulture)),
            Cell(summary.Memories.ToString(CultureInfo.InvariantCulture)),
            Cell(Number(summary.MillisecondsPerTurn, 3)));
        _console.Write(table);
    }

    /// <inheritdoc/>
    public void WriteReindex(VectorReindexResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var embedder = Embedder(result.Embedder);
        if (result.IsNoOp)
        {
            WriteLine(string.Create(CultureInfo.InvariantCulture, $"Nothing to re-embed: all {result.Skipped} memories already use {embedder}."));
            return;
        }

        var previous = result.PreviousEmbedder is { } model ? Embedder(model) : "no recorded embedder";
        var skipped = result.Skipped > 0 ? string.Create(CultureInfo.InvariantCulture, $", {result.Skipped} already done") : string.Empty;
        WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Re-embedded {result.Reembedded} memories{skipped} in {result.Elapsed.TotalSeconds:F1} s: {previous} → {embedder}."));
    }

    /// <inheritdoc/>
    public void WriteEval(IReadOnlyList<LocomoModeReport> reports)
    {
        ArgumentNullException.ThrowIfNull(reports);
        foreach (var report in reports)
        {
            var mode = LocomoModeNames.ToName(report.Mode);
            _console.Write(ScoresTable($"LoCoMo {mode}: evidence recall (%), {report.Original.Questions} questions", report.Original));
            if (report.Audited is { } audited)
            {
                _console.Write(ScoresTable($"LoCoMo {mode}, corrected labels: evidence recall (%), {audited.Questions} questions", audited));
            }

            var figures = NewTable("figure", "value");
            figures.Title = new TableTitle($"LoCoMo {mode}: cost");
            figures.AddRow(Cell("turns ingested"), Cell(report.Ingest.Turns.ToString(CultureInfo.InvariantCulture)));
            figures.AddRow(Cell("memories created"), Cell(report.Ingest.Memories.ToString(CultureInfo.InvariantCulture)));
            figures.AddRow(Cell("ingest ms per turn"), Cell(Number(report.Ingest.MillisecondsPerTurn, 3)));
            figures.AddRow(Cell("search ms p50"), Cell(Number(report.SearchP50Milliseconds, 3)));
            figures.AddRow(Cell("search ms p95"), Cell(Number(report.SearchP95Milliseconds, 3)));
            figures.AddRow(Cell("context tokens, top 10 (ceil(chars/4))"), Cell(Number(report.ContextTokensTop10, 1)));
            figures.AddRow(Cell("full conversation tokens (ceil(chars/4))"), Cell(Number(report.FullTokens, 1)));
            if (report.Corrections is { } c)
            {
                figures.AddRow(
                    Cell("corrections"),
                    Cell(string.Create(CultureInfo.InvariantCulture, $"{c.Evidence} evidence replaced, {c.AnswerOnly} answer-only (no effect on recall), {c.Unmatched} unmatched")));
            }

            if (report.EmbeddingCache is { } cache)
            {
                figures.AddRow(Cell("embedding cache"), Cell(CacheText(cache)));
            }

            _console.Write(figures);
        }
    }

    /// <inheritdoc/>
    public void WriteLongMemEval(LongMemEvalReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var overall = report.Overall;
        var table = NewTable("metric", "@5", "@10", "@25", "@50");
        table.Title = new TableTitle(string.Create(
            CultureInfo.InvariantCulture,
            $"LongMemEval (%): {overall.Questions} scored questions ({report.Abstention} abstention not scored), turn recall over {overall.TurnQuestions}"));
        foreach (var (name, byK) in Metrics(overall))
        {
            table.AddRow([Cell(name), .. LongMemEvalMetrics.StandardKs.Select(k => Cell(Percent(byK.TryGetValue(k, out var v) ? v : null)))]);
        }

        _console.Write(table);

        var types = NewTable("question type", "questions", "any@5", "all@10", "ndcg@10", "turn@10", "turn@50");
        types.Title = new TableTitle("LongMemEval per question type (%)");
        foreach (var (type, summary) in report.ByType.Append(new("overall", overall)))
        {
            types.AddRow(
                Cell(type),
                Cell(summary.Questions.ToString(CultureInfo.InvariantCulture)),
                Cell(Percent(summary.RecallAny[5])),
                Cell(Percent(summary.RecallAll[10])),
                Cell(Percent(summary.Ndcg[10])),
                Cell(Percent(summary.TurnRecall[10])),
                Cell(Percent(summary.TurnRecall[50])));
        }

        _console.Write(types);

        var figures = NewTable("figure", "value");
        figures.Title = new TableTitle("LongMemEval: cost");
        figures.AddRow(Cell("questions (scopes)"), Cell(report.Questions.ToString(CultureInfo.InvariantCulture)));
        figures.AddRow(Cell("sessions ingested (one add each)"), Cell(report.Ingest.Sessions.ToString(CultureInfo.InvariantCulture)));
        figures.AddRow(Cell("turns ingested"), Cell(report.Ingest.Turns.ToString(CultureInfo.InvariantCulture)));
        figures.AddRow(Cell("ingest ms per turn"), Cell(Number(report.Ingest.MillisecondsPerTurn, 3)));
        figures.AddRow(Cell("search ms p50"), Cell(Number(report.SearchP50Milliseconds, 3)));
        figures.AddRow(Cell("search ms p95"), Cell(Number(report.SearchP95Milliseconds, 3)));
        figures.AddRow(Cell("embedder"), Cell(report.Embedder ?? "-"));
        if (report.EmbeddingCache is { } cache)
        {
            figures.AddRow(Cell("embedding cache"), Cell(CacheText(cache)));
        }

        _console.Write(figures);
    }

    private static IEnumerable<(string Name, IReadOnlyDictionary<int, double?> ByK)> Metrics(ScoreSummary summary)
    {
        yield return ("recall_any", summary.RecallAny);
        yield return ("recall_all", summary.RecallAll);
        yield return ("recall_frac", summary.RecallFraction);
        yield return ("ndcg", summary.Ndcg);
        yield return ("turn_recall", summary.TurnRecall);
    }

    private static string CacheText(EmbeddingCacheStatistics cache) => string.Create(
        CultureInfo.InvariantCulture,
        $"{cache.Path}: {cache.Hits} hits, {cache.Misses} misses, {cache.GeneratorCalls} embedder calls (timings include cache look-ups, not embedding)");

    private static Table ScoresTable(string title, RecallSummary summary)
    {
        var table = NewTable(["metric", .. CategoryNames]);
        table.Title = new TableTitle(title);
        void Rows(string name, IReadOnlyDictionary<int, CategoryScores> byK)
        {
            foreach (var (k, scores) in byK.OrderBy(p => p.Key))
            {
                var cells = new List<IRenderable> { Cell(string.Create(CultureInfo.InvariantCulture, $"{name}@{k}")), Cell(Percent(scores.Overall)) };
                cells.AddRange(RecallMetrics.Categories.Select(c => Cell(Percent(scores.For(c)))));
                table.AddRow(cells);
            }
        }

        Rows("recall", summary.Recall);
        Rows("all", summary.All);
        return table;
    }

    private static string Signals(SearchExplanation? explanation)
    {
        if (explanation is null)
        {
            return "-";
        }

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{explanation.Fusion}: raw {Number(explanation.RawScore, 4)}");
        foreach (var s in explanation.Signals)
        {
            text.Append('\n').Append(CultureInfo.InvariantCulture, $"{s.Name} {Number(s.Value, 3)} x {Number(s.Weight, 2)} = +{Number(s.Contribution, 4)}");
            if (s.Rank is { } rank)
            {
                text.Append(CultureInfo.InvariantCulture, $" (#{rank})");
            }
        }

        return text.ToString();
    }

    private static Table NewTable(params string[] columns)
    {
        var table = new Table();
        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn(new Text(column)));
        }

        return table;
    }

    private static Text Cell(string value) => new(value);

    private static string Embedder(EmbeddingModel model) => string.Create(CultureInfo.InvariantCulture, $"{model.Id} ({model.Dimensions} dimensions)");

    private static string Number(double value, int decimals) => value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static string Percent(double? value) => value is { } v ? (v * 100).ToString("F1", CultureInfo.InvariantCulture) : "-";

    private static string Timestamp(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private void WriteLine(string text) => _console.WriteLine(text);
}
