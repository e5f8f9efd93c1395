using System.Threading.Channels;

namespace Engram.Server;

/// <summary>
/// Wakes the <see cref="AddEventWorker"/> when an event has been persisted. The events themselves live in the store: a
/// notification lost to a full channel or a crash only delays an event until the worker's next scan of the store.
/// </summary>
internal sealed class AddEventQueue
{
    /// <summary>The channel's capacity; beyond it the worker rescans the store.</summary>
    public const int Capacity = 1024;

    private readonly Channel<EventKey> _channel = Channel.CreateBounded<EventKey>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private int _overflowed;

    public ChannelReader<EventKey> Reader => _channel.Reader;

    /// <summary>Signals a persisted event; never blocks.</summary>
    /// <returns><see langword="false"/> when the channel was full (the next store scan finds the event).</returns>
    public bool Notify(string projectId, string eventId)
    {
        if (_channel.Writer.TryWrite(new EventKey(projectId, eventId)))
        {
            return true;
        }

        Volatile.Write(ref _overflowed, 1);
        return false;
    }

    /// <summary>Whether a notification was dropped since the last call (the worker then rescans the store).</summary>
    public bool TakeOverflow() => Interlocked.Exchange(ref _overflowed, 0) == 1;
}

/// <summary>Identifies an event.</summary>
internal readonly record struct EventKey(string ProjectId, string EventId);
