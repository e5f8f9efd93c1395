using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Engram;

/// <summary>
/// Engram's traces and metrics: one <see cref="ActivitySource"/> and one <see cref="Meter"/>, both named "Engram".
/// Every public engine operation is one span (<c>memory.add</c>, <c>memory.search</c>, …) and one measurement of
/// <c>engram.operation.duration</c>; tags follow the OpenTelemetry database conventions (<c>db.system.name</c>,
/// <c>db.namespace</c> = project id) plus <c>engram.operation</c>. No tag carries memory text. Thread-safe.
/// </summary>
internal static class EngramTelemetry
{
    public const string SourceName = "Engram";

    public static readonly ActivitySource ActivitySource = new(SourceName);

    public static readonly Meter Meter = new(SourceName);

    /// <summary>Duration of each engine operation, in seconds (OpenTelemetry's unit for durations).</summary>
    public static readonly Histogram<double> OperationDuration = Meter.CreateHistogram<double>(
        "engram.operation.duration", "s", "Duration of Engram engine operations (add, search, list, get, update, delete, history, reset).");

    /// <summary>Memories written by adds (new facts, not duplicates), tagged with the project.</summary>
    public static readonly Counter<long> MemoriesAdded = Meter.CreateCounter<long>(
        "engram.memories.added", "{memory}", "Memories stored by add operations.");

    /// <summary>Starts the span and the timer of one engine operation; dispose it when the operation ends.</summary>
    /// <param name="operation">The operation name, e.g. <c>memory.search</c>.</param>
    /// <param name="projectId">The project the operation runs in.</param>
    /// <returns>The operation's scope; its <see cref="OperationScope.SetTag"/> adds a tag to the span when one is recorded.</returns>
    public static OperationScope Start(string operation, string projectId)
    {
        var activity = ActivitySource.StartActivity(operation);
        activity?.SetTag("db.system.name", "engram");
        activity?.SetTag("db.namespace", projectId);
        activity?.SetTag("engram.operation", operation);
        return new OperationScope(operation, projectId, activity);
    }
}
