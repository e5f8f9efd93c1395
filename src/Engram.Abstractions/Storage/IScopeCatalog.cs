namespace Engram;

/// <summary>Lists the scope identifiers (users, agents, apps, runs) a project's memories use: Mem0's <c>/v1/entities/</c>.</summary>
/// <remarks>Implementations are thread-safe and restricted to one project per call.</remarks>
public interface IScopeCatalog
{
    /// <summary>Lists every scope identifier the project's memories carry, superseded and expired memories included.</summary>
    /// <param name="projectId">The project (tenant) id.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>One summary per (kind, identifier), ordered by kind, then most recently updated first.</returns>
    Task<IReadOnlyList<ScopeSummary>> ListScopesAsync(string projectId, CancellationToken cancellationToken = default);
}
