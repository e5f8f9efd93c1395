using System.Text.Json.Serialization;

namespace Engram.Cli.Output;

/// <summary>The CLI's JSON contract: snake_case keys (Mem0's wire style), nulls omitted unless a key is documented as always present.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(AddResultDto))]
[JsonSerializable(typeof(IReadOnlyList<EventDto>))]
[JsonSerializable(typeof(SearchResultDto))]
[JsonSerializable(typeof(ListResultDto))]
[JsonSerializable(typeof(MemoryDto))]
[JsonSerializable(typeof(List<HistoryEntryDto>))]
[JsonSerializable(typeof(DeleteResultDto))]
[JsonSerializable(typeof(ImportAcknowledgementDto))]
[JsonSerializable(typeof(ImportSummaryDto))]
[JsonSerializable(typeof(ReindexResultDto))]
[JsonSerializable(typeof(EvalReportDto))]
[JsonSerializable(typeof(List<EvalReportDto>))]
[JsonSerializable(typeof(LongMemEval.LongMemEvalReportDto))]
[JsonSerializable(typeof(List<Dictionary<string, string?>>))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
