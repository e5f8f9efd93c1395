using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http.Features;

namespace Engram.Server;

/// <summary>
/// One rule for the text of every request, applied before any route reads it: the body and the query string must be
/// valid UTF-8, and no JSON string or key of the body may hold an escaped lone surrogate (<c>"\ud800"</c>), which has no
/// UTF-8 form and could not be stored. A request that breaks it is refused with a 400 ProblemDetails naming the field
/// (a JSON path such as <c>messages[0].content</c>, or the query parameter); nothing is replaced by U+FFFD and nothing
/// reaches a route.
/// </summary>
/// <remarks>
/// The body is read into memory (it is already limited to <see cref="EngramServerOptions.MaxRequestBodyBytes"/>) and
/// handed on as a seekable stream. A valid body costs one vectorised UTF-8 check and one search for <c>\u</c>; the JSON
/// is walked only when one of them finds something.
/// </remarks>
internal static class RequestTextValidation
{
    private const string NotUtf8 = "is not valid UTF-8";
    private const string LoneSurrogate = "holds an escaped lone surrogate (\\ud800 to \\udfff without its pair), which is not text";

    public static IApplicationBuilder UseRequestTextValidation(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        CheckQuery(context.Request.QueryString.Value);
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>() is not { CanHaveBody: false })
        {
            await BufferAndCheckBodyAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
        }

        await next(context).ConfigureAwait(false);
    });

    private static async Task BufferAndCheckBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength == 0)
        {
            return;
        }

        var buffer = request.ContentLength is { } length and <= int.MaxValue ? new MemoryStream((int)length) : new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        buffer.Position = 0;
        request.Body = buffer;
        if (buffer.Length > 0)
        {
            Check(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        }
    }

    /// <summary>Checks a body; throws <see cref="MemoryValidationException"/> naming the field at fault.</summary>
    internal static void Check(ReadOnlySpan<byte> body)
    {
        var validUtf8 = Utf8.IsValid(body);
        if (validUtf8 && !MayHoldSurrogateEscape(body))
        {
            return;
        }

        var problem = FindInJson(body);
        if (problem is not null)
        {
            throw problem;
        }

        if (!validUtf8)
        {
            // Outside any string the JSON walk could reach (a syntax error came first, or the body is not JSON).
            throw new MemoryValidationException("The request body is not valid UTF-8; send text encoded as UTF-8.", "body");
        }
    }

    private static void CheckQuery(string? query)
    {
        if (string.IsNullOrEmpty(query) || !query.Contains('%', StringComparison.Ordinal))
        {
            return;
        }

        foreach (var pair in query.TrimStart('?').Split('&'))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? pair : pair[..equals];
            if (!IsUtf8(name) || (equals >= 0 && !IsUtf8(pair[(equals + 1)..])))
            {
                var shown = IsUtf8(name) ? Uri.UnescapeDataString(name) : "query";
                throw new MemoryValidationException($"The query parameter '{shown}' is not valid UTF-8 once percent-decoded.", shown);
            }
        }

        static bool IsUtf8(string encoded)
        {
            var bytes = Encoding.ASCII.GetBytes(encoded);
            return Utf8.IsValid(System.Net.WebUtility.UrlDecodeToBytes(bytes, 0, bytes.Length));
        }
    }

    // "\uD800"–"\uDFFF" in any case: a surrogate escape, paired or not (the JSON walk tells them apart).
    private static bool MayHoldSurrogateEscape(ReadOnlySpan<byte> body)
    {
        var rest = body;
        int at;
        while ((at = rest.IndexOf("\\u"u8)) >= 0)
        {
            rest = rest[(at + 2)..];
            if (rest.Length >= 2 && (rest[0] | 0x20) == 'd' && rest[1] is (>= (byte)'8' and <= (byte)'9') or (>= (byte)'a' and <= (byte)'f') or (>= (byte)'A' and <= (byte)'F'))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Walks the JSON (one value, or several as in JSON Lines) to the first string or key that is not valid text.</summary>
    private static MemoryValidationException? FindInJson(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { AllowMultipleValues = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 4096 });
        var path = new List<Frame>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        if (Invalid(ref reader) is { } keyProblem)
                        {
                            return Problem(path, null, keyProblem);
                        }

                        path[^1] = path[^1] with { Property = reader.GetString() };
                        break;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        NextElement(path);
                        path.Add(new Frame(reader.TokenType == JsonTokenType.StartArray, -1, null));
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        path.RemoveAt(path.Count - 1);
                        break;
                    case JsonTokenType.String:
                        NextElement(path);
                        if (Invalid(ref reader) is { } valueProblem)
                        {
                            return Problem(path, Describe(path), valueProblem);
                        }

                        break;
                    default:
                        NextElement(path);
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON from here on: the route reports the syntax error.
        }

        return null;
    }

    private static string? Invalid(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return Utf8.IsValid(reader.ValueSpan) ? null : NotUtf8;
        }

        try
        {
            _ = reader.GetString();
            return null;
        }
        catch (InvalidOperationException)
        {
            // Either an escaped lone surrogate or invalid UTF-8 between escapes.
            return Utf8.IsValid(reader.ValueSpan) ? LoneSurrogate : NotUtf8;
        }
    }

    private static void NextElement(List<Frame> path)
    {
        if (path.Count > 0 && path[^1].IsArray)
        {
            path[^1] = path[^1] with { Index = path[^1].Index + 1 };
        }
    }

    // A value at `field`, or (field null) a key of the object at the end of `path`.
    private static MemoryValidationException Problem(List<Frame> path, string? field, string what)
    {
        var container = Describe(path, includeLastProperty: false);
        var name = field ?? (container.Length == 0 ? "body" : container);
        var subject = field is not null ? $"'{field}'" : container.Length == 0 ? "A key of the request body" : $"A key of '{container}'";
        return new MemoryValidationException($"{subject} {what}; send text encoded as UTF-8 (escaped surrogates must come in pairs).", name);
    }

    private static string Describe(List<Frame> path, bool includeLastProperty = true)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < path.Count; i++)
        {
            var frame = path[i];
            if (frame.IsArray)
            {
                builder.Append('[').Append(Math.Max(0, frame.Index)).Append(']');
            }
            else if (frame.Property is { } property && (includeLastProperty || i < path.Count - 1))
            {
                if (builder.Length > 0)
                {
                    builder.Append('.');
                }

                builder.Append(property);
            }
        }

        return builder.ToString();
    }

    private readonly record struct Frame(bool IsArray, int Index, string? Property);
}
