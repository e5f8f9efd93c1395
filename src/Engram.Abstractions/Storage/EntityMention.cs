namespace Engram;

/// <summary>An entity mentioned in a memory.</summary>
/// <param name="Key">The normalised key (lower-case, single spaces), used for linking across memories.</param>
/// <param name="Name">The surface form as written.</param>
/// <param name="Type">The kind: <c>PERSON</c>, <c>PROPER</c>, <c>QUOTED</c> or <c>TOPIC</c> (Mem0's entity types plus PERSON for speakers).</param>
public sealed record EntityMention(string Key, string Name, string Type);
