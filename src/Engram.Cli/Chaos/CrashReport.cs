namespace Engram.Cli.Chaos;

/// <summary>The figures of one crash run (<see cref="CrashScenario"/>); snake_case in <c>--output json</c>.</summary>
internal sealed record CrashReport
{
    /// <summary>Gets the adds the server acknowledged (200 with an event id).</summary>
    public int Acknowledged { get; init; }

    /// <summary>Gets the acknowledged adds whose memory is present exactly once after restart and drain.</summary>
    public int PresentExactlyOnce { get; init; }

    /// <summary>Gets the acknowledged adds with no memory.</summary>
    public int Missing { get; init; }

    /// <summary>Gets the adds (acknowledged or not) present more than once.</summary>
    public int Duplicated { get; init; }

    /// <summary>Gets the requests cut off by a kill (not acknowledged; each was sent again under a new marker).</summary>
    public int Unacknowledged { get; init; }

    /// <summary>Gets the SIGKILLs sent.</summary>
    public int Kills { get; init; }

    /// <summary>Gets the events left PENDING, RUNNING or FAILED after the drain.</summary>
    public int EventsUnfinished { get; init; }

    /// <summary>Gets the result of <c>PRAGMA integrity_check</c> (<c>ok</c> when sound).</summary>
    public string IntegrityCheck { get; init; } = "";

    /// <summary>Gets a value indicating whether every guarantee held.</summary>
    public bool Passed => Missing == 0 && Duplicated == 0 && PresentExactlyOnce == Acknowledged && EventsUnfinished == 0 && IntegrityCheck == "ok";
}
