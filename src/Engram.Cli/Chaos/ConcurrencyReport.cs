namespace Engram.Cli.Chaos;

/// <summary>The figures of one concurrency run (<see cref="ConcurrencyScenario"/>); snake_case in <c>--output json</c>.</summary>
internal sealed record ConcurrencyReport
{
    /// <summary>Gets the clients that ran at the same time.</summary>
    public int Clients { get; init; }

    /// <summary>Gets the operations sent (adds, searches, updates, deletes, lists).</summary>
    public int Operations { get; init; }

    /// <summary>Gets the responses with a 5xx status.</summary>
    public int ServerErrors { get; init; }

    /// <summary>Gets the responses or log lines that said "database is locked".</summary>
    public int DatabaseLocked { get; init; }

    /// <summary>Gets the other unexpected answers (a 4xx for a valid request, a missing id, a transport failure).</summary>
    public int UnexpectedAnswers { get; init; }

    /// <summary>Gets the users whose final memories differ from what their acknowledged operations imply.</summary>
    public int StateMismatches { get; init; }

    /// <summary>Gets a value indicating whether every guarantee held.</summary>
    public bool Passed => ServerErrors == 0 && DatabaseLocked == 0 && UnexpectedAnswers == 0 && StateMismatches == 0;
}
