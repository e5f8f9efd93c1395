using System.Reflection;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Engram.Mcp;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Engram.Server;

/// <summary>
/// <c>/mcp</c>: Engram's MCP tools (<see cref="MemoryTools"/>) over Streamable HTTP in stateless mode, authenticated with
/// the same API keys as every other route. Each POST carries one JSON-RPC message and is served by a fresh MCP server
/// whose tools run against the key's project (<see cref="MemoryEngine.ForProject"/>); no session outlives a request, so
/// GET (the server-to-client stream) and DELETE (ending a session) answer 405.
/// </summary>
/// <remarks>
/// ModelContextProtocol.AspNetCore is not used: this is its stateless POST handling on the core SDK's
/// <see cref="StreamableHttpServerTransport"/> — the Accept rules of the Streamable HTTP spec (406), malformed messages
/// (400 with a JSON-RPC error), the <c>MCP-Protocol-Version</c> header (400 when unsupported; for the per-request-metadata
/// revisions <c>Mcp-Method</c> must match the body and JSON-RPC errors map to HTTP statuses), 202 for notifications.
/// </remarks>
internal static partial class McpEndpoints
{
    /// <summary>The route.</summary>
    public const string Route = "/mcp";

    /// <summary>The configuration section of the tool options (default user id, default limit).</summary>
    public const string OptionsSection = "Engram:Mcp";

    private const string ApplicationJson = "application/json";
    private const string TextEventStream = "text/event-stream";
    private const string ProtocolVersionHeader = "MCP-Protocol-Version";
    private const string MethodHeader = "Mcp-Method";

    // Revisions served by the core SDK 2.3.1 (McpServerOptions.ProtocolVersion docs); the first that has no initialize
    // handshake and requires per-request metadata and the standard headers (SEP-2575).
    private static readonly string[] SupportedProtocolVersions = ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25", "2026-07-28"];
    private const string FirstPerRequestMetadataVersion = "2026-07-28";

    private static readonly JsonTypeInfo<JsonRpcMessage> MessageType = (JsonTypeInfo<JsonRpcMessage>)McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(JsonRpcMessage));
    private static readonly JsonTypeInfo<JsonRpcError> ErrorType = (JsonTypeInfo<JsonRpcError>)McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(JsonRpcError));

    public static IEndpointRouteBuilder MapMcpEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost(Route, HandlePostAsync).WithName("Mcp").WithTags("MCP").RequireAuthorization()
            .WithSummary("MCP over Streamable HTTP (stateless): one JSON-RPC message per POST; tools add_memory, search_memories, get_memories, get_memory, update_memory, delete_memory, delete_all_memories, list_entities, delete_entities.");
        app.MapMethods(Route, [HttpMethods.Get, HttpMethods.Delete], MethodNotAllowedAsync).RequireAuthorization().ExcludeFromDescription();
        return app;
    }

    /// <summary>Serves one JSON-RPC message (request, notification or response) of the caller's project.</summary>
    internal static async Task HandlePostAsync(HttpContext context, McpToolSet tools, ILoggerFactory loggerFactory)
    {
        var cancellationToken = context.RequestAborted;
        var accept = context.Request.GetTypedHeaders().Accept;
        if (!accept.Any(a => a.MatchesMediaType(ApplicationJson)) || !accept.Any(a => a.MatchesMediaType(TextEventStream)))
        {
            await WriteErrorAsync(context, StatusCodes.Status406NotAcceptable, McpErrorCode.InvalidRequest,
                "Not Acceptable: the client must accept both application/json and text/event-stream.");
            return;
        }

        JsonRpcMessage? message;
        try
        {
            message = await JsonSerializer.DeserializeAsync(context.Request.Body, MessageType, cancellationToken);
        }
        catch (JsonException)
        {
            message = null;
        }

        if (message is null)
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, McpErrorCode.InvalidRequest,
                "Bad Request: the body must be one JSON-RPC message.");
            return;
        }

        var requestId = message is JsonRpcRequest request ? request.Id : default;
        var protocolVersion = context.Request.Headers[ProtocolVersionHeader].ToString();
        if (protocolVersion.Length > 0 && !SupportedProtocolVersions.Contains(protocolVersion, StringComparer.Ordinal))
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, McpErrorCode.UnsupportedProtocolVersion,
                $"Bad Request: MCP-Protocol-Version '{protocolVersion}' is not supported; supported: {string.Join(", ", SupportedProtocolVersions)}.", requestId);
            return;
        }

        var perRequestMetadata = string.CompareOrdinal(protocolVersion, FirstPerRequestMetadataVersion) >= 0;
        if (perRequestMetadata && MethodOf(message) is { } method
            && !string.Equals(context.Request.Headers[MethodHeader].ToString().Trim(), method, StringComparison.Ordinal))
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, McpErrorCode.HeaderMismatch,
                $"Bad Request: the Mcp-Method header must be '{method}'.", requestId);
            return;
        }

        // The tools find the caller's project through the message's user (McpToolSet.CreateTools).
        message.Context ??= new JsonRpcMessageContext();
        message.Context.User = context.User;
        if (protocolVersion.Length > 0)
        {
            message.Context.ProtocolVersion = protocolVersion;
        }

        Func<JsonRpcMessage?, ValueTask>? onResponseStarting = null;
        if (perRequestMetadata)
        {
            // SEP-2575: some JSON-RPC errors set the HTTP status, which must be chosen before the first byte.
            onResponseStarting = first =>
            {
                if (first is JsonRpcError { Error: { } error } && !context.Response.HasStarted)
                {
                    context.Response.StatusCode = (McpErrorCode)error.Code switch
                    {
                        McpErrorCode.MethodNotFound => StatusCodes.Status404NotFound,
                        McpErrorCode.MissingRequiredClientCapability or McpErrorCode.UnsupportedProtocolVersion or McpErrorCode.HeaderMismatch => StatusCodes.Status400BadRequest,
                        _ => context.Response.StatusCode,
                    };
                }

                return ValueTask.CompletedTask;
            };
        }

        var logger = loggerFactory.CreateLogger(typeof(McpEndpoints));
        var transport = new StreamableHttpServerTransport(loggerFactory) { Stateless = true };
        var server = McpServer.Create(transport, tools.CreateServerOptions(), loggerFactory, context.RequestServices);
        var running = server.RunAsync(cancellationToken);
        try
        {
            context.Response.Headers.ContentType = TextEventStream;
            context.Response.Headers.CacheControl = "no-cache,no-store";
            context.Response.Headers.ContentEncoding = "identity";
            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            var wrote = await transport.HandlePostRequestAsync(message, context.Response.Body, onResponseStarting, cancellationToken);
            if (!wrote && !context.Response.HasStarted)
            {
                context.Response.Headers.ContentType = default;
                context.Response.Headers.CacheControl = default;
                context.Response.Headers.ContentEncoding = default;
                context.Response.StatusCode = StatusCodes.Status202Accepted;
            }
        }
        finally
        {
            await transport.DisposeAsync();
            try
            {
                await running;
            }
            catch (OperationCanceledException)
            {
                // The client went away; its answer no longer matters.
            }
            catch (Exception ex) when (ex is McpException or IOException or InvalidOperationException)
            {
                LogSessionEnded(logger, ex);
            }

            await server.DisposeAsync();
        }
    }

    /// <summary>GET and DELETE: stateless mode has no server-to-client stream and no session to end.</summary>
    internal static Task MethodNotAllowedAsync(HttpContext context)
    {
        context.Response.Headers.Allow = HttpMethods.Post;
        return WriteErrorAsync(context, StatusCodes.Status405MethodNotAllowed, McpErrorCode.InvalidRequest,
            "Method Not Allowed: this MCP endpoint is stateless; send each JSON-RPC message with POST.");
    }

    private static string? MethodOf(JsonRpcMessage message) => message switch
    {
        JsonRpcRequest r => r.Method,
        JsonRpcNotification n => n.Method,
        _ => null,
    };

    private static Task WriteErrorAsync(HttpContext context, int status, McpErrorCode code, string message, RequestId requestId = default) =>
        Results.Json(new JsonRpcError { Id = requestId, Error = new JsonRpcErrorDetail { Code = (int)code, Message = message } }, ErrorType, statusCode: status)
            .ExecuteAsync(context);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Debug, Message = "An MCP request's server ended with an error")]
    private static partial void LogSessionEnded(ILogger logger, Exception exception);
}

