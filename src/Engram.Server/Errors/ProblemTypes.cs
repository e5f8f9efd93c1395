namespace Engram.Server;

/// <summary>The <c>type</c> URI of a ProblemDetails for statuses that ASP.NET Core leaves without one.</summary>
internal static class ProblemTypes
{
    /// <summary>The RFC section that defines <paramref name="status"/>, or the generic 4xx/5xx section.</summary>
    /// <param name="status">The HTTP status code.</param>
    /// <returns>An absolute URI.</returns>
    public static string For(int status) => status switch
    {
        StatusCodes.Status413PayloadTooLarge => "https://tools.ietf.org/html/rfc9110#section-15.5.14",
        StatusCodes.Status414UriTooLong => "https://tools.ietf.org/html/rfc9110#section-15.5.15",
        StatusCodes.Status429TooManyRequests => ApiKeyRateLimiter.TooManyRequestsType,
        StatusCodes.Status501NotImplemented => "https://tools.ietf.org/html/rfc9110#section-15.6.2",
        >= 500 => "https://tools.ietf.org/html/rfc9110#section-15.6",
        _ => "https://tools.ietf.org/html/rfc9110#section-15.5",
    };
}
