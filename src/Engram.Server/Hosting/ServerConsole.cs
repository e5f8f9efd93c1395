namespace Engram.Server;

/// <summary>
/// Where the server prints what its operator must see once (the first API key, the listening address): standard output
/// by default; <c>engram serve</c> passes its own writer. Logs never go here.
/// </summary>
/// <param name="Writer">The writer.</param>
public sealed record ServerConsole(TextWriter Writer);
