using System.Text.Json;

namespace Engram.Server;

// Wire requests of the Mem0 Platform API (mem0-reference.md §5.2). Keys are snake_case (ServerJsonContext). Fields whose
// type varies between clients (ids sent as numbers, `messages` as a string, an object or a list, dates as text or epoch
// numbers) are JsonElement and converted by WireParsing, which answers 400 with a clear message for a wrong type. Fields
// that are absent are JsonValueKind.Undefined, so absent and null can be told apart (PUT's expiration_date).
// Unknown keys (source, version, org_id, project_id, async_mode, …) are ignored.

/// <summary>The scope identifiers a request may carry at its top level.</summary>
internal interface IScopedRequest
{
    JsonElement UserId { get; }

    JsonElement AgentId { get; }

    JsonElement AppId { get; }

    JsonElement RunId { get; }

    JsonElement SessionId { get; }
}

/// <summary><c>POST /v3/memories/add/</c> and the legacy <c>POST /v1/memories/</c>.</summary>
internal sealed class AddMemoryRequest : IScopedRequest
{
    public JsonElement Messages { get; init; }

    public JsonElement UserId { get; init; }

    public JsonElement AgentId { get; init; }

    public JsonElement AppId { get; init; }

    public JsonElement RunId { get; init; }

    public JsonElement SessionId { get; init; }

    /// <summary>The Python client may send the scope inside <c>filters</c> on add; top-level ids win.</summary>
    public JsonElement Filters { get; init; }

    public JsonElement Metadata { get; init; }

    public bool? Infer { get; init; }

    public JsonElement CustomCategories { get; init; }

    public string? CustomInstructions { get; init; }

    public JsonElement Timestamp { get; init; }

    public JsonElement ObservationDate { get; init; }

    public JsonElement ObservationDatetime { get; init; }

    public JsonElement ExpirationDate { get; init; }

    public string? MemoryType { get; init; }

    /// <summary>Legacy <c>/v1/memories/</c>: <see langword="false"/> processes the add before answering.</summary>
    public bool? AsyncMode { get; init; }

    /// <summary>Legacy <c>/v1/memories/</c>: <c>v1.0</c> (bare list, the default) or <c>v1.1</c> (<c>{"results": [...]}</c>).</summary>
    public string? OutputFormat { get; init; }

    /// <summary>Mem0g: extract graph relations from the added memories.</summary>
    public bool? EnableGraph { get; init; }

    /// <summary>Mem0: the added memories cannot be updated later.</summary>
    public bool? Immutable { get; init; }

    /// <summary>Mem0: what to remember (a string, or a list of strings); reaches the extraction prompt.</summary>
    public JsonElement Includes { get; init; }

    /// <summary>Mem0: what never to remember (a string, or a list of strings); reaches the extraction prompt.</summary>
    public JsonElement Excludes { get; init; }

    /// <summary>Mem0: instructions for memories about the agent; reach the extraction prompt.</summary>
    public string? AgentCustomInstructions { get; init; }

    /// <summary>Mem0: a JSON schema of structured attributes to extract; refused (400), since no extractor fills one.</summary>
    public JsonElement StructuredDataSchema { get; init; }
}

/// <summary><c>POST /v3/memories/search/</c> and the legacy search routes.</summary>
internal sealed class SearchMemoriesWireRequest : IScopedRequest
{
    public string? Query { get; init; }

    public JsonElement Filters { get; init; }

    public int? TopK { get; init; }

    public double? Threshold { get; init; }

    public bool? Rerank { get; init; }

    public bool? ShowExpired { get; init; }

    public bool? LatestOnly { get; init; }

    public JsonElement ReferenceDate { get; init; }

    public JsonElement Categories { get; init; }

    public JsonElement Metadata { get; init; }

    /// <summary>Engram extension: adds <c>score_details</c> (each signal's contribution) to every result.</summary>
    public bool? Explain { get; init; }

    public string? OutputFormat { get; init; }

