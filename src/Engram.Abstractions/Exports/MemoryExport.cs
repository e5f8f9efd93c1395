namespace Engram;

/// <summary>A stored export of a project's memories, shaped by a caller's JSON schema (Mem0 <c>/v1/exports/</c>).</summary>
/// <remarks>Immutable and thread-safe. It holds personal data (memory text).</remarks>
public sealed record MemoryExport
{
    /// <summary>Gets the export id (UUIDv7).</summary>
    public required string Id { get; init; }

    /// <summary>Gets the project (tenant) id.</summary>
    public required string ProjectId { get; init; }

    /// <summary>Gets the JSON schema the caller gave, as JSON text.</summary>
    public required string Schema { get; init; }

    /// <summary>Gets the filters that selected the memories, as JSON text.</summary>
    public required string Filters { get; init; }

    /// <summary>Gets the caller's export instructions, if any.</summary>
    public string? Instructions { get; init; }

    /// <summary>Gets the exported document, as JSON text.</summary>
    public required string Data { get; init; }

    /// <summary>Gets the number of memories exported.</summary>
    public required int MemoryCount { get; init; }

    /// <summary>
    /// Gets the ids of the memories the export holds, so that erasing one of them deletes the export even when its schema
    /// leaves the ids out. Empty for exports stored before the ids were kept (an erasure then finds them by id in
    /// <see cref="Data"/>).
    /// </summary>
    public IReadOnlyList<string> MemoryIds { get; init; } = [];

    /// <summary>Gets when the export was made (UTC).</summary>
    public required DateTimeOffset CreatedAt { get; init; }
}
