using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Engram.Server;

/// <summary>
/// Traces and metrics of every HTTP route under the "Engram" <see cref="ActivitySource"/> and <see cref="Meter"/>: one
/// span per request named <c>{METHOD} {route template}</c> (OpenTelemetry HTTP conventions: <c>http.request.method</c>,
/// <c>http.route</c>, <c>http.response.status_code</c>) and one measurement of <c>engram.http.server.request.duration</c>
/// in seconds with the same tags. Added first in the pipeline, so the status code is the final one (errors included);
/// the route is captured right after routing, because the exception handler clears the endpoint before it writes an
/// error. Never tags a query string, a body or a key. Thread-safe.
/// </summary>
internal static class RouteTelemetry
{
    /// <summary>The name of Engram's activity source and meter (the engine's and the server's).</summary>
    public const string Name = "Engram";

    public static readonly ActivitySource ActivitySource = new(Name);

    public static readonly Meter Meter = new(Name);

    public static readonly Histogram<double> RequestDuration = Meter.CreateHistogram<double>(
        "engram.http.server.request.duration", "s", "Duration of HTTP requests to Engram's routes.");

    /// <summary>Adds the telemetry middleware; call it before every other middleware.</summary>
    /// <param name="app">The application.</param>
    /// <returns>The same application.</returns>
    public static IApplicationBuilder UseRouteTelemetry(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var captured = new RouteCapture();
        context.Features.Set(captured);
        var method = context.Request.Method;
        using var activity = ActivitySource.StartActivity(method, ActivityKind.Server);
        activity?.SetTag("http.request.method", method);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        catch (Exception exception) when (activity is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
            activity.SetTag("error.type", exception.GetType().FullName);
            throw;
        }
        finally
        {
            var route = captured.Route ?? (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
            var status = context.Response.StatusCode;
            if (activity is not null)
            {
                activity.DisplayName = route is null ? method : $"{method} {route}";
                activity.SetTag("http.route", route);
                activity.SetTag("http.response.status_code", status);
                if (status >= 500)
                {
                    activity.SetStatus(ActivityStatusCode.Error);
                }
            }

            if (RequestDuration.Enabled)
            {
                RequestDuration.Record(
                    Stopwatch.GetElapsedTime(started).TotalSeconds,
                    new KeyValuePair<string, object?>("http.request.method", method),
                    new KeyValuePair<string, object?>("http.route", route),
                    new KeyValuePair<string, object?>("http.response.status_code", status));
            }
        }
    });

    /// <summary>Records the matched route template for <see cref="UseRouteTelemetry"/>; call it right after <c>UseRouting</c>.</summary>
    /// <param name="app">The application.</param>
    /// <returns>The same application.</returns>
    public static IApplicationBuilder UseRouteCapture(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (context.Features.Get<RouteCapture>() is { } captured)
        {
            captured.Route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
        }

        return next(context);
    });

    /// <summary>The route template of the current request, kept in its features.</summary>
    private sealed class RouteCapture
    {
        public string? Route { get; set; }
    }
}
