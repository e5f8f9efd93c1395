using System.Diagnostics;

namespace Engram;

/// <summary>Names of Engram's traces: one <see cref="ActivitySource"/> named "Engram", one span per public operation.</summary>
internal static class EngramTelemetry
{
    public const string SourceName = "Engram";

    public static readonly ActivitySource ActivitySource = new(SourceName);

    public static Activity? Start(string operation, string projectId)
    {
        var activity = ActivitySource.StartActivity(operation);
        activity?.SetTag("db.system.name", "engram");
        activity?.SetTag("db.namespace", projectId);
        return activity;
    }
}
