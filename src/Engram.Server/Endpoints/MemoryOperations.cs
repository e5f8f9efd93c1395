using System.Globalization;
using System.Text.Json;

namespace Engram.Server;

/// <summary>What the current and legacy memory routes share: building engine requests from wire requests.</summary>
internal static class MemoryOperations
{
    /// <summary>Mem0 Platform's page size limit for list routes.</summary>
    public const int MaxPageSize = 200;

    /// <summary>The most entries a page may skip.</summary>
    public const int MaxOffset = 100_000_000;

    /// <summary>Mem0 Platform's default page size.</summary>
    public const int DefaultPageSize = 100;

    /// <summary>Mem0 Platform's default <c>top_k</c> for search.</summary>
    public const int DefaultTopK = 10;

    /// <summary>
    /// Validates an add request and folds in the project's settings (custom instructions and categories), so that an
    /// asynchronous add is refused with 400 before its event is persisted rather than failing later.
    /// </summary>
    public static async Task<AddEventPayload> BuildAddAsync(AddMemoryRequest body, Tenant tenant, ITenantStore tenants, CancellationToken cancellationToken)
    {
        var messages = WireParsing.Messages(body.Messages);
        var topLevel = WireParsing.Scope(body);
        var fromFilters = WireParsing.ScopeFromFilters(body.Filters);
        var scope = new MemoryScope
        {
            UserId = NormalizeId(WireParsing.NotWildcard(topLevel.UserId ?? fromFilters.UserId, "user_id"), "user_id"),
            AgentId = NormalizeId(WireParsing.NotWildcard(topLevel.AgentId ?? fromFilters.AgentId, "agent_id"), "agent_id"),
            AppId = NormalizeId(WireParsing.NotWildcard(topLevel.AppId ?? fromFilters.AppId, "app_id"), "app_id"),
            RunId = NormalizeId(WireParsing.NotWildcard(topLevel.RunId ?? fromFilters.RunId, "run_id"), "run_id"),
        };
        if (scope.IsEmpty)
        {
            throw new MemoryValidationException("At least one of user_id, agent_id, app_id or run_id is required.", "user_id");
        }

        // Any key is plain metadata; the engine drops the four Mem0 strips (user_id, agent_id, run_id, actor_id) with a warning.
        var metadata = WireParsing.Metadata(body.Metadata);

        // Mem0 Platform's MemoryType enum: semantic and episodic memories are ordinary facts; procedural ones are a run's summary.
        var memoryType = body.MemoryType switch
        {
            null or "semantic_memory" or "episodic_memory" => null,
            "procedural_memory" => body.MemoryType,
            _ => throw new MemoryValidationException(
                $"memory_type must be 'semantic_memory', 'episodic_memory', 'procedural_memory' or absent, not '{body.MemoryType}'.", "memory_type"),
        };

        var timestamp = WireParsing.Timestamp(body.Timestamp, "timestamp")
            ?? WireParsing.Timestamp(body.ObservationDatetime, "observation_datetime")
            ?? WireParsing.Timestamp(body.ObservationDate, "observation_date");
        var expiration = WireParsing.Date(body.ExpirationDate, "expiration_date");
        if (body.StructuredDataSchema.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null))
        {
            throw new MemoryValidationException(
                "structured_data_schema is not supported: no Engram extractor fills a schema of structured attributes. Leave it out; describe what to remember in custom_instructions, includes or excludes.",
                "structured_data_schema");
        }

        var categories = WireParsing.Categories(body.CustomCategories);
        var instructions = NullIfBlank(body.CustomInstructions);
        var agentInstructions = NullIfBlank(body.AgentCustomInstructions);
        if (categories is null || instructions is null || agentInstructions is null)
        {
            var project = await tenants.GetProjectAsync(tenant.ProjectId, cancellationToken);
            if (project is not null)
            {
                if (categories is null && project.Settings.TryGetValue("custom_categories", out var stored))
                {
                    categories = WireParsing.Categories(stored);
                }

                instructions ??= StringSetting(project, "custom_instructions");
                agentInstructions ??= StringSetting(project, "agent_custom_instructions");
            }
        }

        instructions = ExtractionInstructions(
            instructions, WireParsing.InstructionText(body.Includes, "includes"), WireParsing.InstructionText(body.Excludes, "excludes"), agentInstructions);

