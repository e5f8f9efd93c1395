using System.Globalization;
using System.Text.Json;
using Engram.Cli.Output;
using Spectre.Console;

namespace Engram.Cli.Bench;

/// <summary>Writes a <see cref="BenchReport"/> as tables (plain text when redirected) or as one JSON document.</summary>
internal static class BenchReportWriter
{
    /// <summary>Writes the report as one compact JSON document (snake_case keys).</summary>
    /// <param name="writer">Standard output.</param>
    /// <param name="report">The report.</param>
    public static void WriteJson(TextWriter writer, BenchReport report)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteLine(JsonSerializer.Serialize(report, BenchJsonContext.Default.BenchReport));
        writer.Flush();
    }

    /// <summary>Writes the report as tables: the targets first, then every figure.</summary>
    /// <param name="writer">Standard output.</param>
    /// <param name="report">The report.</param>
    public static void WriteTable(TextWriter writer, BenchReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var console = SpectreConsoles.Create(writer);
        var targets = NewTable("target", "goal", "measured", "met", "scale");
        foreach (var t in report.Targets)
        {
            targets.AddRow(
                Cell(t.Name),
                Cell(t.Target),
                Cell(t.Measured is { } m ? $"{Number(m)} {t.Unit}" : "not measured"),
                Cell(t.Met switch { true => "yes", false => "NO", null => "-" }),
                Cell(t.Scale));
        }

        console.Write(targets);

        var figures = NewTable("figure", "value");
        void Row(string name, string value) => figures.AddRow(Cell(name), Cell(value));
        var machine = report.Machine;
        Row("machine", $"{machine.Cores} cores, {machine.Runtime}, {machine.Os}; load average {Number(machine.LoadAverage)} at start");
        Row("memory bandwidth", $"{Gigabytes(machine.Bandwidth.SingleThreadBytesPerSecond)} GB/s (1 thread), {Gigabytes(machine.Bandwidth.AllThreadsBytesPerSecond)} GB/s ({machine.Bandwidth.Threads} threads)");
        var dataset = report.Dataset;
        Row("data set", $"{dataset.Memories:N0} memories, {dataset.Users:N0} users × {dataset.MemoriesPerUser:N0}, {dataset.Dimensions} dimensions{(dataset.Reused ? " (reused)" : string.Empty)}{(dataset.InMemoryIndex ? string.Empty : "; in-memory index off")}");
        if (report.Ingest is { } ingest)
        {
            var b = ingest.Batched;
            Row("batched add (infer=false)", $"{Number(b.MemoriesPerSecond)} memories/s ({b.Memories:N0} in batches of {b.BatchSize:N0}, {b.Workers} at once, {Number(b.Seconds)} s; {Number(b.CpuSeconds)} CPU-s)");
            if (ingest.Single is { } single)
            {
                Row("one-by-one add", $"{Number(single.AddsPerSecond)} adds/s; {Latency(single.LatencyMs)}");
            }
        }

        var search = report.Search;
        Row("first project-wide search", $"{Number(search.FirstProjectWideMs)} ms");
        Row("search, user-scoped", Phase(search.UserScoped));
        Row("search, project-wide", Phase(search.ProjectWide));
        Row("vector search, user-scoped", Phase(search.VectorUserScoped));
        Row("vector search, project-wide", Phase(search.VectorProjectWide));
        var recall = search.VectorRecall;
        Row("vector recall vs exact scan", $"user-scoped {Number(recall.UserScoped)}, project-wide {Number(recall.ProjectWide)} (top {recall.Limit}, {recall.Queries} queries each)");
        var scan = report.Scan;
        Row("vector bytes read per query", $"user-scoped {Bytes(scan.UserScopedBytesPerQuery)} (≥ {Number(scan.UserScopedBoundMs)} ms at full bandwidth); project-wide {Bytes(scan.ProjectWideBytesPerQuery)} (≥ {Number(scan.ProjectWideBoundMs)} ms); an exact float32 scan of the project would take ≥ {Number(scan.ExactProjectWideBoundMs)} ms");
        if (report.Memory is { } memory)
        {
            Row("resident memory", $"{Bytes(memory.ResidentBytes)} ({Number(memory.BytesPerMemory)} B per memory; {Number(memory.MarginalBytesPerMemory)} B above the {Bytes(memory.BaselineResidentBytes)} start-up baseline; budget {memory.BudgetBytesPerMemory:N0} B); managed heap {Bytes(memory.ManagedBytes)} live, {Bytes(memory.ManagedCommittedBytes)} committed; index {Bytes(memory.IndexBytes)}");
        }

        Row("database size", $"{Bytes(report.Storage.DatabaseBytes)} ({Number(report.Storage.BytesPerMemory)} B per memory)");
        if (report.ColdStart is { } cold)
        {
            Row("cold start to first answer", $"{Number(cold.FirstAnswerMs)} ms (in-process {Number(cold.InProcessMs)} ms); first project-wide search {Number(cold.FirstProjectWideMs)} ms");
        }

        console.Write(figures);
        foreach (var note in report.Notes)
        {
            console.Write(new Text("note: " + note + Environment.NewLine));
        }
    }

    private static string Phase(SearchPhaseReport phase) =>
        $"{Latency(phase.LatencyMs)}; {Number(phase.CpuMsPerQuery)} CPU-ms each; {phase.Queries:N0} queries, {Number(phase.MeanResults)} results each";

    private static string Latency(LatencyReport latency) =>
        $"p50 {Number(latency.P50)} ms, p95 {Number(latency.P95)} ms, p99 {Number(latency.P99)} ms, max {Number(latency.Max)} ms";

    private static string Number(double value) => value.ToString(value >= 100 ? "N0" : "0.###", CultureInfo.InvariantCulture);

    private static string Gigabytes(double bytesPerSecond) => (bytesPerSecond / 1e9).ToString("0.0", CultureInfo.InvariantCulture);

    private static string Bytes(double bytes) => bytes switch
    {
        >= 1L << 30 => (bytes / (1L << 30)).ToString("0.00", CultureInfo.InvariantCulture) + " GiB",
        >= 1L << 20 => (bytes / (1L << 20)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB",
        >= 1L << 10 => (bytes / (1L << 10)).ToString("0.0", CultureInfo.InvariantCulture) + " KiB",
        _ => bytes.ToString("0", CultureInfo.InvariantCulture) + " B",
    };

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
}
