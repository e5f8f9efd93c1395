using System.Security.Cryptography;

namespace Engram.Server;

/// <summary>Issues and verifies API keys over an <see cref="ITenantStore"/>; used by the server and by <c>engram keys</c>.</summary>
/// <remarks>Thread-safe.</remarks>
public sealed class ApiKeyService
{
    private readonly ITenantStore _tenants;
    private readonly TimeProvider _time;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="tenants">The tenancy store.</param>
    /// <param name="time">The clock.</param>
    public ApiKeyService(ITenantStore tenants, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(tenants);
        ArgumentNullException.ThrowIfNull(time);
        _tenants = tenants;
        _time = time;
    }

    /// <summary>
    /// Creates a key for a project, creating the organization and the project when they do not exist yet.
    /// </summary>
    /// <param name="organizationId">The organization.</param>
    /// <param name="projectId">The project the key reads and writes.</param>
    /// <param name="name">An optional label.</param>
    /// <param name="key">The key to register (for example from <c>ENGRAM_API_KEY</c>), or <see langword="null"/> to generate one.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The record and the key, which the caller shows once.</returns>
    /// <exception cref="MemoryValidationException">The key is malformed, or the project belongs to another organization.</exception>
    public async Task<IssuedApiKey> IssueAsync(string organizationId, string projectId, string? name, string? key = null, CancellationToken cancellationToken = default)
    {
        if (key is not null && !ApiKeys.IsWellFormed(key))
        {
            throw new MemoryValidationException(
                $"An API key must be {ApiKeys.MinimumLength} to {ApiKeys.MaximumLength} visible ASCII characters without spaces.", "api_key");
        }

        ValidateId(organizationId, "org_id");
        ValidateId(projectId, "project_id");
        await _tenants.EnsureOrganizationAsync(organizationId, organizationId, cancellationToken).ConfigureAwait(false);
        await _tenants.EnsureProjectAsync(organizationId, projectId, projectId, cancellationToken).ConfigureAwait(false);
        key ??= ApiKeys.Generate();
        var now = _time.GetUtcNow();
        var record = new ApiKeyRecord
        {
            Id = Guid.CreateVersion7(now).ToString(),
            Prefix = ApiKeys.LookupPrefix(key),
            KeyHash = ApiKeys.Hash(key),
            OrganizationId = organizationId,
            ProjectId = projectId,
            Name = string.IsNullOrWhiteSpace(name) ? null : name.Trim(),
            CreatedAt = now,
        };
        await _tenants.CreateApiKeyAsync(record, cancellationToken).ConfigureAwait(false);
        return new IssuedApiKey(record, key);
    }

    /// <summary>Finds the stored record of a key, revoked or not, comparing hashes in constant time.</summary>
    /// <param name="key">The key as presented.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The record, or <see langword="null"/> when no stored key matches.</returns>
    public async Task<ApiKeyRecord?> FindAsync(string key, CancellationToken cancellationToken = default)
    {
        if (!ApiKeys.IsWellFormed(key))
        {
            return null;
        }

        var candidates = await _tenants.FindApiKeysAsync(ApiKeys.LookupPrefix(key), cancellationToken).ConfigureAwait(false);
        if (candidates.Count == 0)
        {
            return null;
        }

        var hash = ApiKeys.Hash(key);
        ApiKeyRecord? match = null;
        foreach (var candidate in candidates)
        {
            // Every candidate is compared, in constant time, so timing reveals nothing about which one matched.
            if (CryptographicOperations.FixedTimeEquals(candidate.KeyHash.Span, hash))
            {
                match = candidate;
            }
        }

        return match;
    }

    /// <summary>Finds the active record of a key.</summary>
    /// <param name="key">The key as presented.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The record, or <see langword="null"/> when the key is unknown or revoked.</returns>
    public async Task<ApiKeyRecord?> AuthenticateAsync(string key, CancellationToken cancellationToken = default) =>
        await FindAsync(key, cancellationToken).ConfigureAwait(false) is { IsRevoked: false } record ? record : null;

    /// <summary>Lists every key (ids, prefixes and dates; never the keys).</summary>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The keys, oldest first.</returns>
    public Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken = default) => _tenants.ListApiKeysAsync(cancellationToken);

    /// <summary>Revokes a key.</summary>
    /// <param name="keyId">The key id.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns><see langword="true"/> when an active key was revoked.</returns>
    public Task<bool> RevokeAsync(string keyId, CancellationToken cancellationToken = default) => _tenants.RevokeApiKeyAsync(keyId, cancellationToken);

    private static void ValidateId(string value, string name)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new MemoryValidationException($"{name} must be non-empty and contain no whitespace.", name);
        }
    }
}
