using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Engram.Server;

/// <summary>
/// Exports the "Engram" traces and metrics over OTLP while the server runs, when <see cref="TelemetryOptions.OtlpEndpoint"/>
/// is configured; otherwise does nothing. Built on the OpenTelemetry SDK's provider builders (the hosting extension
/// package is not available from the NuGet source used here). Stopping flushes what is buffered.
/// </summary>
internal sealed class OtlpExportService(IOptions<TelemetryOptions> options) : IHostedService, IDisposable
{
    private const string AspNetCoreSource = "Microsoft.AspNetCore";

    private TracerProvider? _tracer;
    private MeterProvider? _meter;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var value = options.Value;
        if (value.OtlpEndpoint is not { } endpoint)
        {
            return Task.CompletedTask;
        }

        var protocol = value.OtlpProtocol == "http/protobuf" ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        var resource = ResourceBuilder.CreateDefault().AddService(value.ServiceName);
        _tracer = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(resource)
            .AddSource(RouteTelemetry.Name)
            // ASP.NET Core's own request span is the parent of Engram's route span: recording it keeps the default
            // parent-based sampling (which honours an incoming traceparent) from dropping Engram's spans.
            .AddSource(AspNetCoreSource)
            .AddOtlpExporter(exporter =>
            {
                exporter.Endpoint = Signal(endpoint, protocol, "traces");
                exporter.Protocol = protocol;
            })
            .Build();
        _meter = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(resource)
            .AddMeter(RouteTelemetry.Name)
            .AddOtlpExporter((exporter, reader) =>
            {
                exporter.Endpoint = Signal(endpoint, protocol, "metrics");
                exporter.Protocol = protocol;
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = value.MetricExportIntervalMilliseconds;
            })
            .Build();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _tracer?.ForceFlush();
        _meter?.ForceFlush();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _tracer?.Dispose();
        _meter?.Dispose();
    }

    /// <summary>OTLP over HTTP posts each signal to its own path (<c>/v1/traces</c>, <c>/v1/metrics</c>); gRPC uses the endpoint as is.</summary>
    private static Uri Signal(Uri endpoint, OtlpExportProtocol protocol, string signal) =>
        protocol == OtlpExportProtocol.HttpProtobuf ? new Uri(endpoint, $"{endpoint.AbsolutePath.TrimEnd('/')}/v1/{signal}") : endpoint;
}
