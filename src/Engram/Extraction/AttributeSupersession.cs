using System.Text.RegularExpressions;

namespace Engram;

/// <summary>
/// Offline supersession rules: a fact that states a new value of a single-valued attribute of a person (employer,
/// home, partner, favourite thing) replaces an existing memory that states another value of the same attribute for
/// the same person ("Ana works at Acme" then "Ana works at Globex").
/// </summary>
/// <remarks>
/// The verb "moved to" is ambiguous between a new employer and a new home; it replaces the most recently observed
/// existing employer or residence memory of the person (whichever is newer). Stateless and thread-safe.
/// </remarks>
internal static partial class AttributeSupersession
{
    private const string Employer = "employer";
    private const string Residence = "residence";
    private const string Partner = "partner";
    private const string MovedTo = "moved";

    /// <summary>Finds the existing memories <paramref name="fact"/> replaces.</summary>
    /// <param name="fact">The new fact's text, in the third person ("Ana works at Globex").</param>
    /// <param name="existing">The scope's current memories shown to the extractor.</param>
    /// <returns>Ids of the memories to supersede; empty when none.</returns>
    public static IReadOnlyList<string> Find(string fact, IReadOnlyList<MemoryItem> existing)
    {
        var statement = Parse(fact);
        if (statement is null || existing.Count == 0)
        {
            return [];
        }

        var candidates = new List<(MemoryItem Memory, Statement Old)>();
        foreach (var memory in existing)
        {
            if (Parse(memory.Memory) is { } old
                && string.Equals(old.Subject, statement.Subject, StringComparison.OrdinalIgnoreCase)
                && !string.Equals(old.Value, statement.Value, StringComparison.OrdinalIgnoreCase)
                && SameAttribute(statement, old))
            {
                candidates.Add((memory, old));
            }
        }

        if (candidates.Count == 0)
        {
            return [];
        }

        if (statement.Attribute == MovedTo)
        {
            // Ambiguous verb: replace only the newest employer-or-home statement.
            return [candidates.MaxBy(c => c.Memory.ObservedAt).Memory.Id];
        }

        return candidates.Select(c => c.Memory.Id).ToList();
    }

    private static bool SameAttribute(Statement fresh, Statement old) =>
        fresh.Attribute == old.Attribute
        || (fresh.Attribute == MovedTo && old.Attribute is Employer or Residence or MovedTo)
        || (old.Attribute == MovedTo && fresh.Attribute is Employer or Residence);

    private static Statement? Parse(string text)
    {
        foreach (var (regex, attribute) in Rules)
        {
            var match = regex.Match(text);
            if (match.Success)
            {
                var value = Normalize(match.Groups["value"].Value);
                var subject = match.Groups["subject"].Value.Trim();
                var key = match.Groups["key"].Success ? ":" + match.Groups["key"].Value.Trim().ToLowerInvariant() : string.Empty;
                if (value.Length > 0 && subject.Length > 0)
                {
                    return new Statement(subject, attribute + key, value);
                }
            }
        }

        return null;
    }

    private static string Normalize(string value) =>
        string.Join(' ', value.Trim().TrimEnd('.', '!', ',', ';').Split(' ', StringSplitOptions.RemoveEmptyEntries));

    private static readonly (Regex Regex, string Attribute)[] Rules =
    [
        (EmployerRegex(), Employer),
        (ResidenceRegex(), Residence),
        (MovedRegex(), MovedTo),
        (PartnerRegex(), Partner),
        (FavouriteRegex(), "favourite"),
    ];

    private const string SubjectPattern = @"^(?:(?<subject>[A-Z][\w'-]*(?: [A-Z][\w'-]*)?) (?:now |currently |recently |just )?)";
    private const string ValuePattern = @"(?<value>[A-Z0-9][\w&'.-]*(?: (?:[A-Z0-9&][\w&'.-]*|of|the|and|de))*)";

    [GeneratedRegex(SubjectPattern + @"(?:works|worked|is working|started working|has started working|got a job|took a job|has a new job|is employed|was hired) (?:at|for|with|by) " + ValuePattern, RegexOptions.CultureInvariant)]
    private static partial Regex EmployerRegex();

    [GeneratedRegex(SubjectPattern + @"(?:lives|is living|lived|has lived|is based|resides) in " + ValuePattern, RegexOptions.CultureInvariant)]
    private static partial Regex ResidenceRegex();

    [GeneratedRegex(SubjectPattern + @"(?:moved|has moved|relocated|has relocated|switched|has switched) to " + ValuePattern, RegexOptions.CultureInvariant)]
    private static partial Regex MovedRegex();

    [GeneratedRegex(SubjectPattern + @"(?:is married to|married|is dating|is engaged to|is in a relationship with) " + ValuePattern, RegexOptions.CultureInvariant)]
    private static partial Regex PartnerRegex();

    [GeneratedRegex(@"^(?<subject>[A-Z][\w'-]*)'s favou?rite (?<key>[a-z]+(?: [a-z]+)?) is (?<value>.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex FavouriteRegex();

    private sealed record Statement(string Subject, string Attribute, string Value);
}
