namespace Engram.Cli.Bench;

/// <summary>One synthetic user's world.</summary>
/// <param name="UserId">The user id.</param>
/// <param name="Name">The user's first name (the speaker of the memories).</param>
/// <param name="People">Relatives, friends and colleagues: name and relation.</param>
/// <param name="City">The home city.</param>
/// <param name="Pet">The kind of pet.</param>
/// <param name="PetName">The pet's name.</param>
/// <param name="Job">The job.</param>
/// <param name="Company">The employer.</param>
internal sealed record UserWorld(
    string UserId, string Name, IReadOnlyList<(string Name, string Relation)> People, string City, string Pet, string PetName, string Job, string Company);