/// <summary>
/// The MCP tools served at <c>/mcp</c>, built once from <see cref="MemoryTools"/>'s methods; each call gets a
/// <see cref="MemoryTools"/> bound to the caller's project, found from the API key's claims on the message.
/// </summary>
internal sealed class McpToolSet
{
    private readonly IReadOnlyList<McpServerTool> _tools;
    private readonly Implementation _serverInfo;

    public McpToolSet()
    {
        _tools = typeof(MemoryTools)
            .GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Where(m => m.GetCustomAttribute<McpServerToolAttribute>() is not null)
            .Select(m => McpServerTool.Create(m, CreateTools, new McpServerToolCreateOptions { SerializerOptions = McpJsonUtilities.DefaultOptions }))
            .ToList();
        _serverInfo = new Implementation
        {
            Name = "engram",
            Version = typeof(McpToolSet).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "1.0",
        };
    }

    /// <summary>Options for one request's server: the shared tools in a collection of its own (servers subscribe to it).</summary>
    public McpServerOptions CreateServerOptions()
    {
        var collection = new McpServerPrimitiveCollection<McpServerTool>();
        foreach (var tool in _tools)
        {
            collection.Add(tool);
        }

        return new McpServerOptions
        {
            ServerInfo = _serverInfo,
            ToolCollection = collection,

            // The request's services are already scoped to the HTTP request.
            ScopeRequests = false,
        };
    }

    private static MemoryTools CreateTools(RequestContext<CallToolRequestParams> context)
    {
        var project = context.User?.FindFirstValue(ApiKeyAuthenticationHandler.ProjectClaim)
            ?? throw new McpException("The request is not authenticated.");
        var services = context.Services ?? throw new InvalidOperationException("The MCP server has no services.");
        return new MemoryTools(
            services.GetRequiredService<MemoryEngine>().ForProject(project),
            services.GetRequiredService<IOptions<MemoryToolsOptions>>(),
            services.GetService<IScopeCatalog>());
    }
}
