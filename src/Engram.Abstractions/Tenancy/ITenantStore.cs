using System.Text.Json;

namespace Engram;

/// <summary>
/// Tenancy for hosts that serve several callers: organizations own projects, and API keys (stored hashed) are bound to
/// one organization and one project.
/// </summary>
/// <remarks>Implementations are thread-safe; every change is durable when the call returns.</remarks>
public interface ITenantStore
{
    /// <summary>Creates an organization, or returns the existing one with that id.</summary>
    /// <param name="organizationId">The organization id: non-empty, no whitespace.</param>
    /// <param name="name">The display name used when it is created.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The organization.</returns>
    /// <exception cref="ArgumentException">An argument is empty or the id has whitespace.</exception>
    Task<Organization> EnsureOrganizationAsync(string organizationId, string name, CancellationToken cancellationToken = default);

    /// <summary>Creates a project in an organization, or returns the existing one with that id.</summary>
    /// <param name="organizationId">The owning organization, which must exist.</param>
    /// <param name="projectId">The project id: non-empty, no whitespace, unique over all organizations.</param>
    /// <param name="name">The display name used when it is created.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The project.</returns>
    /// <exception cref="ArgumentException">An argument is empty or an id has whitespace.</exception>
    /// <exception cref="MemoryValidationException">The organization does not exist, or the project exists in another organization.</exception>
    Task<TenantProject> EnsureProjectAsync(string organizationId, string projectId, string name, CancellationToken cancellationToken = default);

    /// <summary>Gets a project.</summary>
    /// <param name="projectId">The project id.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The project, or <see langword="null"/>.</returns>
    Task<TenantProject?> GetProjectAsync(string projectId, CancellationToken cancellationToken = default);

    /// <summary>Merges settings into a project's settings: each given key replaces the stored one.</summary>
    /// <param name="projectId">The project id.</param>
    /// <param name="changes">The settings to set (a JSON object's members).</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The project after the change.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="changes"/> is <see langword="null"/>.</exception>
    /// <exception cref="MemoryValidationException">The project does not exist.</exception>
    Task<TenantProject> UpdateProjectSettingsAsync(string projectId, IReadOnlyDictionary<string, JsonElement> changes, CancellationToken cancellationToken = default);

    /// <summary>Stores a new API key.</summary>
    /// <param name="apiKey">The key record; its project must exist.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the key is durable.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="apiKey"/> is <see langword="null"/>.</exception>
    /// <exception cref="MemoryValidationException">The project does not exist or does not belong to the key's organization.</exception>
    Task CreateApiKeyAsync(ApiKeyRecord apiKey, CancellationToken cancellationToken = default);

    /// <summary>Finds the keys, revoked ones included, whose <see cref="ApiKeyRecord.Prefix"/> equals <paramref name="prefix"/>.</summary>
    /// <param name="prefix">The prefix.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The candidates; the caller compares hashes in constant time.</returns>
    Task<IReadOnlyList<ApiKeyRecord>> FindApiKeysAsync(string prefix, CancellationToken cancellationToken = default);

    /// <summary>Lists every key, revoked ones included, oldest first.</summary>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The keys (hashes and prefixes only).</returns>
    Task<IReadOnlyList<ApiKeyRecord>> ListApiKeysAsync(CancellationToken cancellationToken = default);

    /// <summary>Revokes a key: requests made with it are refused from then on.</summary>
    /// <param name="keyId">The key id.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns><see langword="true"/> when an active key was revoked; <see langword="false"/> when none has that id or it was already revoked.</returns>
    Task<bool> RevokeApiKeyAsync(string keyId, CancellationToken cancellationToken = default);
}
