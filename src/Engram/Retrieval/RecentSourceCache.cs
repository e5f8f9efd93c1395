using System.Collections.Concurrent;

namespace Engram;

/// <summary>
/// Remembers which memories the most recently added messages produced, so that the next add can extend their lexical
/// text with its following-turn context (<see cref="RetrievalOptions.LexicalFollowingMessages"/>) without a store
/// lookup. Bounded: the oldest entries are forgotten first. A miss (another process added the message, or it was
/// forgotten) falls back to a store lookup. Thread-safe.
/// </summary>
/// <param name="capacity">The most messages remembered.</param>
internal sealed class RecentSourceCache(int capacity = 4096)
{
    private readonly ConcurrentDictionary<(string Project, string Message), string[]> _memories = new();
    private readonly ConcurrentQueue<(string Project, string Message)> _order = new();

    /// <summary>Records the memories (possibly none) that a message produced.</summary>
    /// <param name="projectId">The project.</param>
    /// <param name="messageId">The message.</param>
    /// <param name="memoryIds">The ids of the memories whose sources include the message.</param>
    public void Add(string projectId, string messageId, string[] memoryIds)
    {
        if (_memories.TryAdd((projectId, messageId), memoryIds))
        {
            _order.Enqueue((projectId, messageId));
            while (_memories.Count > capacity && _order.TryDequeue(out var oldest))
            {
                _memories.TryRemove(oldest, out _);
            }
        }
        else
        {
            _memories[(projectId, messageId)] = memoryIds;
        }
    }

    /// <summary>Gets the memories a message produced, when remembered.</summary>
    /// <param name="projectId">The project.</param>
    /// <param name="messageId">The message.</param>
    /// <param name="memoryIds">The memory ids (empty when the message produced none).</param>
    /// <returns><see langword="true"/> when the message is remembered.</returns>
    public bool TryGet(string projectId, string messageId, out string[] memoryIds) =>
        _memories.TryGetValue((projectId, messageId), out memoryIds!);
}
