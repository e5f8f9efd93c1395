using System.ComponentModel.DataAnnotations;

namespace Engram.Server;

/// <summary>
/// OpenTelemetry export (configuration section <c>Engram:Telemetry</c>, e.g. <c>ENGRAM__TELEMETRY__OTLPENDPOINT</c>).
/// The "Engram" traces and metrics are always emitted in process; they leave it over OTLP only when
/// <see cref="OtlpEndpoint"/> (or the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> variable) is set.
/// </summary>
public sealed class TelemetryOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Engram:Telemetry";

    /// <summary>The standard OpenTelemetry variable read when <see cref="OtlpEndpoint"/> is not set.</summary>
    public const string StandardEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Gets or sets the OTLP collector, e.g. <c>http://localhost:4317</c> (gRPC) or <c>http://localhost:4318</c> (HTTP).</summary>
    /// <value>Defaults to <see langword="null"/>: nothing is exported.</value>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary>Gets or sets the OTLP transport: <c>grpc</c> or <c>http/protobuf</c>.</summary>
    /// <value>Defaults to <c>grpc</c> (OpenTelemetry's default).</value>
    [RegularExpression("^(grpc|http/protobuf)$")]
    public string OtlpProtocol { get; set; } = "grpc";

    /// <summary>Gets or sets the <c>service.name</c> resource attribute.</summary>
    /// <value>Defaults to <c>engram</c>.</value>
    [Required]
    public string ServiceName { get; set; } = "engram";

    /// <summary>Gets or sets how often metrics are exported, in milliseconds.</summary>
    /// <value>Defaults to 60 000 (OpenTelemetry's default).</value>
    [Range(100, 3_600_000)]
    public int MetricExportIntervalMilliseconds { get; set; } = 60_000;
}
