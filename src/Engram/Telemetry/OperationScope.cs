using System.Diagnostics;

namespace Engram;

/// <summary>
/// One running engine operation: its span (when a listener records it) and its start time. Disposing records the
/// duration in <see cref="EngramTelemetry.OperationDuration"/> (seconds, tagged <c>engram.operation</c> and
/// <c>db.namespace</c>) and ends the span. Not thread-safe: one operation, one owner.
/// </summary>
internal sealed class OperationScope(string operation, string projectId, Activity? activity) : IDisposable
{
    private readonly long _started = Stopwatch.GetTimestamp();

    /// <summary>Adds a tag to the span (ids and counts only, never memory text).</summary>
    /// <param name="key">The tag name.</param>
    /// <param name="value">The tag value.</param>
    public void SetTag(string key, object? value) => activity?.SetTag(key, value);

    /// <inheritdoc/>
    public void Dispose()
    {
        var seconds = Stopwatch.GetElapsedTime(_started).TotalSeconds;
        if (EngramTelemetry.OperationDuration.Enabled)
        {
            EngramTelemetry.OperationDuration.Record(
                seconds,
                new KeyValuePair<string, object?>("engram.operation", operation),
                new KeyValuePair<string, object?>("db.namespace", projectId));
        }

        activity?.Dispose();
    }
}
