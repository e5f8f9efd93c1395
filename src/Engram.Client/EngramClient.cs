using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Options;

namespace Engram.Client;

/// <summary>
/// <see cref="IMemory"/> over HTTP: a typed client for Engram's Mem0-compatible REST API (it also works against Mem0's
/// hosted platform for the shared routes). Register it with <c>services.AddEngramClient(…)</c>.
/// </summary>
/// <remarks>
/// <para>An add with <c>infer</c> is asynchronous on the server; <see cref="AddAsync"/> polls its event until it finishes,
/// so callers get the created memories as with the library. Server answers map to the library's exceptions: 400 →
/// <see cref="MemoryValidationException"/>, 404 → <see cref="MemoryNotFoundException"/>, anything else →
/// <see cref="EngramClientException"/> carrying the status and the server's <c>detail</c>.</para>
/// <para>Thread-safe; the <see cref="HttpClient"/> comes from <c>IHttpClientFactory</c>.</para>
/// </remarks>
public sealed class EngramClient : IMemory
{
    private readonly HttpClient _http;
    private readonly EngramClientOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Initializes a new client.</summary>
    /// <param name="http">The HTTP client; its base address and authorization are set from <paramref name="options"/>.</param>
    /// <param name="options">The server address, key and polling settings.</param>
    /// <param name="timeProvider">The clock for event polling; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The base address or API key is missing.</exception>
    public EngramClient(HttpClient http, IOptions<EngramClientOptions> options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        if (_options.BaseAddress is null || string.IsNullOrWhiteSpace(_options.ApiKey))
        {
            throw new ArgumentException("EngramClientOptions needs a BaseAddress and an ApiKey.", nameof(options));
        }

        _http = http;
        // Routes are relative ("v3/memories/…"): a base address with a path ("https://host/engram") must end with '/'.
        _http.BaseAddress = _options.BaseAddress.AbsolutePath.EndsWith('/')
            ? _options.BaseAddress
            : new Uri(_options.BaseAddress.AbsoluteUri + "/");
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Token", _options.ApiKey);
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc/>
    public async Task<AddMemoriesResult> AddAsync(AddMemoriesRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = new WireAdd
        {
            Messages = request.Messages.Select(m => new WireMessage(m.Role, m.Content, m.Name)).ToList(),
            UserId = request.Scope.UserId,
            AgentId = request.Scope.AgentId,
            AppId = request.Scope.AppId,
            RunId = request.Scope.RunId,
            Metadata = request.Metadata,
            Infer = request.Infer,
            Timestamp = request.Timestamp,
            ExpirationDate = request.ExpirationDate,
            CustomInstructions = request.CustomInstructions,
            CustomCategories = request.CustomCategories?.Select(c => (IReadOnlyDictionary<string, string>)new Dictionary<string, string> { [c.Key] = c.Value }).ToList(),
            MemoryType = request.MemoryType,
            EnableGraph = request.EnableGraph ? true : null,
            Immutable = request.Immutable ? true : null,
        };

        var answer = await SendAsync(HttpMethod.Post, "v3/memories/add/", body, ClientJson.Default.WireAdd, ClientJson.Default.JsonElement, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<WireAddResult> results;
        if (answer.TryGetProperty("event_id", out var eventId) && eventId.GetString() is { } id)
        {
            results = await WaitForEventAsync(id, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            results = answer.Deserialize(ClientJson.Default.WireResultsWireAddResult)?.Results ?? [];
        }

        return new AddMemoriesResult
        {
            Results = results.Select(r => new MemoryEvent { Id = r.Id, Memory = r.Data?.Memory ?? string.Empty, Event = MemoryEventTypeNames.Parse(r.Event) }).ToList(),
        };
    }

    /// <inheritdoc/>
    public async Task<SearchMemoriesResult> SearchAsync(SearchMemoriesRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = new WireSearch
        {
            Query = request.Query,
            Filters = Filters(request.Scope, request.Filter),
            TopK = request.TopK,
            Threshold = request.Threshold,
            ShowExpired = request.ShowExpired,
            LatestOnly = request.LatestOnly,
            Explain = request.Explain,
            Rerank = request.Rerank,
            ReferenceDate = request.ReferenceDate,
        };
        var answer = await SendAsync(HttpMethod.Post, "v3/memories/search/", body, ClientJson.Default.WireSearch, ClientJson.Default.WireResultsWireMemory, cancellationToken).ConfigureAwait(false);
        return new SearchMemoriesResult
        {
            Results = answer.Results.Select(m => new MemorySearchHit
            {
                Item = ToItem(m),
                Score = m.Score ?? 0,
                Explanation = m.ScoreDetails is { } d
                    ? new SearchExplanation
                    {
                        Fusion = d.Fusion,
                        RawScore = d.RawScore,
                        Threshold = d.Threshold,
                        SourceMessageIds = d.SourceMessageIds,
                        Signals = d.Signals.Select(s => new SignalContribution { Name = s.Name, RawValue = s.RawValue, Value = s.Value, Weight = s.Weight, Contribution = s.Contribution, Rank = s.Rank }).ToList(),
                    }
                    : null,
            }).ToList(),
        };
    }

    /// <inheritdoc/>
    public async Task<MemoryItem?> GetAsync(string memoryId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(memoryId);
        try
        {
            return ToItem(await SendAsync(HttpMethod.Get, $"v1/memories/{Uri.EscapeDataString(memoryId)}/", ClientJson.Default.WireMemory, cancellationToken).ConfigureAwait(false));
        }
        catch (EngramException ex) when (ex is MemoryNotFoundException or MemoryValidationException)
        {
            // The server answers 400 for an id that is not a UUID: no memory can have it.
            return null;
        }
    }

    /// <inheritdoc/>
    public async Task<ListMemoriesResult> ListAsync(ListMemoriesRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var path = string.Create(CultureInfo.InvariantCulture, $"v3/memories/?page={request.Page}&page_size={request.PageSize}");
        var page = await SendAsync(
            HttpMethod.Post, path, new WireList(Filters(request.Scope, request.Filter), request.ShowExpired, request.LatestOnly),
            ClientJson.Default.WireList, ClientJson.Default.WirePageWireMemory, cancellationToken).ConfigureAwait(false);
        return new ListMemoriesResult { Items = page.Results.Select(ToItem).ToList(), TotalCount = page.Count, Page = request.Page, PageSize = request.PageSize };
    }

    /// <inheritdoc/>
    public async Task<MemoryItem> UpdateAsync(UpdateMemoryRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            if (request.Text is not null)
            {
                writer.WriteString("text", request.Text);
            }

            if (request.Metadata is not null)
            {
                writer.WritePropertyName("metadata");
                writer.WriteRawValue(MemoryMetadata.ToJson(request.Metadata));
            }

            if (request.ClearExpirationDate)
            {
                writer.WriteNull("expiration_date");
            }
            else if (request.ExpirationDate is { } date)
            {
                writer.WriteString("expiration_date", date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            }

            if (request.Timestamp is { } timestamp)
            {
                writer.WriteString("timestamp", timestamp.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
            }

            writer.WriteEndObject();
        }

        using var content = new ByteArrayContent(stream.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var memory = await SendAsync(HttpMethod.Put, $"v1/memories/{Uri.EscapeDataString(request.MemoryId)}/", content, ClientJson.Default.WireMemory, cancellationToken).ConfigureAwait(false);
        return ToItem(memory);
    }

    /// <inheritdoc/>
    public async Task DeleteAsync(string memoryId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(memoryId);
        await SendAsync(HttpMethod.Delete, $"v1/memories/{Uri.EscapeDataString(memoryId)}/", ClientJson.Default.JsonElement, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <remarks>The server does not report a count, so the number returned is the count listed just before the deletion.</remarks>
    public async Task<int> DeleteAllAsync(MemoryScope scope, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var before = await ListAsync(new ListMemoriesRequest { Scope = scope, PageSize = 1, ShowExpired = true, LatestOnly = false }, cancellationToken).ConfigureAwait(false);
        var query = new StringBuilder("v1/memories/?");
        Append("user_id", scope.UserId);
        Append("agent_id", scope.AgentId);
        Append("app_id", scope.AppId);
        Append("run_id", scope.RunId);
        await SendAsync(HttpMethod.Delete, query.ToString().TrimEnd('&', '?'), ClientJson.Default.JsonElement, cancellationToken).ConfigureAwait(false);
        return (int)Math.Min(before.TotalCount, int.MaxValue);

        void Append(string key, string? value)
        {
            if (value is not null)
            {
                query.Append(key).Append('=').Append(Uri.EscapeDataString(value)).Append('&');
            }
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<GraphRelation>> GetRelationsAsync(string entity, MemoryScope? scope = null, bool includeInvalidated = false, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(entity);
        var query = new StringBuilder("v1/relations/?entity=").Append(Uri.EscapeDataString(entity));
        foreach (var (name, value) in new[] { ("user_id", scope?.UserId), ("agent_id", scope?.AgentId), ("app_id", scope?.AppId), ("run_id", scope?.RunId) })
        {
            if (value is not null)
            {
                query.Append('&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
            }
        }

        if (includeInvalidated)
        {
            query.Append("&include_invalidated=true");
        }

        var rows = await SendAsync(HttpMethod.Get, query.ToString(), ClientJson.Default.IReadOnlyListWireRelation, cancellationToken).ConfigureAwait(false);
        return rows.Select(r => new GraphRelation
        {
            Id = r.Id,
            Scope = new MemoryScope { UserId = r.UserId, AgentId = r.AgentId, AppId = r.AppId, RunId = r.RunId },
            Source = r.Source,
            Relationship = r.Relationship,
            Destination = r.Target,
            MemoryId = r.MemoryId,
            CreatedAt = r.CreatedAt,
            InvalidatedAt = r.InvalidatedAt,
            InvalidatedByMemoryId = r.InvalidatedBy,
        }).ToList();
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<MemoryHistoryEntry>> GetHistoryAsync(string memoryId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(memoryId);
        var rows = await SendAsync(HttpMethod.Get, $"v1/memories/{Uri.EscapeDataString(memoryId)}/history/", ClientJson.Default.IReadOnlyListWireHistory, cancellationToken).ConfigureAwait(false);
        return rows.Select(h => new MemoryHistoryEntry
        {
            Id = h.Id,
            MemoryId = h.MemoryId,
            Event = MemoryEventTypeNames.Parse(h.Event),
            OldMemory = h.OldMemory,
            NewMemory = h.NewMemory,
            CreatedAt = h.CreatedAt,
            IsDeleted = h.IsDeleted,
            ActorId = h.ActorId,
            Role = h.Role,
            RelatedMemoryId = h.RelatedMemoryId,
        }).ToList();
    }

    /// <inheritdoc/>
    /// <remarks>As Mem0's client: deletes every user, agent, app and run the server lists, with their memories.</remarks>
    public async Task ResetAsync(CancellationToken cancellationToken = default)
    {
        foreach (var entity in await ListEntitiesAsync(cancellationToken).ConfigureAwait(false))
        {
            await DeleteEntityAsync(entity.Type, entity.Id, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>Checks the key and reads the organization and project it belongs to (<c>GET /v1/ping/</c>).</summary>
    /// <param name="cancellationToken">A token to cancel the request.</param>
    /// <returns>The ping answer: <c>{"status":"ok","org_id","project_id",…}</c>.</returns>
    public Task<JsonElement> PingAsync(CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, "v1/ping/", ClientJson.Default.JsonElement, cancellationToken);

    /// <summary>Gets an asynchronous event (<c>GET /v1/event/{id}/</c>).</summary>
    /// <param name="eventId">The event id.</param>
    /// <param name="cancellationToken">A token to cancel the request.</param>
    /// <returns>The event: status, results, error, latency, timestamps.</returns>
    public Task<JsonElement> GetEventAsync(string eventId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, $"v1/event/{Uri.EscapeDataString(eventId)}/", ClientJson.Default.JsonElement, cancellationToken);

    /// <summary>Lists the project's events, newest first (<c>GET /v1/events/</c>).</summary>
    /// <param name="cancellationToken">A token to cancel the request.</param>
    /// <returns>The page envelope.</returns>
    public Task<JsonElement> ListEventsAsync(CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, "v1/events/", ClientJson.Default.JsonElement, cancellationToken);

    /// <summary>Lists the users, agents, apps and runs that have memories (<c>GET /v1/entities/</c>, every page).</summary>
    /// <param name="cancellationToken">A token to cancel the requests.</param>
    /// <returns>The entities.</returns>
    public async Task<IReadOnlyList<EngramEntity>> ListEntitiesAsync(CancellationToken cancellationToken = default)
    {
        var entities = new List<EngramEntity>();
        for (var number = 1; ; number++)
        {
            var path = string.Create(CultureInfo.InvariantCulture, $"v1/entities/?page={number}&page_size={MaxPageSize}");
            var page = await SendAsync(HttpMethod.Get, path, ClientJson.Default.WirePageWireEntity, cancellationToken).ConfigureAwait(false);
            entities.AddRange(page.Results.Select(e => new EngramEntity(e.Type, e.Id, e.TotalMemories)));
            if (page.Next is null || page.Results.Count < MaxPageSize)
            {
                return entities;
            }
        }
    }

    /// <summary>Deletes an entity with all its memories (<c>DELETE /v2/entities/{type}/{id}/</c>).</summary>
    /// <param name="type"><c>user</c>, <c>agent</c>, <c>app</c> or <c>run</c>.</param>
    /// <param name="id">The entity id.</param>
    /// <param name="cancellationToken">A token to cancel the request.</param>
    /// <returns>A task that completes when the server has answered.</returns>
    public Task DeleteEntityAsync(string type, string id, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"v2/entities/{Uri.EscapeDataString(type)}/{Uri.EscapeDataString(id)}/", ClientJson.Default.JsonElement, cancellationToken);

    /// <summary>Updates up to 1,000 memories in one request (<c>PUT /v1/batch/</c>).</summary>
    /// <param name="updates">The memory ids with their new text and/or metadata.</param>
    /// <param name="cancellationToken">A token to cancel the request.</param>
    /// <returns>The server's message.</returns>
    public Task<JsonElement> BatchUpdateAsync(IEnumerable<UpdateMemoryRequest> updates, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(updates);
        var memories = updates.Select(u => new Dictionary<string, object?>
        {
            ["memory_id"] = u.MemoryId,
            ["text"] = u.Text,
            ["metadata"] = u.Metadata,
        }).ToList();
        return SendRawAsync(HttpMethod.Put, "v1/batch/", JsonSerializer.SerializeToElement(new Dictionary<string, object?> { ["memories"] = memories }, JsonOptions), cancellationToken);
    }

    /// <summary>Deletes up to 1,000 memories in one request (<c>DELETE /v1/batch/</c>).</summary>
    /// <param name="memoryIds">The memory ids.</param>
    /// <param name="cancellationToken">A token to cancel the request.</param>
    /// <returns>The server's message.</returns>
    public Task<JsonElement> BatchDeleteAsync(IEnumerable<string> memoryIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(memoryIds);
        var memories = memoryIds.Select(id => new Dictionary<string, object?> { ["memory_id"] = id }).ToList();
        return SendRawAsync(HttpMethod.Delete, "v1/batch/", JsonSerializer.SerializeToElement(new Dictionary<string, object?> { ["memories"] = memories }, JsonOptions), cancellationToken);
    }

    /// <summary>Records feedback on a memory (<c>POST /v1/feedback/</c>).</summary>
    /// <param name="memoryId">The memory id.</param>
    /// <param name="feedback"><c>POSITIVE</c>, <c>NEGATIVE</c>, <c>VERY_NEGATIVE</c> or <see langword="null"/>.</param>
    /// <param name="reason">An optional reason.</param>
    /// <param name="cancellationToken">A token to cancel the request.</param>
    /// <returns>The stored feedback.</returns>
    public Task<JsonElement> SendFeedbackAsync(string memoryId, string? feedback, string? reason = null, CancellationToken cancellationToken = default) =>
        SendRawAsync(HttpMethod.Post, "v1/feedback/", JsonSerializer.SerializeToElement(new Dictionary<string, object?> { ["memory_id"] = memoryId, ["feedback"] = feedback, ["feedback_reason"] = reason }, JsonOptions), cancellationToken, memoryId);

    /// <summary>Creates an export of the memories matching a filter, shaped by a JSON schema (<c>POST /v1/exports/</c>).</summary>
    /// <param name="schema">The JSON schema of the export.</param>
    /// <param name="filter">The memories to export (must name a scope).</param>
    /// <param name="cancellationToken">A token to cancel the request.</param>
    /// <returns>The answer with the export's <c>id</c>.</returns>
    public Task<JsonElement> CreateExportAsync(JsonElement schema, MemoryFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var body = new Dictionary<string, JsonElement> { ["schema"] = schema, ["filters"] = JsonDocument.Parse(MemoryFilterWriter.ToJson(filter)).RootElement.Clone() };
        return SendRawAsync(HttpMethod.Post, "v1/exports/", JsonSerializer.SerializeToElement(body, JsonOptions), cancellationToken);
    }

    /// <summary>Gets an export (<c>POST /v1/exports/get/</c>).</summary>
    /// <param name="exportId">The export id.</param>
    /// <param name="cancellationToken">A token to cancel the request.</param>
    /// <returns>The export, shaped by its schema.</returns>
    public Task<JsonElement> GetExportAsync(string exportId, CancellationToken cancellationToken = default) =>
        SendRawAsync(HttpMethod.Post, "v1/exports/get/", JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["memory_export_id"] = exportId }, JsonOptions), cancellationToken, exportId);

    /// <summary>Gets the project's settings (<c>GET /api/v1/orgs/organizations/{org}/projects/{project}/</c>).</summary>
    /// <param name="organizationId">The organization id (from <see cref="PingAsync"/>).</param>
    /// <param name="projectId">The project id (from <see cref="PingAsync"/>).</param>
    /// <param name="cancellationToken">A token to cancel the request.</param>
    /// <returns>The project.</returns>
    public Task<JsonElement> GetProjectAsync(string organizationId, string projectId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, ProjectPath(organizationId, projectId), ClientJson.Default.JsonElement, cancellationToken);

    /// <summary>Changes the project's settings (<c>PATCH …/projects/{project}/</c>): <c>custom_instructions</c>, <c>custom_categories</c>, ….</summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="projectId">The project id.</param>
    /// <param name="settings">A JSON object of settings.</param>
    /// <param name="cancellationToken">A token to cancel the request.</param>
    /// <returns>The project after the change.</returns>
    public Task<JsonElement> UpdateProjectAsync(string organizationId, string projectId, JsonElement settings, CancellationToken cancellationToken = default) =>
        SendRawAsync(HttpMethod.Patch, ProjectPath(organizationId, projectId), settings, cancellationToken);

    /// <summary>The largest page the server serves (Mem0's limit).</summary>
    private const int MaxPageSize = 200;

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };

    private static string ProjectPath(string organizationId, string projectId) =>
        $"api/v1/orgs/organizations/{Uri.EscapeDataString(organizationId)}/projects/{Uri.EscapeDataString(projectId)}/";

    private async Task<IReadOnlyList<WireAddResult>> WaitForEventAsync(string eventId, CancellationToken cancellationToken)
    {
        var deadline = _time.GetUtcNow() + _options.EventTimeout;
        while (true)
        {
            var evt = await SendAsync(HttpMethod.Get, $"v1/event/{Uri.EscapeDataString(eventId)}/", ClientJson.Default.WireEvent, cancellationToken).ConfigureAwait(false);
            switch (evt.Status)
            {
                case "SUCCEEDED":
                    return evt.Results ?? [];
                case "FAILED":
                    throw new EngramClientException(0, $"The add event {eventId} failed: {evt.Error}");
            }

            if (_time.GetUtcNow() > deadline)
            {
                throw new TimeoutException($"The add event {eventId} was still {evt.Status} after {_options.EventTimeout}.");
            }

            await Task.Delay(_options.EventPollInterval, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private static JsonElement Filters(MemoryScope? scope, MemoryFilter? filter)
    {
        var conditions = new List<MemoryFilter?>();
        if (scope is not null)
        {
            conditions.Add(scope.UserId is null ? null : MemoryFilter.Equal(FilterField.Of(FilterFieldKind.UserId), scope.UserId));
            conditions.Add(scope.AgentId is null ? null : MemoryFilter.Equal(FilterField.Of(FilterFieldKind.AgentId), scope.AgentId));
            conditions.Add(scope.AppId is null ? null : MemoryFilter.Equal(FilterField.Of(FilterFieldKind.AppId), scope.AppId));
            conditions.Add(scope.RunId is null ? null : MemoryFilter.Equal(FilterField.Of(FilterFieldKind.RunId), scope.RunId));
        }

        conditions.Add(filter);
        var combined = MemoryFilter.AllOf(conditions);
        using var document = JsonDocument.Parse(combined is null ? "{}" : MemoryFilterWriter.ToJson(combined));
        return document.RootElement.Clone();
    }

    private static MemoryItem ToItem(WireMemory m) => new()
    {
        Id = m.Id,
        Memory = m.Memory,
        Hash = m.Hash ?? string.Empty,
        Scope = new MemoryScope { UserId = m.UserId, AgentId = m.AgentId, AppId = m.AppId, RunId = m.RunId ?? m.SessionId },
        Metadata = m.Metadata ?? MemoryMetadata.Empty,
        Categories = m.Categories ?? [],
        Role = m.Role,
        ActorId = m.ActorId,
        AttributedTo = m.AttributedTo,
        CreatedAt = m.CreatedAt,
        UpdatedAt = m.UpdatedAt,
        ObservedAt = m.Timestamp ?? m.CreatedAt,
        ExpirationDate = m.ExpirationDate,
        SupersededBy = m.ReplacedBy,
        Immutable = m.Immutable,
    };

    private Task<TResponse> SendAsync<TResponse>(HttpMethod method, string path, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken) =>
        SendAsync(method, path, content: null, responseType, cancellationToken);

    private Task<TResponse> SendAsync<TRequest, TResponse>(HttpMethod method, string path, TRequest body, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken) =>
        SendAsync(method, path, JsonContent.Create(body, requestType), responseType, cancellationToken);

    private Task<JsonElement> SendRawAsync(HttpMethod method, string path, JsonElement body, CancellationToken cancellationToken, string? resourceId = null) =>
        SendAsync(method, path, JsonContent.Create(body, ClientJson.Default.JsonElement), ClientJson.Default.JsonElement, cancellationToken, resourceId);

    /// <summary>Sends one request; 404 names <paramref name="resourceId"/> (else the id in the path, else the path).</summary>
    private async Task<TResponse> SendAsync<TResponse>(HttpMethod method, string path, HttpContent? content, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken, string? resourceId = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var detail = ReadDetail(text) ?? response.ReasonPhrase ?? response.StatusCode.ToString();
            throw response.StatusCode switch
            {
                HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity => new MemoryValidationException(detail),
                HttpStatusCode.NotFound => new MemoryNotFoundException(resourceId ?? IdInPath(path)),
                _ => new EngramClientException(response.StatusCode, detail),
            };
        }

        return await response.Content.ReadFromJsonAsync(responseType, cancellationToken).ConfigureAwait(false)
            ?? throw new EngramClientException(response.StatusCode, $"The server sent an empty answer to {method} {path}.");
    }

    /// <summary>The id of <c>v1/memories/{id}/…</c> or <c>v1/event/{id}/</c>; otherwise the path itself.</summary>
    private static string IdInPath(string path)
    {
        var segments = path.Split('?')[0].Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments.Length >= 3 && segments[1] is "memories" or "event" ? Uri.UnescapeDataString(segments[2]) : path;
    }

    private static string? ReadDetail(string body)
    {
        try
        {
            var problem = JsonSerializer.Deserialize(body, ClientJson.Default.WireProblem);
            return problem?.Detail ?? problem?.Error;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
