using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Engram.Server;

/// <summary>
/// Authenticates Mem0 clients by API key: <c>Authorization: Token &lt;key&gt;</c> (Mem0's clients),
/// <c>Authorization: Bearer &lt;key&gt;</c> or <c>X-API-Key: &lt;key&gt;</c> (Mem0's self-hosted clients). The principal carries
/// the key's id, organization and project; nothing about the tenant ever comes from the request body.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyService keys,
    IProblemDetailsService problemDetails)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The scheme name.</summary>
    public const string SchemeName = "ApiKey";

    /// <summary>The claim holding the organization id.</summary>
    public const string OrganizationClaim = "engram:org_id";

    /// <summary>The claim holding the project id.</summary>
    public const string ProjectClaim = "engram:project_id";

    private const string MissingKey = "Authentication credentials were not provided: send 'Authorization: Token <API key>'.";
    private const string InvalidKey = "Invalid API key.";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = ReadKey(Request.Headers);
        if (key is null)
        {
            return AuthenticateResult.NoResult();
        }

        var record = await keys.AuthenticateAsync(key, Context.RequestAborted);
        if (record is null)
        {
            return AuthenticateResult.Fail(InvalidKey);
        }

        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, record.Id),
                new Claim(OrganizationClaim, record.OrganizationId),
                new Claim(ProjectClaim, record.ProjectId),
            ],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Token";
        await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails =
            {
                Status = StatusCodes.Status401Unauthorized,
                Detail = result.Failure is null ? MissingKey : InvalidKey,
            },
        });
    }

    /// <summary>Reads the key from <c>Authorization: Token|Bearer</c> or <c>X-API-Key</c>.</summary>
    internal static string? ReadKey(IHeaderDictionary headers)
    {
        var authorization = headers.Authorization.ToString();
        if (!string.IsNullOrWhiteSpace(authorization))
        {
            var space = authorization.IndexOf(' ', StringComparison.Ordinal);
            if (space > 0)
            {
                var scheme = authorization[..space];
                if (scheme.Equals("Token", StringComparison.OrdinalIgnoreCase) || scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
                {
                    var value = authorization[(space + 1)..].Trim();
                    return value.Length == 0 ? null : value;
                }
            }
        }

        var apiKey = headers["X-API-Key"].ToString().Trim();
        return apiKey.Length == 0 ? null : apiKey;
    }
}
