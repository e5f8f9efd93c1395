using System.Collections.Frozen;

namespace Engram;

/// <summary>Mem0's default memory categories, used when neither the call nor the project gives its own list.</summary>
public static class MemoryCategories
{
    /// <summary>
    /// The default catalogue, name → description, in Mem0 Platform's order: personal_details, family,
    /// professional_details, sports, travel, food, music, health, technology, hobbies, fashion, entertainment,
    /// milestones, user_preferences, misc (mem0-reference §5.2).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> Default = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["personal_details"] = "Names, age, identity, background, personal facts",
        ["family"] = "Family members, relationships, household",
        ["professional_details"] = "Work, employer, job title, career, colleagues",
        ["sports"] = "Sports played or followed, fitness",
        ["travel"] = "Trips, places visited or planned, travel preferences",
        ["food"] = "Food, diet, cooking, restaurants",
        ["music"] = "Music, instruments, artists, concerts",
        ["health"] = "Health, medical conditions, wellbeing",
        ["technology"] = "Devices, software, technical interests",
        ["hobbies"] = "Hobbies and pastimes",
        ["fashion"] = "Clothing, style, shopping",
        ["entertainment"] = "Books, films, shows, games",
        ["milestones"] = "Life events, achievements, anniversaries",
        ["user_preferences"] = "Likes, dislikes, preferences",
        ["misc"] = "Anything else",
    }.ToFrozenDictionary(StringComparer.Ordinal);
}
