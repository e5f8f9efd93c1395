using System.Text.Json;
using Npgsql;

namespace Engram.Postgres;

public sealed partial class PostgresMemoryStore : ITenantStore, IFeedbackStore, IExportStore, IScopeCatalog
{
    private const string ProjectColumns = "id, org_id, name, settings::text, created_at, updated_at";
    private const string ApiKeyColumns = "id, prefix, key_hash, org_id, project_id, name, created_at, revoked_at";
    private const string ExportColumns = "id, project_id, schema, filters, instructions, data, memory_count, created_at, memory_ids";

    /// <inheritdoc/>
    public Task<Organization> EnsureOrganizationAsync(string organizationId, string name, CancellationToken cancellationToken = default)
    {
        ValidateTenantId(organizationId, nameof(organizationId));
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return RunAsync("ensure_organization", write: true, async connection =>
        {
            using (var insert = new NpgsqlCommand("INSERT INTO organizations (id, name, created_at) VALUES (@id, @name, @now) ON CONFLICT (id) DO NOTHING;", connection))
            {
                insert.Parameters.Add(PostgresValues.Text("id", organizationId));
                insert.Parameters.Add(PostgresValues.Text("name", name));
                insert.Parameters.Add(PostgresValues.Text("now", PostgresValues.FormatTimestamp(_timeProvider.GetUtcNow())));
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            using var select = new NpgsqlCommand("SELECT id, name, created_at FROM organizations WHERE id = @id;", connection);
            select.Parameters.Add(PostgresValues.Text("id", organizationId));
            var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                return new Organization { Id = reader.GetString(0), Name = reader.GetString(1), CreatedAt = PostgresValues.ParseTimestamp(reader.GetString(2)) };
            }
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<TenantProject> EnsureProjectAsync(string organizationId, string projectId, string name, CancellationToken cancellationToken = default)
    {
        ValidateTenantId(organizationId, nameof(organizationId));
        ValidateTenantId(projectId, nameof(projectId));
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return RunAsync("ensure_project", write: true, async connection =>
        {
            using (var exists = new NpgsqlCommand("SELECT 1 FROM organizations WHERE id = @id;", connection))
            {
                exists.Parameters.Add(PostgresValues.Text("id", organizationId));
                if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
                {
                    throw new MemoryValidationException($"Organization '{organizationId}' does not exist.", "org_id");
                }
            }

            using (var insert = new NpgsqlCommand(
                "INSERT INTO projects (id, org_id, name, settings, created_at, updated_at) VALUES (@id, @org, @name, '{}', @now, @now) ON CONFLICT (id) DO NOTHING;",
                connection))
            {
                insert.Parameters.Add(PostgresValues.Text("id", projectId));
                insert.Parameters.Add(PostgresValues.Text("org", organizationId));
                insert.Parameters.Add(PostgresValues.Text("name", name));
                insert.Parameters.Add(PostgresValues.Text("now", PostgresValues.FormatTimestamp(_timeProvider.GetUtcNow())));
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            var project = (await ReadProjectAsync(connection, projectId, cancellationToken).ConfigureAwait(false))!;
            return project.OrganizationId == organizationId
                ? project
                : throw new MemoryValidationException($"Project '{projectId}' already exists in another organization.", "project_id");
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<TenantProject?> GetProjectAsync(string projectId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        return RunAsync("get_project", write: false, connection => ReadProjectAsync(connection, projectId, cancellationToken), cancellationToken);
    }

    /// <inheritdoc/>
    public Task<TenantProject> UpdateProjectSettingsAsync(string projectId, IReadOnlyDictionary<string, JsonElement> changes, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        ArgumentNullException.ThrowIfNull(changes);
        return RunAsync("update_project", write: true, async connection =>
        {
            // jsonb || merges top-level keys atomically: concurrent updates of different keys both survive.
            using (var update = new NpgsqlCommand("UPDATE projects SET settings = settings || @changes, updated_at = @now WHERE id = @id;", connection))
            {
                update.Parameters.Add(PostgresValues.Text("id", projectId));
                update.Parameters.Add(PostgresValues.Jsonb("changes", MemoryMetadata.ToJson(changes)));
                update.Parameters.Add(PostgresValues.Text("now", PostgresValues.FormatTimestamp(_timeProvider.GetUtcNow())));
                if (await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
                {
                    throw new MemoryValidationException($"Project '{projectId}' does not exist.", "project_id");
                }
            }

            return (await ReadProjectAsync(connection, projectId, cancellationToken).ConfigureAwait(false))!;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public Task CreateApiKeyAsync(ApiKeyRecord apiKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(apiKey);
        ArgumentException.ThrowIfNullOrEmpty(apiKey.Id, nameof(apiKey));
        ArgumentException.ThrowIfNullOrEmpty(apiKey.Prefix, nameof(apiKey));
        if (apiKey.KeyHash.IsEmpty)
        {
            throw new ArgumentException("The key hash is empty.", nameof(apiKey));
        }

        return RunAsync("create_api_key", write: true, async connection =>
        {
            var project = await ReadProjectAsync(connection, apiKey.ProjectId, cancellationToken).ConfigureAwait(false);
            if (project is null || project.OrganizationId != apiKey.OrganizationId)
            {
                throw new MemoryValidationException($"Project '{apiKey.ProjectId}' does not exist in organization '{apiKey.OrganizationId}'.", "project_id");
            }

            using var insert = new NpgsqlCommand($"INSERT INTO api_keys ({ApiKeyColumns}) VALUES (@id, @prefix, @hash, @org, @project, @name, @created_at, @revoked_at);", connection);
            insert.Parameters.Add(PostgresValues.Text("id", apiKey.Id));
            insert.Parameters.Add(PostgresValues.Text("prefix", apiKey.Prefix));
            insert.Parameters.Add(new NpgsqlParameter("hash", NpgsqlTypes.NpgsqlDbType.Bytea) { Value = apiKey.KeyHash.ToArray() });
            insert.Parameters.Add(PostgresValues.Text("org", apiKey.OrganizationId));
            insert.Parameters.Add(PostgresValues.Text("project", apiKey.ProjectId));
            insert.Parameters.Add(PostgresValues.Text("name", apiKey.Name));
            insert.Parameters.Add(PostgresValues.Text("created_at", PostgresValues.FormatTimestamp(apiKey.CreatedAt)));
            insert.Parameters.Add(PostgresValues.Text("revoked_at", apiKey.RevokedAt is { } revoked ? PostgresValues.FormatTimestamp(revoked) : null));
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<ApiKeyRecord>> FindApiKeysAsync(string prefix, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        return ReadApiKeysAsync($"SELECT {ApiKeyColumns} FROM api_keys WHERE prefix = @prefix;", prefix, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<ApiKeyRecord>> ListApiKeysAsync(CancellationToken cancellationToken = default) =>
        ReadApiKeysAsync($"SELECT {ApiKeyColumns} FROM api_keys ORDER BY created_at, id;", null, cancellationToken);

    /// <inheritdoc/>
    public Task<bool> RevokeApiKeyAsync(string keyId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyId);
        return RunAsync("revoke_api_key", write: true, async connection =>
        {
            using var command = new NpgsqlCommand("UPDATE api_keys SET revoked_at = @now WHERE id = @id AND revoked_at IS NULL;", connection);
            command.Parameters.Add(PostgresValues.Text("id", keyId));
            command.Parameters.Add(PostgresValues.Text("now", PostgresValues.FormatTimestamp(_timeProvider.GetUtcNow())));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public Task AddFeedbackAsync(MemoryFeedback feedback, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(feedback);
        ArgumentException.ThrowIfNullOrEmpty(feedback.Id, nameof(feedback));
        ArgumentException.ThrowIfNullOrEmpty(feedback.ProjectId, nameof(feedback));
        ArgumentException.ThrowIfNullOrEmpty(feedback.MemoryId, nameof(feedback));
        return RunAsync("add_feedback", write: true, async connection =>
        {
            using var command = new NpgsqlCommand(
                "INSERT INTO feedback (id, project_id, memory_id, feedback, reason, created_at) VALUES (@id, @project, @memory_id, @feedback, @reason, @created_at);",
                connection);
            command.Parameters.Add(PostgresValues.Text("id", feedback.Id));
            command.Parameters.Add(PostgresValues.Text("project", feedback.ProjectId));
            command.Parameters.Add(PostgresValues.Text("memory_id", feedback.MemoryId));
            command.Parameters.Add(PostgresValues.Text("feedback", feedback.Feedback));
            command.Parameters.Add(PostgresValues.Text("reason", feedback.Reason));
            command.Parameters.Add(PostgresValues.Text("created_at", PostgresValues.FormatTimestamp(feedback.CreatedAt)));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<MemoryFeedback>> ListFeedbackAsync(string projectId, string memoryId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        ArgumentException.ThrowIfNullOrEmpty(memoryId);
        return RunAsync<IReadOnlyList<MemoryFeedback>>("list_feedback", write: false, async connection =>
        {
            using var command = new NpgsqlCommand(
                "SELECT id, project_id, memory_id, feedback, reason, created_at FROM feedback WHERE project_id = @project AND memory_id = @memory_id ORDER BY seq;",
                connection);
            command.Parameters.Add(PostgresValues.Text("project", projectId));
            command.Parameters.Add(PostgresValues.Text("memory_id", memoryId));
            var result = new List<MemoryFeedback>();
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    result.Add(new MemoryFeedback
                    {
                        Id = reader.GetString(0),
                        ProjectId = reader.GetString(1),
                        MemoryId = reader.GetString(2),
                        Feedback = PostgresValues.NullableString(reader, 3),
                        Reason = PostgresValues.NullableString(reader, 4),
                        CreatedAt = PostgresValues.ParseTimestamp(reader.GetString(5)),
                    });
                }
            }

            return result;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public Task CreateExportAsync(MemoryExport memoryExport, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(memoryExport);
        ArgumentException.ThrowIfNullOrEmpty(memoryExport.Id, nameof(memoryExport));
        ArgumentException.ThrowIfNullOrEmpty(memoryExport.ProjectId, nameof(memoryExport));
        return RunAsync("create_export", write: true, async connection =>
        {
            using var command = new NpgsqlCommand(
                $"INSERT INTO exports ({ExportColumns}) VALUES (@id, @project, @schema, @filters, @instructions, @data, @memory_count, @created_at, @memory_ids);", connection);
            command.Parameters.Add(PostgresValues.Text("id", memoryExport.Id));
            command.Parameters.Add(PostgresValues.Text("project", memoryExport.ProjectId));
            command.Parameters.Add(PostgresValues.Text("schema", memoryExport.Schema));
            command.Parameters.Add(PostgresValues.Text("filters", memoryExport.Filters));
            command.Parameters.Add(PostgresValues.Text("instructions", memoryExport.Instructions));
            command.Parameters.Add(PostgresValues.Text("data", memoryExport.Data));
            command.Parameters.Add(new NpgsqlParameter("memory_count", NpgsqlTypes.NpgsqlDbType.Integer) { Value = memoryExport.MemoryCount });
            command.Parameters.Add(PostgresValues.Text("created_at", PostgresValues.FormatTimestamp(memoryExport.CreatedAt)));
            command.Parameters.Add(PostgresValues.Text("memory_ids", PostgresValues.ToJsonArray(memoryExport.MemoryIds ?? [])));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<MemoryExport?> GetExportAsync(string projectId, string exportId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        ArgumentException.ThrowIfNullOrEmpty(exportId);
        return ReadExportAsync($"SELECT {ExportColumns} FROM exports WHERE project_id = @project AND id = @arg;", projectId, exportId, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<MemoryExport?> FindLatestExportAsync(string projectId, string? filters, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        return ReadExportAsync(
            $"SELECT {ExportColumns} FROM exports WHERE project_id = @project AND (@arg::text IS NULL OR filters = @arg) ORDER BY seq DESC LIMIT 1;",
            projectId,
            filters,
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<ScopeSummary>> ListScopesAsync(string projectId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        return RunAsync<IReadOnlyList<ScopeSummary>>("list_scopes", write: false, async connection =>
        {
            using var command = new NpgsqlCommand("""
                SELECT 0, user_id, count(*), min(created_at), max(updated_at) FROM memories WHERE project_id = @project AND user_id IS NOT NULL GROUP BY user_id
                UNION ALL
                SELECT 1, agent_id, count(*), min(created_at), max(updated_at) FROM memories WHERE project_id = @project AND agent_id IS NOT NULL GROUP BY agent_id
                UNION ALL
                SELECT 2, app_id, count(*), min(created_at), max(updated_at) FROM memories WHERE project_id = @project AND app_id IS NOT NULL GROUP BY app_id
                UNION ALL
                SELECT 3, run_id, count(*), min(created_at), max(updated_at) FROM memories WHERE project_id = @project AND run_id IS NOT NULL GROUP BY run_id
                ORDER BY 1, 5 DESC, 2;
                """, connection);
            command.Parameters.Add(PostgresValues.Text("project", projectId));
            var result = new List<ScopeSummary>();
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    result.Add(new ScopeSummary(
                        (ScopeKind)reader.GetInt32(0),
                        reader.GetString(1),
                        reader.GetInt64(2),
                        PostgresValues.ParseTimestamp(reader.GetString(3)),
                        PostgresValues.ParseTimestamp(reader.GetString(4))));
                }
            }

            return result;
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

    private static async Task<TenantProject?> ReadProjectAsync(NpgsqlConnection connection, string projectId, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand($"SELECT {ProjectColumns} FROM projects WHERE id = @id;", connection);
        command.Parameters.Add(PostgresValues.Text("id", projectId));
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
                CreatedAt = PostgresValues.ParseTimestamp(reader.GetString(4)),
                UpdatedAt = PostgresValues.ParseTimestamp(reader.GetString(5)),
            };
        }
    }

    private Task<IReadOnlyList<ApiKeyRecord>> ReadApiKeysAsync(string sql, string? prefix, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<ApiKeyRecord>>("api_keys", write: false, async connection =>
        {
            using var command = new NpgsqlCommand(sql, connection);
            if (prefix is not null)
            {
                command.Parameters.Add(PostgresValues.Text("prefix", prefix));
            }

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
                        KeyHash = await reader.GetFieldValueAsync<byte[]>(2, cancellationToken).ConfigureAwait(false),
                        OrganizationId = reader.GetString(3),
                        ProjectId = reader.GetString(4),
                        Name = PostgresValues.NullableString(reader, 5),
                        CreatedAt = PostgresValues.ParseTimestamp(reader.GetString(6)),
                        RevokedAt = PostgresValues.NullableTimestamp(reader, 7),
                    });
                }
            }

            return result;
        }, cancellationToken);

    private Task<MemoryExport?> ReadExportAsync(string sql, string projectId, string? argument, CancellationToken cancellationToken) =>
        RunAsync("get_export", write: false, async connection =>
        {
            using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.Add(PostgresValues.Text("project", projectId));
            command.Parameters.Add(PostgresValues.Text("arg", argument));
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    return null;
                }

                return new MemoryExport
                {
                    Id = reader.GetString(0),
                    ProjectId = reader.GetString(1),
                    Schema = reader.GetString(2),
                    Filters = reader.GetString(3),
                    Instructions = PostgresValues.NullableString(reader, 4),
                    Data = reader.GetString(5),
                    MemoryCount = reader.GetInt32(6),
                    CreatedAt = PostgresValues.ParseTimestamp(reader.GetString(7)),
                    MemoryIds = PostgresValues.FromJsonArray(reader.GetString(8)),
                };
            }
        }, cancellationToken);
}
