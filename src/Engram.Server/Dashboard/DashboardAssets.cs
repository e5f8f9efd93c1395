using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

namespace Engram.Server;

/// <summary>
/// Serves the dashboard at <c>/ui/</c>: plain HTML, CSS and JavaScript modules embedded in this assembly (logical names
/// <c>ui/…</c>, from <c>Dashboard/assets</c>), so it works from any output folder with no CDN and no front-end build.
/// Every response carries a strict Content-Security-Policy (no inline script or style, same-origin only), <c>nosniff</c>,
/// no referrer and no framing; assets are revalidated by ETag. The pages are public; the data they show needs an API key.
/// </summary>
internal static class DashboardAssets
{
    /// <summary>The Content-Security-Policy of every <c>/ui/</c> response.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private const string Prefix = "ui/";

    private static readonly FrozenDictionary<string, Asset> Assets = Load();

    public static IEndpointRouteBuilder MapDashboardAssets(this IEndpointRouteBuilder app)
    {
        app.MapGet("/ui/{**path}", Serve).ExcludeFromDescription().AllowAnonymous();
        return app;
    }

    private static IResult Serve(string? path, HttpContext context)
    {
        SecurityHeaders(context.Response);
        if (string.IsNullOrEmpty(path) && !context.Request.Path.Value!.EndsWith('/'))
        {
            // Relative asset paths resolve against /ui/, so /ui is sent there.
            return TypedResults.Redirect($"{context.Request.PathBase}/ui/");
        }

        var name = string.IsNullOrEmpty(path) ? "index.html" : path;
        if (!Assets.TryGetValue(name, out var asset))
        {
            return TypedResults.Problem(detail: "No such dashboard file.", statusCode: StatusCodes.Status404NotFound);
        }

        context.Response.Headers.CacheControl = "no-cache";
        var etag = new EntityTagHeaderValue(asset.ETag);
        if (context.Request.Headers.IfNoneMatch.ToString() == asset.ETag)
        {
            context.Response.Headers.ETag = asset.ETag;
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        return TypedResults.Bytes(asset.Content, asset.ContentType, entityTag: etag);
    }

    private static void SecurityHeaders(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers.XFrameOptions = "DENY";
    }

    private static FrozenDictionary<string, Asset> Load()
    {
        var assembly = typeof(DashboardAssets).Assembly;
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var name = resource.Replace('\\', '/');
            if (!name.StartsWith(Prefix, StringComparison.Ordinal))
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var content = buffer.ToArray();
            var etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(content).AsSpan(0, 12))}\"";
            assets[name[Prefix.Length..]] = new Asset(content, ContentType(name), etag);
        }

        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string ContentType(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".svg" => "image/svg+xml",
        _ => "application/octet-stream",
    };

    private sealed record Asset(byte[] Content, string ContentType, string ETag);
}
