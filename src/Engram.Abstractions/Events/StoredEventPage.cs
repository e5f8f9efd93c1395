namespace Engram;

/// <summary>One page of a project's events, newest first.</summary>
/// <param name="Items">The events of the page.</param>
/// <param name="TotalCount">The number of events over all pages.</param>
public sealed record StoredEventPage(IReadOnlyList<StoredEvent> Items, long TotalCount);
