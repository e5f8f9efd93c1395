using System.Text.Json;

namespace Engram;

/// <summary>Mem0's validation rules for identifiers, scopes, metadata and search options, with one-line errors.</summary>
internal static class RequestValidation
{
    /// <summary>Trims each identifier and rejects empty ones and ones with inner whitespace (Mem0's rule).</summary>
    public static MemoryScope NormalizeScope(MemoryScope? scope, bool required)
    {
        if (scope is null)
        {
            return required ? throw MissingScope() : new MemoryScope();
        }

        var normalized = new MemoryScope
        {
            UserId = NormalizeId(scope.UserId, "user_id"),
            AgentId = NormalizeId(scope.AgentId, "agent_id"),
            AppId = NormalizeId(scope.AppId, "app_id"),
            RunId = NormalizeId(scope.RunId, "run_id"),
        };

        if (required && normalized.IsEmpty)
        {
            throw MissingScope();
        }

        return normalized;
    }

    public static MemoryValidationException MissingScope() =>
        new("At least one of user_id, agent_id, app_id or run_id is required.", "user_id");

    private static string? NormalizeId(string? value, string name)
    {
        if (value is null)
        {
            return null;
        }

        var trimmed = value.Trim();
        if (trimmed.Length == 0)
        {
            throw new MemoryValidationException($"{name} cannot be empty or whitespace.", name);
        }

        foreach (var c in trimmed)
        {
            if (char.IsWhiteSpace(c))
            {
                throw new MemoryValidationException($"{name} cannot contain whitespace: '{trimmed}'.", name);
            }

            if (char.IsControl(c))
            {
                throw new MemoryValidationException($"{name} cannot contain control characters.", name);
            }
        }

        return trimmed;
    }

    /// <summary>Builds the filter of a read: the request's scope ANDed with its filter; at least one scope field must be present.</summary>
    public static MemoryFilter BuildReadFilter(MemoryScope? scope, MemoryFilter? filter)
    {
        var normalized = NormalizeScope(scope, required: false);
        if (normalized.IsEmpty && (filter is null || !filter.ConstrainsScope()))
        {
            throw new MemoryValidationException(
                "At least one of user_id, agent_id, app_id or run_id is required, as the scope or inside the filters (use \"*\" for all).",
                "filters");
        }

        return MemoryFilter.AllOf(ScopeFilter(normalized), filter) ?? throw MissingScope();
    }

    /// <summary>Equality conditions for the identifiers a scope sets, or <see langword="null"/> for an empty scope.</summary>
    public static MemoryFilter? ScopeFilter(MemoryScope scope)
    {
        var conditions = new List<MemoryFilter>(4);
        Add(FilterFieldKind.UserId, scope.UserId);
        Add(FilterFieldKind.AgentId, scope.AgentId);
        Add(FilterFieldKind.AppId, scope.AppId);
        Add(FilterFieldKind.RunId, scope.RunId);
        return MemoryFilter.AllOf(conditions);

        void Add(FilterFieldKind kind, string? value)
        {
            if (value is not null)
            {
                conditions.Add(MemoryFilter.Equal(FilterField.Of(kind), value));
            }
        }
    }

    /// <summary>
    /// Drops the keys Mem0 strips from metadata (<see cref="MemoryMetadata.IdentityKeys"/>) with a warning naming them, as
    /// Mem0 does; every other key is plain metadata (identity never comes from metadata: the scope is its own field).
    /// </summary>
    public static IReadOnlyDictionary<string, JsonElement> StripIdentityKeys(IReadOnlyDictionary<string, JsonElement>? metadata, Microsoft.Extensions.Logging.ILogger logger)
    {
        if (metadata is null || metadata.Count == 0)
        {
            return MemoryMetadata.Empty;
        }

        if (!metadata.Keys.Any(MemoryMetadata.IdentityKeys.Contains))
        {
            return metadata;
        }

        var stripped = metadata.Keys.Where(MemoryMetadata.IdentityKeys.Contains).Order(StringComparer.Ordinal).ToList();
        Log.MetadataIdentityKeysStripped(logger, string.Join(", ", stripped));
        return metadata.Where(p => !MemoryMetadata.IdentityKeys.Contains(p.Key)).ToDictionary(StringComparer.Ordinal);
    }

    public static void ValidateMemoryId(string memoryId, string parameterName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(memoryId, parameterName);
    }
}
