using System.Net;

namespace Engram.Client;

/// <summary>The server refused or failed a request for a reason other than bad input or an unknown id.</summary>
public sealed class EngramClientException : EngramException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="statusCode">The HTTP status (0 when the failure was not an HTTP answer, e.g. a failed event).</param>
    /// <param name="message">The server's <c>detail</c>, or a description.</param>
    public EngramClientException(HttpStatusCode statusCode, string message) : base(message) => StatusCode = statusCode;

    /// <summary>Gets the HTTP status.</summary>
    public HttpStatusCode StatusCode { get; }
}
