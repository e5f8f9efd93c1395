using System.Text.Json.Serialization;

namespace Engram.Cli.Bench;

/// <summary>The JSON of <c>engram bench</c>: snake_case keys, and <see langword="null"/> written out for what was not measured.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(BenchReport))]
[JsonSerializable(typeof(BenchDatasetMarker))]
[JsonSerializable(typeof(ProbeFirstAnswer))]
[JsonSerializable(typeof(ProbeSummary))]
internal sealed partial class BenchJsonContext : JsonSerializerContext;
