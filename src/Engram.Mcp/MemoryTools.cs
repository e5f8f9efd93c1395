using System.ComponentModel;
using System.Text.Json;
using Microsoft.Extensions.Options;
using ModelContextProtocol;
using ModelContextProtocol.Server;

namespace Engram.Mcp;

/// <summary>
/// Engram's MCP tools, with the names and arguments of Mem0's MCP server (mem0-reference §6.2), so agents configured for
/// Mem0 work unchanged. Results are Mem0's snake_case JSON, as text.
/// </summary>
/// <remarks>
/// Hosted over stdio by <c>engram mcp</c> and over HTTP by <c>engram serve</c> at <c>/mcp</c>. Expected failures (bad
/// arguments, unknown ids) come back as MCP errors with a one-line message; nothing else about the server leaks.
/// </remarks>
[McpServerToolType]
#pragma warning disable CA1707 // MCP argument names mirror Mem0's MCP server (user_id, memory_id, page_size).
public sealed class MemoryTools
{
    private readonly IMemory _memory;
    private readonly MemoryToolsOptions _options;
    private readonly IScopeCatalog? _catalog;

    /// <summary>Initializes the tools.</summary>
    /// <param name="memory">The memory (already bound to the caller's project by the host).</param>
    /// <param name="options">The tool options.</param>
    /// <param name="catalog">The store's scope catalog, for the entity tools; optional.</param>
    /// <exception cref="ArgumentNullException"><paramref name="memory"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    public MemoryTools(IMemory memory, IOptions<MemoryToolsOptions> options, IScopeCatalog? catalog = null)
    {
        ArgumentNullException.ThrowIfNull(memory);
        ArgumentNullException.ThrowIfNull(options);
        _memory = memory;
        _options = options.Value;
        _catalog = catalog;
    }

    /// <summary>Stores a memory.</summary>
    /// <returns>Mem0's <c>{"results": [{"id","memory","event"}]}</c>.</returns>
    [McpServerTool(Name = "add_memory", Destructive = false), Description(
        "Remember something for later: a fact, preference, plan or event about the user (or agent). Use it whenever the user shares something worth recalling in a future conversation. Facts are extracted and deduplicated; pass infer=false to store the text exactly.")]
    public Task<string> AddMemoryAsync(
        [Description("What to remember, in plain language, e.g. \"Ana is vegetarian\".")] string text,
        [Description("Optional conversation to extract from instead of text: a list of {\"role\": \"user\"|\"assistant\", \"content\": \"...\"}.")] JsonElement? messages = null,
        [Description("The user the memory is about; defaults to the configured user.")] string? user_id = null,
        [Description("The agent the memory belongs to.")] string? agent_id = null,
        [Description("The app the memory belongs to.")] string? app_id = null,
        [Description("The run or session the memory belongs to.")] string? run_id = null,
        [Description("Optional metadata object stored with the memory, e.g. {\"topic\": \"food\"}.")] JsonElement? metadata = null,
        [Description("Extract facts (true, default) or store the text verbatim (false).")] bool infer = true,
        [Description("Accepted for Mem0 compatibility; graph memory is not used by this tool.")] bool enable_graph = false,
        CancellationToken cancellationToken = default) => Run(async () =>
    {
        _ = enable_graph;
        var result = await _memory.AddAsync(
            new AddMemoriesRequest
            {
                Messages = ReadMessages(text, messages),
                Scope = ScopeOrDefault(user_id, agent_id, app_id, run_id),
                Metadata = metadata is { } m ? MemoryMetadata.FromJsonElement(m) : null,
                Infer = infer,
            },
            cancellationToken).ConfigureAwait(false);
        var events = result.Results.Select(e => new McpEvent(e.Id, e.Memory, MemoryEventTypeNames.ToName(e.Event))).ToList();
        return JsonSerializer.Serialize(new McpResults<McpEvent>(events), McpJson.Default.McpResultsMcpEvent);
    });

