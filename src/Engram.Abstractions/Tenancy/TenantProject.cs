using System.Text.Json;

namespace Engram;

/// <summary>
/// A project: the tenant every memory, event and API key belongs to (Mem0 Platform <c>project_id</c>). Its id is the
/// <see cref="MemoryQuery.ProjectId"/> of its memories.
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record TenantProject
{
    /// <summary>Gets the project id, unique over all organizations: non-empty, no whitespace.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the id of the organization that owns the project.</summary>
    public required string OrganizationId { get; init; }

    /// <summary>Gets the display name.</summary>
    public required string Name { get; init; }

    /// <summary>
    /// Gets the project settings as set through Mem0's project API (<c>custom_instructions</c>,
    /// <c>custom_categories</c>, <c>decay</c>, …): a JSON object's members, kept verbatim.
    /// </summary>
    public IReadOnlyDictionary<string, JsonElement> Settings { get; init; } = MemoryMetadata.Empty;

    /// <summary>Gets when the project was created (UTC).</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when the project or its settings last changed (UTC).</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
}
