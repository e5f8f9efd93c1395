namespace Engram;

/// <summary>The kinds of scope identifier (Mem0's entity types: <c>user</c>, <c>agent</c>, <c>app</c>, <c>run</c>).</summary>
public enum ScopeKind
{
    /// <summary>A user (<c>user_id</c>).</summary>
    User,

    /// <summary>An agent (<c>agent_id</c>).</summary>
    Agent,

    /// <summary>An app (<c>app_id</c>).</summary>
    App,

    /// <summary>A run or session (<c>run_id</c>).</summary>
    Run,
}
