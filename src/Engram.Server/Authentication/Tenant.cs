using System.Security.Claims;

namespace Engram.Server;

/// <summary>
/// The caller's tenant, bound from the authenticated API key: its organization, its project, and the engine bound to
/// that project (<see cref="MemoryEngine.ForProject"/>). Every read and write of a request goes through <see cref="Memory"/>.
/// </summary>
internal sealed class Tenant
{
    private Tenant(string keyId, string organizationId, string projectId, MemoryEngine memory)
    {
        KeyId = keyId;
        OrganizationId = organizationId;
        ProjectId = projectId;
        Memory = memory;
    }

    public string KeyId { get; }

    public string OrganizationId { get; }

    public string ProjectId { get; }

    /// <summary>The engine restricted to <see cref="ProjectId"/>.</summary>
    public MemoryEngine Memory { get; }

    /// <summary>Binds the tenant of an authenticated request (minimal API parameter binding).</summary>
    public static ValueTask<Tenant?> BindAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var user = context.User;
        var keyId = user.FindFirstValue(ClaimTypes.NameIdentifier);
        var organizationId = user.FindFirstValue(ApiKeyAuthenticationHandler.OrganizationClaim);
        var projectId = user.FindFirstValue(ApiKeyAuthenticationHandler.ProjectClaim);
        if (keyId is null || organizationId is null || projectId is null)
        {
            return ValueTask.FromResult<Tenant?>(null);
        }

        var engine = context.RequestServices.GetRequiredService<MemoryEngine>();
        return ValueTask.FromResult<Tenant?>(new Tenant(keyId, organizationId, projectId, engine.ForProject(projectId)));
    }
}
