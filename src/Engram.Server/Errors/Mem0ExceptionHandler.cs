using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace Engram.Server;

/// <summary>
/// Maps failures to Mem0's status codes as ProblemDetails carrying Mem0's <c>detail</c> key: bad input (malformed JSON, a
/// wrong type, a rule of the engine) → 400, unknown memory → 404, body too large → 413, URI too long → 414, a busy store → 503, anything else
/// → a generic 500. Exception text reaches the client only for Engram's own validation and not-found errors, whose messages
/// are written for the caller; never for unexpected failures.
/// </summary>
internal sealed partial class Mem0ExceptionHandler(
    IProblemDetailsService problemDetails,
    IOptions<EngramServerOptions> options,
    ILogger<Mem0ExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, detail) = Map(exception, httpContext, options.Value);
        var field = status == StatusCodes.Status400BadRequest ? Field(exception) : null;
        if (status == StatusCodes.Status500InternalServerError)
        {
            Log.UnhandledRequestFailure(logger, httpContext.Request.Method, httpContext.Request.Path, exception);
        }

        if (httpContext.Response.HasStarted)
        {
            return false;
        }

        httpContext.Response.StatusCode = status;
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            httpContext.Response.Headers.RetryAfter = "1";
        }

        var context = new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = { Status = status, Detail = detail },
        };
        if (field is not null)
        {
            context.ProblemDetails.Extensions[FieldKey] = field;
        }

        return await problemDetails.TryWriteAsync(context);
    }

    /// <summary>The ProblemDetails extension that names the field at fault in a 400 (<c>user_id</c>, <c>messages[0].content</c>, <c>body</c>).</summary>
    public const string FieldKey = "field";

    /// <summary>
    /// The field a 400 is about: the parameter of a validation error, the JSON path of a malformed value (without
    /// <c>$.</c>), the parameter a query value could not be bound to, or <c>body</c> when the body as a whole is wrong.
    /// </summary>
    internal static string Field(Exception exception) => exception switch
    {
        MemoryValidationException { ParameterName: { Length: > 0 } name } => name,
        JsonException json => JsonField(json),
        BadHttpRequestException { InnerException: JsonException json } => JsonField(json),
        BadHttpRequestException bad when BoundParameter().Match(bad.Message) is { Success: true } match => JsonNamingPolicy.SnakeCaseLower.ConvertName(match.Groups["name"].Value),
        _ => "body",
    };

    private static string JsonField(JsonException exception) =>
        string.IsNullOrEmpty(exception.Path) || exception.Path == "$" ? "body" : exception.Path.StartsWith("$.", StringComparison.Ordinal) ? exception.Path[2..] : exception.Path.TrimStart('$');

    // ASP.NET Core's message for a query or route value it cannot convert: Failed to bind parameter "int? page" from "abc".
    [System.Text.RegularExpressions.GeneratedRegex("""parameter "[^"]*?(?<name>[A-Za-z_][A-Za-z0-9_]*)" from""")]
    private static partial System.Text.RegularExpressions.Regex BoundParameter();

    internal static (int Status, string Detail) Map(Exception exception, HttpContext httpContext, EngramServerOptions limits) => exception switch
    {
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
            (StatusCodes.Status413PayloadTooLarge, $"The request body is too large; the limit is {limits.MaxRequestBodyBytes} bytes."),
        BadHttpRequestException { StatusCode: StatusCodes.Status414UriTooLong } =>
            (StatusCodes.Status414UriTooLong, $"The request URI is too long; the limit is {limits.MaxRequestTargetBytes} bytes for the path and query string."),
        BadHttpRequestException { InnerException: JsonException json } => (StatusCodes.Status400BadRequest, JsonDetail(json)),
        BadHttpRequestException { StatusCode: StatusCodes.Status415UnsupportedMediaType } =>
            (StatusCodes.Status415UnsupportedMediaType, "Send the request body as JSON with 'Content-Type: application/json'."),
        BadHttpRequestException bad when bad.Message.Contains("body", StringComparison.OrdinalIgnoreCase) =>
            (StatusCodes.Status400BadRequest, "A JSON request body is required."),
        BadHttpRequestException bad => (bad.StatusCode is >= 400 and < 500 ? bad.StatusCode : 400, "The request is malformed: check the path, query and body parameters."),
        JsonException json => (StatusCodes.Status400BadRequest, JsonDetail(json)),
        MemoryValidationException validation => (StatusCodes.Status400BadRequest, validation.Message),
        MemoryNotFoundException notFound => (StatusCodes.Status404NotFound, notFound.Message),
        MemoryStoreException { IsTransient: true } => (StatusCodes.Status503ServiceUnavailable, "The store is busy; retry shortly."),
        NotSupportedException notSupported => (StatusCodes.Status501NotImplemented, notSupported.Message),
        OperationCanceledException when httpContext.RequestAborted.IsCancellationRequested => (499, "The client closed the request."),
        _ => (StatusCodes.Status500InternalServerError, "An unexpected error occurred; see the server log."),
    };

    private static string JsonDetail(JsonException exception) =>
        string.IsNullOrEmpty(exception.Path) || exception.Path == "$"
            ? "The request body is not valid JSON."
            : $"The request body is not valid JSON for this route: the value at '{exception.Path}' is malformed or has the wrong type.";
}
