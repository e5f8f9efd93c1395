using Engram;
using Engram.Server;
using Engram.Sqlite;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// Composes Engram's Mem0-compatible server on a <see cref="WebApplicationBuilder"/>: used by the server's own
/// <c>Program</c> and by <c>engram serve</c>, so both host the same application.
/// </summary>
public static class EngramServerBuilderExtensions
{
    /// <summary>
    /// Registers the engine over the SQLite store in <see cref="EngramServerOptions.DataDirectory"/>, API-key
    /// authentication, per-key rate limiting, ProblemDetails errors, OpenAPI, the event worker and the first-start
    /// tenancy bootstrap. Options come from configuration: <c>Engram</c> (engine) and <c>Engram:Server</c> (server);
    /// <c>ENGRAM_API_KEY</c> names the first key.
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static WebApplicationBuilder AddEngramServer(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;

        services.AddOptions<EngramServerOptions>()
            .BindConfiguration(EngramServerOptions.SectionName)
            .Configure<IConfiguration>((options, configuration) => options.ApiKey ??= NullIfEmpty(configuration[EngramServerOptions.ApiKeyVariable]))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // Engine: options from the "Engram" section (ENGRAM__RETRIEVAL__…), providers from Engram:Llm and Engram:Embedder
        // (offline when absent), the SQLite store in the data directory.
        services.AddOptions<MemoryOptions>().BindConfiguration("Engram");
        services.AddEngram().WithConfiguredProviders(builder.Configuration);

        // Engram:Store:Provider=postgres (with Engram:Store:ConnectionString) replaces the SQLite store below.
        services.AddEngram().TryAddConfiguredPostgresStore(builder.Configuration);
        services.TryAddSingleton(provider => new SqliteMemoryStore(
            new SqliteStoreOptions { DatabasePath = Path.Combine(Path.GetFullPath(provider.GetRequiredService<IOptions<EngramServerOptions>>().Value.DataDirectory), "engram.db") },
            provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IMemoryStore>(provider => provider.GetRequiredService<SqliteMemoryStore>());
        services.TryAddSingleton(StoreFeature<IEventStore>);
        services.TryAddSingleton(StoreFeature<ITenantStore>);
        services.TryAddSingleton(StoreFeature<IFeedbackStore>);
        services.TryAddSingleton(StoreFeature<IExportStore>);
        services.TryAddSingleton(StoreFeature<IScopeCatalog>);
        services.TryAddSingleton(StoreFeature<IWebhookStore>);

        // Wire format: snake_case through the source-generated context; malformed input is thrown as 400, never a 500.
        services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.TypeInfoResolverChain.Insert(0, ServerJsonContext.Default);
            options.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower;
            options.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowReadingFromString;
        });
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            // Every problem has a type and a title (ASP.NET Core has no defaults for 413, 414, 429 or 499), and Mem0's
            // clients read `detail`: every error body has one.
            var status = context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode;
            context.ProblemDetails.Type ??= ProblemTypes.For(status);
            context.ProblemDetails.Title ??= Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "Client Closed Request";
            context.ProblemDetails.Detail ??= context.ProblemDetails.Title;
        });
        services.AddExceptionHandler<Mem0ExceptionHandler>();

        // Tenancy: API keys bound to an organization and a project.
        services.TryAddSingleton<ApiKeyService>();
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorization();

        // Authentication registers Data Protection, which nothing here uses (no cookies, no tokens): keep its keys in
        // memory so that the server writes nothing outside its data directory.
        services.Configure<KeyManagementOptions>(options => options.XmlRepository = new InMemoryXmlRepository());
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
        services.TryAddSingleton(new ServerConsole(Console.Out));
        services.AddHostedService<TenancyBootstrapper>();

        // Limits: request body size (Kestrel, plus a Content-Length check for every server), request target length (checked
        // by the application, so that the refusal is a ProblemDetails) and per-key rate limiting.
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<EngramServerOptions>>((kestrel, options) =>
        {
            kestrel.Limits.MaxRequestBodySize = options.Value.MaxRequestBodyBytes;
            kestrel.Limits.MaxRequestLineSize = EngramServerOptions.KestrelRequestLineBytes;
        });
        services.TryAddSingleton<ApiKeyRateLimiter>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<ApiKeyRateLimiter>((options, limiter) => limiter.Configure(options));

        // MCP at /mcp (stateless Streamable HTTP): the tools, and their options from Engram:Mcp (default user id).
        services.AddOptions<Engram.Mcp.MemoryToolsOptions>().BindConfiguration(McpEndpoints.OptionsSection);
        services.TryAddSingleton<McpToolSet>();

        // Asynchronous adds.
        services.TryAddSingleton<AddEventQueue>();
        services.TryAddSingleton<AddEventProcessor>();
        services.AddHostedService<AddEventWorker>();

        // Telemetry: the "Engram" traces and metrics, OTLP export when Engram:Telemetry:OtlpEndpoint is set; dashboard rates.
        services.AddOptions<TelemetryOptions>()
            .BindConfiguration(TelemetryOptions.SectionName)
            .Configure<IConfiguration>((options, configuration) => options.OtlpEndpoint ??=
                Uri.TryCreate(configuration[TelemetryOptions.StandardEndpointVariable], UriKind.Absolute, out var endpoint) ? endpoint : null)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddHostedService<OtlpExportService>();
        services.TryAddSingleton<UsageRates>();

        // Webhooks: the outbox is written by the store with each memory change; this worker delivers it.
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddHostedService(provider => new WebhookDeliveryWorker(
            provider, provider.GetRequiredService<IOptions<WebhookOptions>>(), provider.GetRequiredService<TimeProvider>(), provider.GetRequiredService<ILogger<WebhookDeliveryWorker>>()));

        // Retention: expired memories are erased on a schedule (Engram:Retention).
        services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddHostedService<RetentionSweeper>();

        services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Engram — Mem0-compatible REST API";
            document.Info.Description = "Mem0 Platform API (mem0-reference.md §5.2) served by Engram. Authenticate with 'Authorization: Token <API key>'.";

            // Routing matches with or without the trailing slash, and the generator drops it; Mem0's paths keep it.
            if (document.Paths is { } paths)
            {
                foreach (var path in paths.Keys.Where(p => p.StartsWith("/v", StringComparison.Ordinal) || p.StartsWith("/api/", StringComparison.Ordinal)).ToList())
                {
                    paths[path + "/"] = paths[path];
                    paths.Remove(path);
                }
            }

            return Task.CompletedTask;
        }));

        var configuration = builder.Configuration;
        if (string.IsNullOrEmpty(configuration["urls"]) && string.IsNullOrEmpty(configuration["http_ports"]) && string.IsNullOrEmpty(configuration["https_ports"]))
        {
            builder.WebHost.UseUrls(EngramServerOptions.DefaultUrls);
        }

        return builder;
    }

    /// <summary>
    /// Adds the middleware (errors, body limit, authentication, authorization, rate limiting) and maps every route:
    /// the Mem0 Platform API, its legacy routes, MCP at <c>/mcp</c>, the dashboard at <c>/ui/</c> (and its <c>/ui/api/</c>
    /// routes), <c>/openapi/v1.json</c> and <c>/healthz</c>. Every request is traced and measured ("Engram" source and meter).
    /// </summary>
    /// <param name="app">The application.</param>
    /// <returns>The same application.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="app"/> is <see langword="null"/>.</exception>
    public static WebApplication MapEngramServer(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseRouteTelemetry();
        app.UseMem0WireCompatibility();
        app.UseExceptionHandler();
        var maxTarget = app.Services.GetRequiredService<IOptions<EngramServerOptions>>().Value.MaxRequestTargetBytes;
        app.Use((context, next) =>
        {
            // The target as sent; a host that does not report it (the in-memory test server) is measured by the decoded parts.
            var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
            var length = string.IsNullOrEmpty(target)
                ? (context.Request.PathBase + context.Request.Path).ToUriComponent().Length + (context.Request.QueryString.Value?.Length ?? 0)
                : target.Length;
            if (length > maxTarget)
            {
                throw new Microsoft.AspNetCore.Http.BadHttpRequestException("Request target too long.", StatusCodes.Status414UriTooLong);
            }

            return next(context);
        });
        app.UseStatusCodePages();
        app.UseRouting();
        app.UseRouteCapture();
        var maxBody = app.Services.GetRequiredService<IOptions<EngramServerOptions>>().Value.MaxRequestBodyBytes;
        app.Use((context, next) =>
        {
            if (context.Request.ContentLength > maxBody)
            {
                throw new Microsoft.AspNetCore.Http.BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge);
            }

            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
            {
                feature.MaxRequestBodySize = maxBody;
            }

            return next(context);
        });
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        var limiter = app.Services.GetRequiredService<ApiKeyRateLimiter>();
        app.Use((context, next) =>
        {
            limiter.AddHeaders(context);
            return next(context);
        });

        // One rule for request text (after authentication and rate limiting, so that refused callers cost no scan).
        app.UseRequestTextValidation();

        app.MapOpenApi().AllowAnonymous();
        app.MapHealthEndpoints();
        app.MapPingEndpoints();
        app.MapMemoryEndpoints();
        app.MapLegacyMemoryEndpoints();
        app.MapEntityEndpoints();
        app.MapBatchEndpoints();
        app.MapEventEndpoints();
        app.MapFeedbackEndpoints();
        app.MapExportEndpoints();
        app.MapWebhookEndpoints();
        app.MapArchiveEndpoints();
        app.MapGraphEndpoints();
        app.MapProjectEndpoints();
        app.MapMcpEndpoints();
        app.MapDashboardEndpoints();
        return app;
    }

    private static T StoreFeature<T>(IServiceProvider provider)
        where T : class =>
        provider.GetRequiredService<IMemoryStore>() as T
            ?? throw new NotSupportedException($"The configured store does not implement {typeof(T).Name}; this feature needs a store that does (the SQLite store implements every feature).");

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
