using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Engram.Server;

/// <summary>
/// Mem0's project settings under <c>/api/v1/orgs/organizations/{org}/projects/{project}/</c>: only the key's own project.
/// PATCH stores any setting and echoes it; <c>custom_instructions</c> and <c>custom_categories</c> are used by adds that
/// give none.
/// </summary>
internal static class ProjectEndpoints
{
    private static readonly string[] ReadOnlyKeys = ["id", "org_id", "created_at", "updated_at"];

    public static IEndpointRouteBuilder MapProjectEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/orgs/organizations/{orgId}/projects/{projectId}").WithTags("Projects").RequireAuthorization();
        group.MapGet("/", GetAsync).WithName("GetProject")
            .WithSummary("Get the key's project and its settings (fields=a&fields=b selects some).");
        group.MapPatch("/", UpdateAsync).WithName("UpdateProject")
            .WithSummary("Change project settings: custom_instructions, custom_categories, and any other key (echoed back).");
        return app;
    }

    /// <summary><c>GET …/projects/{project}/[?fields=…]</c>.</summary>
    internal static async Task<Results<Ok<Dictionary<string, JsonElement>>, ProblemHttpResult>> GetAsync(
        string orgId, string projectId, [FromQuery] string[]? fields, Tenant tenant, ITenantStore tenants, CancellationToken cancellationToken)
    {
        if (!IsOwn(tenant, orgId, projectId) || await tenants.GetProjectAsync(projectId, cancellationToken) is not { } project)
        {
            return MemoryEndpoints.NotFound("Project not found.");
        }

        var body = ToWire(project);
        if (fields is { Length: > 0 })
        {
            var wanted = fields.SelectMany(f => f.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToHashSet(StringComparer.Ordinal);
            body = body.Where(p => wanted.Contains(p.Key)).ToDictionary(StringComparer.Ordinal);
        }

        return TypedResults.Ok(body);
    }

    /// <summary><c>PATCH …/projects/{project}/</c>: merges the body into the settings and returns the project.</summary>
    internal static async Task<Results<Ok<Dictionary<string, JsonElement>>, ProblemHttpResult>> UpdateAsync(
        string orgId, string projectId, [FromBody] JsonElement body, Tenant tenant, ITenantStore tenants, CancellationToken cancellationToken)
    {
        if (!IsOwn(tenant, orgId, projectId))
        {
            return MemoryEndpoints.NotFound("Project not found.");
        }

        if (body.ValueKind != JsonValueKind.Object)
        {
            throw new MemoryValidationException("The body must be a JSON object of settings.", "body");
        }

        var changes = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in body.EnumerateObject())
        {
            if (Array.IndexOf(ReadOnlyKeys, property.Name) >= 0)
            {
                continue;
            }

            switch (property.Name)
            {
                case "custom_instructions" or "agent_custom_instructions" when property.Value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null):
                    throw new MemoryValidationException($"{property.Name} must be a string or null.", property.Name);
                case "custom_categories":
                    _ = WireParsing.Categories(property.Value);
                    break;
            }

            changes[property.Name] = property.Value.Clone();
        }

        var project = await tenants.UpdateProjectSettingsAsync(projectId, changes, cancellationToken);
        return TypedResults.Ok(ToWire(project));
    }

    private static bool IsOwn(Tenant tenant, string orgId, string projectId) =>
        string.Equals(orgId, tenant.OrganizationId, StringComparison.Ordinal) && string.Equals(projectId, tenant.ProjectId, StringComparison.Ordinal);

    private static Dictionary<string, JsonElement> ToWire(TenantProject project)
    {
        var context = ServerJsonContext.Default;
        var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal)
        {
            ["id"] = JsonSerializer.SerializeToElement(project.Id, context.String),
            ["name"] = JsonSerializer.SerializeToElement(project.Name, context.String),
            ["org_id"] = JsonSerializer.SerializeToElement(project.OrganizationId, context.String),
            ["custom_instructions"] = JsonSerializer.SerializeToElement((string?)null, context.String),
            ["custom_categories"] = JsonSerializer.SerializeToElement((string?)null, context.String),
        };
        foreach (var (key, value) in project.Settings)
        {
            result[key] = value;
        }

        result["created_at"] = JsonSerializer.SerializeToElement(project.CreatedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture), context.String);
        result["updated_at"] = JsonSerializer.SerializeToElement(project.UpdatedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture), context.String);
        return result;
    }
}
