namespace Engram.Client;

/// <summary>A user, agent, app or run that has memories on the server (<c>GET /v1/entities/</c>).</summary>
/// <param name="Type">The kind: <c>user</c>, <c>agent</c>, <c>app</c> or <c>run</c>.</param>
/// <param name="Id">The identifier.</param>
/// <param name="TotalMemories">How many memories it has.</param>
public sealed record EngramEntity(string Type, string Id, long TotalMemories);