    /// <summary>Searches memories.</summary>
    /// <returns>Mem0's <c>{"results": [memory + score]}</c>, best first.</returns>
    [McpServerTool(Name = "search_memories", ReadOnly = true, Idempotent = true), Description(
        "Find stored memories relevant to a question before answering it, e.g. \"What does Ana like to eat?\". Returns the best matches with a relevance score (0-1).")]
    public Task<string> SearchMemoriesAsync(
        [Description("The question or topic to search for, in natural language.")] string query,
        [Description("Optional Mem0 filters, e.g. {\"AND\": [{\"user_id\": \"ana\"}, {\"created_at\": {\"gte\": \"2026-01-01\"}}]}; without a user_id, agent_id, app_id or run_id the configured user is searched.")] JsonElement? filters = null,
        [Description("How many results to return (1-100); default 10.")] int? limit = null,
        [Description("Accepted for Mem0 compatibility; ignored.")] bool enable_graph = false,
        CancellationToken cancellationToken = default) => Run(async () =>
    {
        _ = enable_graph;
        var (scope, filter) = ReadFilters(filters);
        var found = await _memory.SearchAsync(
            new SearchMemoriesRequest { Query = query, Scope = scope, Filter = filter, TopK = Math.Clamp(limit ?? _options.DefaultLimit, 1, 100) },
            cancellationToken).ConfigureAwait(false);
        return JsonSerializer.Serialize(new McpResults<McpMemory>(found.Results.Select(h => McpMemory.From(h.Item, h.Score)).ToList()), McpJson.Default.McpResultsMcpMemory);
    });

    /// <summary>Lists memories page by page.</summary>
    /// <returns>A page: <c>{"count","page","page_size","results"}</c>, newest first.</returns>
    [McpServerTool(Name = "get_memories", ReadOnly = true, Idempotent = true), Description(
        "List stored memories, newest first, page by page (for reviewing everything known about a user rather than answering a question).")]
    public Task<string> GetMemoriesAsync(
        [Description("Optional Mem0 filters; without a scope the configured user is listed.")] JsonElement? filters = null,
        [Description("Page number, from 1.")] int page = 1,
        [Description("Memories per page (1-200); default 50.")] int page_size = 50,
        [Description("Accepted for Mem0 compatibility; ignored.")] bool enable_graph = false,
        CancellationToken cancellationToken = default) => Run(async () =>
    {
        _ = enable_graph;
        var (scope, filter) = ReadFilters(filters);
        var result = await _memory.ListAsync(
            new ListMemoriesRequest { Scope = scope, Filter = filter, Page = page, PageSize = Math.Clamp(page_size, 1, 200) },
            cancellationToken).ConfigureAwait(false);
        return JsonSerializer.Serialize(new McpPage(result.TotalCount, result.Page, result.PageSize, result.Items.Select(i => McpMemory.From(i)).ToList()), McpJson.Default.McpPage);
    });

    /// <summary>Gets one memory.</summary>
    /// <returns>The memory.</returns>
    [McpServerTool(Name = "get_memory", ReadOnly = true, Idempotent = true), Description("Get one memory by its id.")]
    public Task<string> GetMemoryAsync(
        [Description("The memory id (a UUID returned by another tool).")] string memory_id,
        CancellationToken cancellationToken = default) => Run(async () =>
    {
        var item = await _memory.GetAsync(MemoryId(memory_id), cancellationToken).ConfigureAwait(false) ?? throw new MemoryNotFoundException(memory_id);
        return JsonSerializer.Serialize(McpMemory.From(item), McpJson.Default.McpMemory);
    });

    /// <summary>Changes a memory.</summary>
    /// <returns>The memory after the change.</returns>
    [McpServerTool(Name = "update_memory", Idempotent = true), Description(
        "Correct a stored memory: replace its text (and optionally merge metadata). The change is recorded in the memory's history.")]
    public Task<string> UpdateMemoryAsync(
        [Description("The memory id.")] string memory_id,
        [Description("The new text of the memory.")] string? text = null,
        [Description("Optional metadata object merged into the memory's metadata.")] JsonElement? metadata = null,
        CancellationToken cancellationToken = default) => Run(async () =>
    {
        var item = await _memory.UpdateAsync(
            new UpdateMemoryRequest { MemoryId = MemoryId(memory_id), Text = text, Metadata = metadata is { } m ? MemoryMetadata.FromJsonElement(m) : null },
            cancellationToken).ConfigureAwait(false);
        return JsonSerializer.Serialize(McpMemory.From(item), McpJson.Default.McpMemory);
    });

