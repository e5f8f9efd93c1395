namespace Engram;

/// <summary>Well-known message roles (OpenAI chat roles, as Mem0 uses them).</summary>
public static class MemoryRoles
{
    /// <summary>The <c>user</c> role.</summary>
    public const string User = "user";

    /// <summary>The <c>assistant</c> role.</summary>
    public const string Assistant = "assistant";

    /// <summary>The <c>system</c> role.</summary>
    public const string System = "system";
}
