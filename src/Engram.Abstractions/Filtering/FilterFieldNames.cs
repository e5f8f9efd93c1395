namespace Engram;

/// <summary>Maps filter keys as Mem0 clients send them (snake_case or camelCase) to <see cref="FilterFieldKind"/>.</summary>
public static class FilterFieldNames
{
    private static readonly Dictionary<string, FilterFieldKind> Known = new(StringComparer.Ordinal)
    {
        ["id"] = FilterFieldKind.Id,
        ["memory_id"] = FilterFieldKind.Id,
        ["memory_ids"] = FilterFieldKind.Id,
        ["memoryId"] = FilterFieldKind.Id,
        ["memoryIds"] = FilterFieldKind.Id,
        ["user_id"] = FilterFieldKind.UserId,
        ["userId"] = FilterFieldKind.UserId,
        ["agent_id"] = FilterFieldKind.AgentId,
        ["agentId"] = FilterFieldKind.AgentId,
        ["app_id"] = FilterFieldKind.AppId,
        ["appId"] = FilterFieldKind.AppId,
        ["run_id"] = FilterFieldKind.RunId,
        ["runId"] = FilterFieldKind.RunId,
        ["session_id"] = FilterFieldKind.RunId,
        ["sessionId"] = FilterFieldKind.RunId,
        ["memory"] = FilterFieldKind.Memory,
        ["text"] = FilterFieldKind.Memory,
        ["data"] = FilterFieldKind.Memory,
        ["keywords"] = FilterFieldKind.Memory,
        ["hash"] = FilterFieldKind.Hash,
        ["categories"] = FilterFieldKind.Categories,
        ["role"] = FilterFieldKind.Role,
        ["actor_id"] = FilterFieldKind.ActorId,
        ["actorId"] = FilterFieldKind.ActorId,
        ["attributed_to"] = FilterFieldKind.AttributedTo,
        ["attributedTo"] = FilterFieldKind.AttributedTo,
        ["created_at"] = FilterFieldKind.CreatedAt,
        ["createdAt"] = FilterFieldKind.CreatedAt,
        ["updated_at"] = FilterFieldKind.UpdatedAt,
        ["updatedAt"] = FilterFieldKind.UpdatedAt,
        ["observed_at"] = FilterFieldKind.ObservedAt,
        ["observedAt"] = FilterFieldKind.ObservedAt,
        ["timestamp"] = FilterFieldKind.ObservedAt,
        ["expiration_date"] = FilterFieldKind.ExpirationDate,
        ["expirationDate"] = FilterFieldKind.ExpirationDate,
    };

    /// <summary>Resolves a filter key: a built-in field name, else a metadata key (Mem0 flattens metadata into the payload).</summary>
    /// <param name="key">The key as sent.</param>
    /// <returns>The field.</returns>
    /// <exception cref="MemoryValidationException">The key is empty or contains a double quote.</exception>
    public static FilterField Resolve(string key)
    {
        if (Known.TryGetValue(key, out var kind))
        {
            return FilterField.Of(kind);
        }

        if (!FilterField.IsValidMetadataKey(key))
        {
            throw new MemoryValidationException($"Invalid filter key '{key}': {FilterField.MetadataKeyRule}", "filters");
        }

        return FilterField.Metadata(key);
    }

    /// <summary>Gets the canonical snake_case name of a built-in field.</summary>
    /// <param name="kind">The field.</param>
    /// <returns>The name, for example <c>user_id</c>.</returns>
    public static string ToName(FilterFieldKind kind) => kind switch
    {
        FilterFieldKind.Metadata => "metadata",
        FilterFieldKind.Id => "id",
        FilterFieldKind.UserId => "user_id",
        FilterFieldKind.AgentId => "agent_id",
        FilterFieldKind.AppId => "app_id",
        FilterFieldKind.RunId => "run_id",
        FilterFieldKind.Memory => "memory",
        FilterFieldKind.Hash => "hash",
        FilterFieldKind.Categories => "categories",
        FilterFieldKind.Role => "role",
        FilterFieldKind.ActorId => "actor_id",
        FilterFieldKind.AttributedTo => "attributed_to",
        FilterFieldKind.CreatedAt => "created_at",
        FilterFieldKind.UpdatedAt => "updated_at",
        FilterFieldKind.ObservedAt => "observed_at",
        FilterFieldKind.ExpirationDate => "expiration_date",
        _ => kind.ToString(),
    };
}
