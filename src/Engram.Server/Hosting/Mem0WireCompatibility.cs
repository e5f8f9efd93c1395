using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Rewrite;

namespace Engram.Server;

/// <summary>
/// Two request and response adjustments that Mem0's clients need, as middleware at the start of the pipeline: repeated
/// slashes in the path are collapsed (a <c>host</c> with a trailing slash makes the npm client request
/// <c>//v3/memories/add/</c>), and error bodies are served as <c>application/json</c> (Mem0's Python client reads
/// <c>detail</c> only from that content type; the body stays ProblemDetails).
/// </summary>
internal static partial class Mem0WireCompatibility
{
    private const string ProblemJson = "application/problem+json";

    /// <summary>Adds both adjustments; call before routing.</summary>
    public static IApplicationBuilder UseMem0WireCompatibility(this IApplicationBuilder app)
    {
        app.Use(static (context, next) =>
        {
            context.Response.OnStarting(static state => ServeProblemsAsJson((HttpResponse)state), context.Response);
            return next(context);
        });
        return app.UseRewriter(new RewriteOptions().Add(CollapseSlashes));
    }

    /// <summary>Rewrites <c>//v1//ping/</c> to <c>/v1/ping/</c>; other paths are left as they are.</summary>
    internal static void CollapseSlashes(RewriteContext context)
    {
        var request = context.HttpContext.Request;
        if (request.Path.Value is { } path && path.Contains("//", StringComparison.Ordinal))
        {
            request.Path = new PathString(RepeatedSlashes().Replace(path, "/"));
        }
    }

    private static Task ServeProblemsAsJson(HttpResponse response)
    {
        if (response.ContentType is { } type && type.StartsWith(ProblemJson, StringComparison.OrdinalIgnoreCase))
        {
            response.ContentType = string.Concat("application/json", type.AsSpan(ProblemJson.Length));
        }

        return Task.CompletedTask;
    }

    [GeneratedRegex("/{2,}")]
    private static partial Regex RepeatedSlashes();
}
