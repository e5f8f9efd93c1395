using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Engram.Sqlite;

/// <content>Tenancy: organizations, projects and hashed API keys (<see cref="ITenantStore"/>).</content>
public sealed partial class SqliteMemoryStore : ITenantStore
{
    private const string ProjectColumns = "id, org_id, name, settings, created_at, updated_at";

    private const string ApiKeyColumns = "id, prefix, key_hash, org_id, project_id, name, created_at, revoked_at";

    /// <inheritdoc/>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public Task<Organization> EnsureOrganizationAsync(string organizationId, string name, CancellationToken cancellationToken = default)
    {
        ValidateTenantId(organizationId, nameof(organizationId));
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return ExecuteAsync("ensure_organization", write: true, async connection =>
        {
            using (var insert = connection.CreateCommand())
            {
                insert.CommandText = "INSERT INTO organizations (id, name, created_at) VALUES (@id, @name, @now) ON CONFLICT (id) DO NOTHING;";
                insert.Parameters.AddWithValue("@id", organizationId);
                insert.Parameters.AddWithValue("@name", name);
                insert.Parameters.AddWithValue("@now", SqliteValues.FormatTimestamp(_timeProvider.GetUtcNow()));
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            using var select = connection.CreateCommand();
            select.CommandText = "SELECT id, name, created_at FROM organizations WHERE id = @id;";
            select.Parameters.AddWithValue("@id", organizationId);
            var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                return new Organization
                {
                    Id = reader.GetString(0),
                    Name = reader.GetString(1),
                    CreatedAt = SqliteValues.ParseTimestamp(reader.GetString(2)),
                };
            }
        }, cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public Task<TenantProject> EnsureProjectAsync(string organizationId, string projectId, string name, CancellationToken cancellationToken = default)
    {
        ValidateTenantId(organizationId, nameof(organizationId));
        ValidateTenantId(projectId, nameof(projectId));
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return ExecuteAsync("ensure_project", write: true, async connection =>
        {
            if (await ReadProjectAsync(connection, projectId, cancellationToken).ConfigureAwait(false) is { } existing)
            {
                return existing.OrganizationId == organizationId
                    ? existing
                    : throw new MemoryValidationException($"Project '{projectId}' already exists in another organization.", "project_id");
            }

            using (var exists = connection.CreateCommand())
            {
                exists.CommandText = "SELECT 1 FROM organizations WHERE id = @id;";
                exists.Parameters.AddWithValue("@id", organizationId);
                if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
                {
                    throw new MemoryValidationException($"Organization '{organizationId}' does not exist.", "org_id");
                }
            }

            using (var insert = connection.CreateCommand())
            {
                var now = SqliteValues.FormatTimestamp(_timeProvider.GetUtcNow());
                insert.CommandText = "INSERT INTO projects (id, org_id, name, settings, created_at, updated_at) VALUES (@id, @org, @name, '{}', @now, @now);";
                insert.Parameters.AddWithValue("@id", projectId);
                insert.Parameters.AddWithValue("@org", organizationId);
                insert.Parameters.AddWithValue("@name", name);
                insert.Parameters.AddWithValue("@now", now);
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return (await ReadProjectAsync(connection, projectId, cancellationToken).ConfigureAwait(false))!;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="projectId"/> is empty.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public Task<TenantProject?> GetProjectAsync(string projectId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        return ExecuteAsync("get_project", write: false, connection => ReadProjectAsync(connection, projectId, cancellationToken), cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="projectId"/> is empty.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public Task<TenantProject> UpdateProjectSettingsAsync(string projectId, IReadOnlyDictionary<string, JsonElement> changes, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        ArgumentNullException.ThrowIfNull(changes);
        return ExecuteAsync("update_project", write: true, async connection =>
        {
            var project = await ReadProjectAsync(connection, projectId, cancellationToken).ConfigureAwait(false)
                ?? throw new MemoryValidationException($"Project '{projectId}' does not exist.", "project_id");
            var merged = new Dictionary<string, JsonElement>(project.Settings, StringComparer.Ordinal);
            foreach (var (key, value) in changes)
            {
                merged[key] = value.Clone();
            }

            using (var update = connection.CreateCommand())
            {
                update.CommandText = "UPDATE projects SET settings = @settings, updated_at = @now WHERE id = @id;";
                update.Parameters.AddWithValue("@id", projectId);
                update.Parameters.AddWithValue("@settings", MemoryMetadata.ToJson(merged));
                update.Parameters.AddWithValue("@now", SqliteValues.FormatTimestamp(_timeProvider.GetUtcNow()));
                await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return (await ReadProjectAsync(connection, projectId, cancellationToken).ConfigureAwait(false))!;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The key's id, prefix or hash is empty.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public Task CreateApiKeyAsync(ApiKeyRecord apiKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(apiKey);
        ArgumentException.ThrowIfNullOrEmpty(apiKey.Id, nameof(apiKey));
        ArgumentException.ThrowIfNullOrEmpty(apiKey.Prefix, nameof(apiKey));
        if (apiKey.KeyHash.IsEmpty)
        {
            throw new ArgumentException("The key hash is empty.", nameof(apiKey));
        }

        return ExecuteAsync("create_api_key", write: true, async connection =>
        {
            var project = await ReadProjectAsync(connection, apiKey.ProjectId, cancellationToken).ConfigureAwait(false);
            if (project is null || project.OrganizationId != apiKey.OrganizationId)
            {
                throw new MemoryValidationException(
                    $"Project '{apiKey.ProjectId}' does not exist in organization '{apiKey.OrganizationId}'.", "project_id");
            }

            using var insert = connection.CreateCommand();
            insert.CommandText = $"INSERT INTO api_keys ({ApiKeyColumns}) VALUES (@id, @prefix, @hash, @org, @project, @name, @created_at, @revoked_at);";
            insert.Parameters.AddWithValue("@id", apiKey.Id);
            insert.Parameters.AddWithValue("@prefix", apiKey.Prefix);
            insert.Parameters.AddWithValue("@hash", apiKey.KeyHash.ToArray());
            insert.Parameters.AddWithValue("@org", apiKey.OrganizationId);
            insert.Parameters.AddWithValue("@project", apiKey.ProjectId);
            insert.Parameters.AddWithValue("@name", (object?)apiKey.Name ?? DBNull.Value);
            insert.Parameters.AddWithValue("@created_at", SqliteValues.FormatTimestamp(apiKey.CreatedAt));
            insert.Parameters.AddWithValue("@revoked_at", apiKey.RevokedAt is { } revoked ? SqliteValues.FormatTimestamp(revoked) : DBNull.Value);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="prefix"/> is empty.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public Task<IReadOnlyList<ApiKeyRecord>> FindApiKeysAsync(string prefix, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        return ExecuteAsync("find_api_keys", write: false, async connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {ApiKeyColumns} FROM api_keys WHERE prefix = @prefix;";
            command.Parameters.AddWithValue("@prefix", prefix);
            return await ReadApiKeysAsync(command, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public Task<IReadOnlyList<ApiKeyRecord>> ListApiKeysAsync(CancellationToken cancellationToken = default) =>
        ExecuteAsync("list_api_keys", write: false, async connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {ApiKeyColumns} FROM api_keys ORDER BY created_at, id;";
            return await ReadApiKeysAsync(command, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="keyId"/> is empty.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public Task<bool> RevokeApiKeyAsync(string keyId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyId);
        return ExecuteAsync("revoke_api_key", write: true, async connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE api_keys SET revoked_at = @now WHERE id = @id AND revoked_at IS NULL;";
            command.Parameters.AddWithValue("@id", keyId);
            command.Parameters.AddWithValue("@now", SqliteValues.FormatTimestamp(_timeProvider.GetUtcNow()));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
        }, cancellationToken);
    }

    private static void ValidateTenantId(string value, string parameterName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value, parameterName);
        if (value.Any(char.IsWhiteSpace))
        {
            throw new ArgumentException("Organization and project ids cannot contain whitespace.", parameterName);
        }
    }

    private static async Task<TenantProject?> ReadProjectAsync(SqliteConnection connection, string projectId, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {ProjectColumns} FROM projects WHERE id = @id;";
        command.Parameters.AddWithValue("@id", projectId);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            return new TenantProject
            {
                Id = reader.GetString(0),
                OrganizationId = reader.GetString(1),
                Name = reader.GetString(2),
                Settings = MemoryMetadata.Parse(reader.GetString(3)),
                CreatedAt = SqliteValues.ParseTimestamp(reader.GetString(4)),
                UpdatedAt = SqliteValues.ParseTimestamp(reader.GetString(5)),
            };
        }
    }

    private static async Task<IReadOnlyList<ApiKeyRecord>> ReadApiKeysAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var result = new List<ApiKeyRecord>();
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                result.Add(new ApiKeyRecord
                {
                    Id = reader.GetString(0),
                    Prefix = reader.GetString(1),
                    KeyHash = (byte[])reader.GetValue(2),
                    OrganizationId = reader.GetString(3),
                    ProjectId = reader.GetString(4),
                    Name = NullableString(reader, 5),
                    CreatedAt = SqliteValues.ParseTimestamp(reader.GetString(6)),
                    RevokedAt = NullableTimestamp(reader, 7),
                });
            }
        }

        return result;
    }
}