        return new AddEventPayload
        {
            Messages = messages,
            UserId = scope.UserId,
            AgentId = scope.AgentId,
            AppId = scope.AppId,
            RunId = scope.RunId,
            Metadata = metadata,
            Infer = body.Infer ?? true,
            Timestamp = timestamp,
            ExpirationDate = expiration,
            CustomInstructions = instructions,
            CustomCategories = categories is { Count: > 0 } ? categories : null,
            MemoryType = memoryType,
            EnableGraph = body.EnableGraph ?? false,
            Immutable = body.Immutable ?? false,
        };
    }

    /// <summary>
    /// The instructions the extractor is given: the custom instructions, then Mem0's <c>includes</c>, <c>excludes</c> and
    /// <c>agent_custom_instructions</c>, each as its own line, or <see langword="null"/> when there are none.
    /// </summary>
    internal static string? ExtractionInstructions(string? custom, string? includes, string? excludes, string? agent)
    {
        var lines = new List<string>(4);
        if (custom is not null)
        {
            lines.Add(custom.Trim());
        }

        if (includes is not null)
        {
            lines.Add($"Remember only these kinds of information: {includes}");
        }

        if (excludes is not null)
        {
            lines.Add($"Never remember these kinds of information: {excludes}");
        }

        if (agent is not null)
        {
            lines.Add($"For facts about the assistant (the agent): {agent.Trim()}");
        }

        return lines.Count == 0 ? null : string.Join('\n', lines);
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static string? StringSetting(TenantProject project, string name) =>
        project.Settings.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String ? NullIfBlank(value.GetString()) : null;

    /// <summary>Persists an add as a PENDING event (durable before the response) and wakes the worker.</summary>
    public static async Task<string> EnqueueAddAsync(
        AddEventPayload payload, Tenant tenant, IEventStore events, AddEventQueue queue, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var storedEvent = new StoredEvent
        {
            Id = Guid.CreateVersion7(now).ToString(),
            ProjectId = tenant.ProjectId,
            EventType = "ADD",
            Status = StoredEventStatus.Pending,
            Payload = JsonSerializer.Serialize(payload, ServerJsonContext.Default.AddEventPayload),
            CreatedAt = now,
            UpdatedAt = now,
        };
        await events.CreateEventAsync(storedEvent, cancellationToken);
        queue.Notify(storedEvent.ProjectId, storedEvent.Id);
        return storedEvent.Id;
    }

    /// <summary>Builds a search; <paramref name="scope"/> is the legacy top-level scope, else the scope must be in <c>filters</c>.</summary>
    public static SearchMemoriesRequest BuildSearch(SearchMemoriesWireRequest body, MemoryScope? scope, double? defaultThreshold = null)
    {
        var (plainScope, wildcards) = scope is null ? (null, null) : WireParsing.SplitWildcards(scope);
        scope = plainScope;
        if (body.KeywordSearch == false)
        {
            throw new MemoryValidationException(
                "keyword_search cannot be false: Engram always fuses keyword (BM25) matches with semantic ones. Leave it out or send true.", "keyword_search");
        }

        var filter = MemoryFilter.AllOf(
            wildcards,
            WireParsing.Filters(body.Filters),
            MetadataFilter(body.Metadata),
            CategoriesFilter(WireParsing.Strings(body.Categories, "categories")));
        MemoryFilter.ThrowIfTooLarge(filter);
        return new SearchMemoriesRequest
        {
            Query = body.Query ?? string.Empty,
            Scope = scope,
            Filter = filter,
            TopK = body.TopK ?? DefaultTopK,
            Threshold = body.Threshold ?? defaultThreshold,
            Explain = body.Explain ?? false,
            ShowExpired = body.ShowExpired ?? false,
            LatestOnly = body.LatestOnly ?? true,
            Rerank = body.Rerank ?? false,
            ReferenceDate = WireParsing.Timestamp(body.ReferenceDate, "reference_date"),
            EnableGraph = WantsGraph(body.EnableGraph, body.OutputFormat),
        };
    }

    /// <summary>
    /// The valid relations extracted from listed memories (Mem0g's <c>get_all</c> <c>relations</c>), so that the list's
    /// filters and paging hold for them too.
    /// </summary>
    public static async Task<IReadOnlyList<RelationTargetResponse>> ListRelationsAsync(Tenant tenant, IReadOnlyList<MemoryItem> items, CancellationToken cancellationToken)
    {
        var ids = items.Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
        var relations = await tenant.Memory.GetMemoryRelationsAsync(ids, cancellationToken);
        return relations.Where(r => r.InvalidatedAt is null && ids.Contains(r.MemoryId)).OrderBy(r => r.Id).Select(RelationTargetResponse.From).ToList();
    }

    /// <summary>Mem0g's switch: <c>enable_graph: true</c> or <c>output_format: "v1.1"</c> asks for <c>relations</c>.</summary>
    public static bool WantsGraph(bool? enableGraph, string? outputFormat) => enableGraph == true || outputFormat == "v1.1";

    /// <summary>Builds a list request; query-string paging wins over the body's (Mem0).</summary>
    public static ListMemoriesRequest BuildList(ListMemoriesWireRequest body, MemoryScope? scope, int? queryPage, int? queryPageSize)
    {
        var (plainScope, wildcards) = scope is null ? (null, null) : WireParsing.SplitWildcards(scope);
        scope = plainScope;
        var page = queryPage ?? body.Page ?? 1;
        var pageSize = queryPageSize ?? body.PageSize ?? DefaultPageSize;
        ValidatePage(page, pageSize);
        var start = WireParsing.Timestamp(body.StartDate, "start_date");
        var end = WireParsing.Timestamp(body.EndDate, "end_date");
        var filter = MemoryFilter.AllOf(
            wildcards,
            WireParsing.Filters(body.Filters),
            start is { } s ? new ComparisonFilter(FilterField.Of(FilterFieldKind.CreatedAt), FilterOperator.Gte, JsonSerializer.SerializeToElement(s.ToString("O", CultureInfo.InvariantCulture), ServerJsonContext.Default.String)) : null,
            end is { } e ? new ComparisonFilter(FilterField.Of(FilterFieldKind.CreatedAt), FilterOperator.Lte, JsonSerializer.SerializeToElement(e.ToString("O", CultureInfo.InvariantCulture), ServerJsonContext.Default.String)) : null,
            CategoriesFilter(WireParsing.Strings(body.Categories, "categories")),
            string.IsNullOrWhiteSpace(body.Keywords)
                ? null
                : new ComparisonFilter(FilterField.Of(FilterFieldKind.Memory), FilterOperator.IContains, JsonSerializer.SerializeToElement(body.Keywords, ServerJsonContext.Default.String)));
        MemoryFilter.ThrowIfTooLarge(filter);
        var request = new ListMemoriesRequest { Scope = scope, Filter = filter, Page = page, PageSize = pageSize, ShowExpired = body.ShowExpired ?? false };
        return body.LatestOnly is { } latestOnly ? request with { LatestOnly = latestOnly } : request;
    }

    /// <summary>Checks Mem0's paging rules: page ≥ 1, page size 1..200, and a page that skips at most <see cref="MaxOffset"/> entries.</summary>
    public static void ValidatePage(int page, int pageSize)
    {
        if (page < 1)
        {
            throw new MemoryValidationException($"page must be 1 or more, not {page}.", "page");
        }

        if (pageSize is < 1 or > MaxPageSize)
        {
            throw new MemoryValidationException($"page_size must be between 1 and {MaxPageSize}, not {pageSize}.", "page_size");
        }

        // The rows skipped must fit the stores' offsets (a page of 2147483647 used to overflow into a 500).
        if ((long)(page - 1) * pageSize > MaxOffset)
        {
            throw new MemoryValidationException($"page {page} of {pageSize} lies beyond any list (at most {MaxOffset} entries are skipped).", "page");
        }
    }

    /// <summary>The URL of another page of the current request (Mem0's <c>next</c>/<c>previous</c>).</summary>
    public static string PageUrl(HttpRequest request, int page, int pageSize)
    {
        var query = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (key, value) in request.Query)
        {
            if (key is not ("page" or "page_size"))
            {
                query[key] = value.ToString();
            }
        }

        query["page"] = page.ToString(CultureInfo.InvariantCulture);
        query["page_size"] = pageSize.ToString(CultureInfo.InvariantCulture);
        var path = string.Concat(request.Scheme, "://", request.Host.ToUriComponent(), request.PathBase.ToUriComponent(), request.Path.ToUriComponent());
        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(path, query);
    }

    /// <summary>The paginated envelope of a list result.</summary>
    public static PageResponse<T> Page<T>(HttpRequest request, IReadOnlyList<T> items, long total, int page, int pageSize) => new(
        total,
        (long)page * pageSize < total ? PageUrl(request, page + 1, pageSize) : null,
        page > 1 ? PageUrl(request, page - 1, pageSize) : null,
        items);

    /// <summary>Today's UTC date, for lifecycle states.</summary>
    public static DateOnly Today(TimeProvider time) => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    private static string? NormalizeId(string? value, string name)
    {
        if (value is null)
        {
            return null;
        }

        var trimmed = value.Trim();
        if (trimmed.Length == 0 || trimmed.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new MemoryValidationException($"{name} cannot be empty or contain whitespace.", name);
        }

        return trimmed;
    }

    private static MemoryFilter? MetadataFilter(JsonElement metadata) => metadata.ValueKind switch
    {
        JsonValueKind.Undefined or JsonValueKind.Null => null,
        JsonValueKind.Object => MemoryFilter.Parse($"{{\"metadata\":{metadata.GetRawText()}}}"),
        _ => throw new MemoryValidationException("metadata must be a JSON object.", "metadata"),
    };

    private static ComparisonFilter? CategoriesFilter(IReadOnlyList<string>? categories) => categories is { Count: > 0 }
        ? new ComparisonFilter(FilterField.Of(FilterFieldKind.Categories), FilterOperator.In, JsonSerializer.SerializeToElement(categories.ToArray(), ServerJsonContext.Default.StringArray))
        : null;
}
