namespace Engram;

/// <summary>The built-in fields of a memory that filters can test.</summary>
public enum FilterFieldKind
{
    /// <summary>A key of the memory's metadata.</summary>
    Metadata,

    /// <summary><c>id</c> (also <c>memory_ids</c>).</summary>
    Id,

    /// <summary><c>user_id</c>.</summary>
    UserId,

    /// <summary><c>agent_id</c>.</summary>
    AgentId,

    /// <summary><c>app_id</c>.</summary>
    AppId,

    /// <summary><c>run_id</c> (also <c>session_id</c>).</summary>
    RunId,

    /// <summary><c>memory</c>, the text (also <c>text</c>, <c>keywords</c>).</summary>
    Memory,

    /// <summary><c>hash</c>.</summary>
    Hash,

    /// <summary><c>categories</c> (a list).</summary>
    Categories,

    /// <summary><c>role</c>.</summary>
    Role,

    /// <summary><c>actor_id</c>.</summary>
    ActorId,

    /// <summary><c>attributed_to</c>.</summary>
    AttributedTo,

    /// <summary><c>created_at</c>, ISO-8601 UTC.</summary>
    CreatedAt,

    /// <summary><c>updated_at</c>, ISO-8601 UTC.</summary>
    UpdatedAt,

    /// <summary><c>observed_at</c> (also <c>timestamp</c>), ISO-8601 UTC.</summary>
    ObservedAt,

    /// <summary><c>expiration_date</c>, <c>YYYY-MM-DD</c>.</summary>
    ExpirationDate,
}
