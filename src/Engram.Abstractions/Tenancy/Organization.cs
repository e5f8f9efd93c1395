namespace Engram;

/// <summary>An organization: the owner of projects (Mem0 Platform <c>org_id</c>).</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record Organization
{
    /// <summary>Gets the organization id: non-empty, no whitespace.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the display name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets when the organization was created (UTC).</summary>
    public required DateTimeOffset CreatedAt { get; init; }
}
