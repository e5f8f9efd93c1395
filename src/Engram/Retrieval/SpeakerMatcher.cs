using System.Collections.Frozen;

namespace Engram;

/// <summary>
/// Recognises when a query names the speaker of a memory ("What did Caroline research?" and a memory said by
/// Caroline): the memory's <see cref="MemoryItem.ActorId"/> is matched against the query's words.
/// </summary>
/// <remarks>
/// A speaker is named when the first or the last word of its name (folded as <see cref="TextAnalyzer.Tokenize"/> does,
/// at least two characters, not a stop word) is a word of the query: "Caroline", "caroline's" and "Ms Caroline Lee"
/// all name the speaker <c>Caroline</c>; "John Smith" is named by "John" or "Smith". Stateless and thread-safe.
/// </remarks>
internal static class SpeakerMatcher
{
    /// <summary>Gets a value indicating whether the query names the speaker.</summary>
    /// <param name="actorId">The memory's speaker, or <see langword="null"/>.</param>
    /// <param name="queryTokens">The query's folded word tokens (<see cref="QueryFeatures.Tokens"/>).</param>
    /// <param name="analyzer">The analyzer that folded the query.</param>
    /// <returns><see langword="true"/> when the speaker is named.</returns>
    public static bool IsNamed(string? actorId, IReadOnlySet<string> queryTokens, TextAnalyzer analyzer)
    {
        if (string.IsNullOrWhiteSpace(actorId) || queryTokens.Count == 0)
        {
            return false;
        }

        var name = analyzer.Tokenize(actorId);
        if (name.Count == 0)
        {
            return false;
        }

        return Names(name[0]) || (name.Count > 1 && Names(name[^1]));

        bool Names(string token) => token.Length >= 2 && !analyzer.IsStopWord(token) && queryTokens.Contains(token);
    }

    /// <summary>The first-person singular pronouns (folded tokens): a query that uses one is asked by the scope's user.</summary>
    private static readonly FrozenSet<string> FirstPerson = FrozenSet.ToFrozenSet(["i", "me", "my", "mine", "myself"], StringComparer.Ordinal);

    /// <summary>Gets a value indicating whether a query speaks in the first person singular ("What did I buy?", "my sister").</summary>
    /// <param name="queryTokens">The query's folded word tokens (<see cref="QueryFeatures.Tokens"/>).</param>
    /// <returns><see langword="true"/> when the query uses <c>I</c>, <c>me</c>, <c>my</c>, <c>mine</c> or <c>myself</c>.</returns>
    public static bool IsFirstPerson(IReadOnlySet<string> queryTokens) => queryTokens.Overlaps(FirstPerson);

    /// <summary>
    /// Gets a value indicating whether a memory was said by the scope's own user: a <c>user</c> message with no speaker
    /// name (a named speaker is a participant of a recorded conversation, not necessarily the person who asks).
    /// </summary>
    /// <param name="role">The memory's role.</param>
    /// <param name="actorId">The memory's speaker, or <see langword="null"/>.</param>
    /// <returns><see langword="true"/> for an unnamed user message.</returns>
    public static bool IsOwnerSpeaking(string? role, string? actorId) =>
        actorId is null && string.Equals(role, MemoryRoles.User, StringComparison.Ordinal);
}
