using System.Text.Json;
using System.Text.Json.Serialization;

namespace Engram.Server;

/// <summary>
/// The source-generated JSON metadata of every wire type: snake_case keys (Mem0's wire format), numbers also read from
/// strings, unknown keys ignored. Dictionary keys (metadata, settings) are kept verbatim.
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(AddMemoryRequest))]
[JsonSerializable(typeof(SearchMemoriesWireRequest))]
[JsonSerializable(typeof(ListMemoriesWireRequest))]
[JsonSerializable(typeof(UpdateMemoryWireRequest))]
[JsonSerializable(typeof(BatchWireRequest))]
[JsonSerializable(typeof(FeedbackWireRequest))]
[JsonSerializable(typeof(CreateExportWireRequest))]
[JsonSerializable(typeof(GetExportWireRequest))]
[JsonSerializable(typeof(WebhookWireRequest))]
[JsonSerializable(typeof(ImportResponse))]
[JsonSerializable(typeof(GraphSearchResponse))]
[JsonSerializable(typeof(GraphAddResultsResponse))]
[JsonSerializable(typeof(GraphAddSyncResponse))]
[JsonSerializable(typeof(GraphListResponse))]
[JsonSerializable(typeof(IReadOnlyList<RelationDetailResponse>))]
[JsonSerializable(typeof(WebhookResponse))]
[JsonSerializable(typeof(IReadOnlyList<WebhookResponse>))]
[JsonSerializable(typeof(AddEventPayload))]
[JsonSerializable(typeof(MemoryResponse))]
[JsonSerializable(typeof(IReadOnlyList<MemoryResponse>))]
[JsonSerializable(typeof(PageResponse<MemoryResponse>))]
[JsonSerializable(typeof(SearchHitResponse))]
[JsonSerializable(typeof(IReadOnlyList<SearchHitResponse>))]
[JsonSerializable(typeof(ResultsResponse<SearchHitResponse>))]
[JsonSerializable(typeof(AddSyncResponse))]
[JsonSerializable(typeof(AddQueuedResponse))]
[JsonSerializable(typeof(IReadOnlyList<LegacyAddQueuedResponse>))]
[JsonSerializable(typeof(IReadOnlyList<AddResultResponse>))]
[JsonSerializable(typeof(LegacyAddResultsResponse))]
[JsonSerializable(typeof(MessageResponse))]
[JsonSerializable(typeof(ErasureMessageResponse))]
[JsonSerializable(typeof(PingResponse))]
[JsonSerializable(typeof(IReadOnlyList<HistoryResponse>))]
[JsonSerializable(typeof(EntitiesResponse))]
[JsonSerializable(typeof(DashboardStatsResponse))]
[JsonSerializable(typeof(DashboardSearchResponse))]
[JsonSerializable(typeof(EventResponse))]
[JsonSerializable(typeof(RetryResponse))]
[JsonSerializable(typeof(PageResponse<EventResponse>))]
[JsonSerializable(typeof(FeedbackResponse))]
[JsonSerializable(typeof(ExportCreatedResponse))]
[JsonSerializable(typeof(ExportResponse))]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(Dictionary<string, JsonElement>))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(System.Text.Json.Nodes.JsonNode))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(List<JsonElement>))]
internal sealed partial class ServerJsonContext : JsonSerializerContext;