    /// <summary>Deletes a memory.</summary>
    /// <returns>Mem0's <c>{"message"}</c>.</returns>
    [McpServerTool(Name = "delete_memory", Destructive = true, Idempotent = false), Description("Delete one memory that is wrong or that the user asked to forget.")]
    public Task<string> DeleteMemoryAsync(
        [Description("The memory id.")] string memory_id,
        CancellationToken cancellationToken = default) => Run(async () =>
    {
        await _memory.DeleteAsync(MemoryId(memory_id), cancellationToken).ConfigureAwait(false);
        return JsonSerializer.Serialize(new McpMessage("Memory deleted successfully!"), McpJson.Default.McpMessage);
    });

    /// <summary>Deletes every memory of a scope.</summary>
    /// <returns>Mem0's <c>{"message"}</c> with the count.</returns>
    [McpServerTool(Name = "delete_all_memories", Destructive = true), Description(
        "Delete every memory of a user, agent, app or run (the configured user when none is given). Irreversible.")]
    public Task<string> DeleteAllMemoriesAsync(
        [Description("The user whose memories to delete.")] string? user_id = null,
        [Description("The agent whose memories to delete.")] string? agent_id = null,
        [Description("The app whose memories to delete.")] string? app_id = null,
        [Description("The run whose memories to delete.")] string? run_id = null,
        CancellationToken cancellationToken = default) => Run(async () =>
    {
        var count = await _memory.DeleteAllAsync(ScopeOrDefault(user_id, agent_id, app_id, run_id), cancellationToken).ConfigureAwait(false);
        return JsonSerializer.Serialize(new McpMessage($"Deleted {count} memories."), McpJson.Default.McpMessage);
    });

    /// <summary>Lists the users, agents, apps and runs that have memories.</summary>
    /// <returns><c>{"results": [{"id","type","total_memories","created_at","updated_at"}]}</c>.</returns>
    [McpServerTool(Name = "list_entities", ReadOnly = true, Idempotent = true), Description("List the users, agents, apps and runs that have memories, with how many each has.")]
    public Task<string> ListEntitiesAsync(CancellationToken cancellationToken = default) => Run(async () =>
    {
        var catalog = _catalog ?? throw new McpException("This server cannot list entities.");
        var project = (_memory.GetService(typeof(MemoryEngine)) as MemoryEngine)?.ProjectId ?? new MemoryOptions().ProjectId;
        var scopes = await catalog.ListScopesAsync(project, cancellationToken).ConfigureAwait(false);
        var entities = scopes.Select(s => new McpEntity(s.Id, s.Kind.ToString().ToLowerInvariant(), s.MemoryCount, s.FirstCreatedAt, s.LastUpdatedAt)).ToList();
        return JsonSerializer.Serialize(new McpResults<McpEntity>(entities), McpJson.Default.McpResultsMcpEntity);
    });

    /// <summary>Deletes users, agents, apps or runs with all their memories.</summary>
    /// <returns>Mem0's <c>{"message"}</c>.</returns>
    [McpServerTool(Name = "delete_entities", Destructive = true), Description(
        "Delete a user, agent, app or run together with all of its memories. Give at least one id. Irreversible.")]
    public Task<string> DeleteEntitiesAsync(
        [Description("A user to delete.")] string? user_id = null,
        [Description("An agent to delete.")] string? agent_id = null,
        [Description("An app to delete.")] string? app_id = null,
        [Description("A run to delete.")] string? run_id = null,
        CancellationToken cancellationToken = default) => Run(async () =>
    {
        // Every id is checked before anything is deleted: a refusal deletes nothing.
        (user_id, agent_id, app_id, run_id) = (EntityId(user_id, "user_id"), EntityId(agent_id, "agent_id"), EntityId(app_id, "app_id"), EntityId(run_id, "run_id"));
        var scopes = new[]
        {
            user_id is null ? null : new MemoryScope { UserId = user_id },
            agent_id is null ? null : new MemoryScope { AgentId = agent_id },
            app_id is null ? null : new MemoryScope { AppId = app_id },
            run_id is null ? null : new MemoryScope { RunId = run_id },
        }.OfType<MemoryScope>().ToList();
        if (scopes.Count == 0)
        {
            throw new McpException("Give at least one of user_id, agent_id, app_id or run_id.");
        }

        var deleted = 0;
        foreach (var scope in scopes)
        {
            deleted += await _memory.DeleteAllAsync(scope, cancellationToken).ConfigureAwait(false);
        }

        return JsonSerializer.Serialize(new McpMessage($"Entity deleted successfully ({deleted} memories)."), McpJson.Default.McpMessage);
    });

