namespace Engram;

/// <summary>A memory marked as replaced by a newer one (kept, with a validity end).</summary>
/// <param name="MemoryId">The old memory.</param>
/// <param name="SupersededBy">The memory that replaces it.</param>
/// <param name="ValidTo">When the old memory stopped being true (UTC).</param>
public sealed record MemorySupersession(string MemoryId, string SupersededBy, DateTimeOffset ValidTo);
