namespace Engram;

/// <summary>Stores memory exports (Mem0 <c>POST /v1/exports/</c> and <c>/v1/exports/get/</c>), per project.</summary>
/// <remarks>Implementations are thread-safe.</remarks>
public interface IExportStore
{
    /// <summary>Stores an export.</summary>
    /// <param name="memoryExport">The export.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the export is durable.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="memoryExport"/> is <see langword="null"/>.</exception>
    Task CreateExportAsync(MemoryExport memoryExport, CancellationToken cancellationToken = default);

    /// <summary>Gets one export of a project.</summary>
    /// <param name="projectId">The project (tenant) id.</param>
    /// <param name="exportId">The export id.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The export, or <see langword="null"/>.</returns>
    Task<MemoryExport?> GetExportAsync(string projectId, string exportId, CancellationToken cancellationToken = default);

    /// <summary>Gets a project's newest export, optionally only among those made with the given filters.</summary>
    /// <param name="projectId">The project (tenant) id.</param>
    /// <param name="filters">The filters JSON text to match exactly, or <see langword="null"/> for any.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The export, or <see langword="null"/>.</returns>
    Task<MemoryExport?> FindLatestExportAsync(string projectId, string? filters, CancellationToken cancellationToken = default);
}