    /// <summary>Mem0g: return <c>relations</c> around the query (also with <c>output_format: v1.1</c>).</summary>
    public bool? EnableGraph { get; init; }

    /// <summary>Mem0: the memory fields each result keeps (response projection).</summary>
    public JsonElement Fields { get; init; }

    /// <summary>Mem0: add keyword (BM25) search; Engram always fuses it, so only <see langword="false"/> is refused.</summary>
    public bool? KeywordSearch { get; init; }

    public JsonElement UserId { get; init; }

    public JsonElement AgentId { get; init; }

    public JsonElement AppId { get; init; }

    public JsonElement RunId { get; init; }

    public JsonElement SessionId { get; init; }
}

/// <summary><c>POST /v3/memories/</c> (list) and the legacy <c>POST /v2/memories/</c>.</summary>
internal sealed class ListMemoriesWireRequest : IScopedRequest
{
    public JsonElement Filters { get; init; }

    public int? Page { get; init; }

    public int? PageSize { get; init; }

    public bool? ShowExpired { get; init; }

    public bool? LatestOnly { get; init; }

    public JsonElement StartDate { get; init; }

    public JsonElement EndDate { get; init; }

    public JsonElement Categories { get; init; }

    public string? Keywords { get; init; }

    /// <summary>Mem0: the memory fields each result keeps (response projection).</summary>
    public JsonElement Fields { get; init; }

    /// <summary>Mem0g's switch on <c>POST /v2/memories/</c>: <c>enable_graph: true</c> or <c>output_format: "v1.1"</c> adds <c>relations</c>.</summary>
    public bool? EnableGraph { get; init; }

    /// <summary><c>v1.1</c> asks for <c>relations</c> (see <see cref="EnableGraph"/>).</summary>
    public string? OutputFormat { get; init; }

    public JsonElement UserId { get; init; }

    public JsonElement AgentId { get; init; }

    public JsonElement AppId { get; init; }

    public JsonElement RunId { get; init; }

    public JsonElement SessionId { get; init; }
}

/// <summary><c>PUT /v1/memories/{id}/</c>.</summary>
internal sealed class UpdateMemoryWireRequest
{
    public string? Text { get; init; }

    /// <summary>Deprecated alias of <see cref="Text"/> (Mem0 OSS <c>data</c>).</summary>
    public string? Data { get; init; }

    public JsonElement Metadata { get; init; }

    /// <summary>When the memory was said (epoch seconds or milliseconds, or ISO-8601): backdates <c>created_at</c>, as on add.</summary>
    public JsonElement Timestamp { get; init; }

    /// <summary>A <c>YYYY-MM-DD</c> date, <see langword="null"/> to clear it, or absent to keep it.</summary>
    public JsonElement ExpirationDate { get; init; }
}

/// <summary>One entry of <c>PUT|DELETE /v1/batch/</c>.</summary>
internal sealed class BatchMemoryItem
{
    public string? MemoryId { get; init; }

    public string? Text { get; init; }

    public JsonElement Metadata { get; init; }
}

/// <summary><c>PUT|DELETE /v1/batch/</c>.</summary>
internal sealed class BatchWireRequest
{
    public List<BatchMemoryItem>? Memories { get; init; }
}

/// <summary><c>POST /v1/feedback/</c>.</summary>
internal sealed class FeedbackWireRequest
{
    public string? MemoryId { get; init; }

    public string? Feedback { get; init; }

    public string? FeedbackReason { get; init; }
}

/// <summary><c>POST /v1/exports/</c>.</summary>
internal sealed class CreateExportWireRequest
{
    public JsonElement Schema { get; init; }

    public JsonElement Filters { get; init; }

    public string? ExportInstructions { get; init; }
}

/// <summary><c>POST /v1/exports/get/</c>.</summary>
internal sealed class GetExportWireRequest
{
    public string? MemoryExportId { get; init; }

    public JsonElement Filters { get; init; }
}