    /// <summary>A memory id in any UUID form, in its canonical form (the REST routes' rule); anything else is refused.</summary>
    private static string MemoryId(string memoryId) =>
        UuidIdentifiers.TryNormalize(memoryId, out var canonical)
            ? canonical
            : throw new MemoryValidationException("memory_id should be a valid UUID.", "memory_id");

    /// <summary>
    /// An identifier that names one entity (add, delete): not empty, no whitespace or control characters, and not
    /// <c>*</c>, which means "every one" in filters and in the REST delete_all (the REST routes' rule).
    /// </summary>
    private static string? EntityId(string? value, string name)
    {
        if (value is null)
        {
            return null;
        }

        var trimmed = value.Trim();
        if (trimmed.Length == 0 || trimmed.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new MemoryValidationException($"{name} cannot be empty or contain whitespace or control characters.", name);
        }

        return trimmed == "*"
            ? throw new MemoryValidationException($"{name} cannot be '*': '*' means every {name} in filters, so it cannot name one.", name)
            : trimmed;
    }

    private MemoryScope ScopeOrDefault(string? userId, string? agentId, string? appId, string? runId)
    {
        var scope = new MemoryScope { UserId = EntityId(userId, "user_id"), AgentId = EntityId(agentId, "agent_id"), AppId = EntityId(appId, "app_id"), RunId = EntityId(runId, "run_id") };
        return scope.IsEmpty ? MemoryScope.ForUser(_options.DefaultUserId) : scope;
    }

    /// <summary>Mem0's MCP server adds the default user to filters that name no scope.</summary>
    private (MemoryScope? Scope, MemoryFilter? Filter) ReadFilters(JsonElement? filters)
    {
        if (filters is not { ValueKind: JsonValueKind.Object } element)
        {
            return (MemoryScope.ForUser(_options.DefaultUserId), null);
        }

        var filter = MemoryFilter.Parse(element);
        return filter.ConstrainsScope() ? (null, filter) : (MemoryScope.ForUser(_options.DefaultUserId), filter);
    }

    private static List<MemoryMessage> ReadMessages(string text, JsonElement? messages)
    {
        if (messages is not { ValueKind: JsonValueKind.Array } list || list.GetArrayLength() == 0)
        {
            // The REST routes' rule: an add that would store nothing is refused, not answered with no results.
            return string.IsNullOrWhiteSpace(text)
                ? throw new MemoryValidationException("text cannot be empty: give what to remember.", "text")
                : [MemoryMessage.User(text)];
        }

        var result = new List<MemoryMessage>();
        foreach (var message in list.EnumerateArray())
        {
            if (message.ValueKind != JsonValueKind.Object
                || !message.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.String
                || string.IsNullOrWhiteSpace(content.GetString()))
            {
                throw new MemoryValidationException("messages must be a list of {\"role\", \"content\"} objects, each content a non-empty text.", "messages");
            }

            var role = message.TryGetProperty("role", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString()! : MemoryRoles.User;
            result.Add(new MemoryMessage { Role = role, Content = content.GetString()! });
        }

        return result;
    }

    /// <summary>Turns Engram's expected failures into MCP errors the client may see; everything else stays hidden.</summary>
    private static async Task<string> Run(Func<Task<string>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (EngramException ex) when (ex is MemoryValidationException or MemoryNotFoundException)
        {
            throw new McpException(ex.Message, ex);
        }
    }
}
#pragma warning restore CA1707
