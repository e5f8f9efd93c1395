using System.Text.RegularExpressions;

namespace Engram;

/// <summary>
/// Offline extraction of graph triples from a memory's text by rules: a short subject (a name, or "I", which
/// becomes the speaker or user), a verb from a fixed lexicon (<c>lives in</c>, <c>works at</c>, <c>likes</c>, …) and the
/// object up to the end of the clause (at most four words, leading articles dropped, cut at a conjunction or time word). Names are normalised as Mem0g did:
/// lower case, spaces as <c>_</c>.
/// </summary>
/// <remarks>
/// Thread-safe (stateless). Precision over recall: a sentence without a lexicon verb after a short subject gives no
/// triple. Exclusive relationships (<c>lives_in</c>, <c>works_at</c>, <c>works_for</c>, <c>works_as</c>,
/// <c>is_married_to</c>, <c>is_dating</c>, <c>is_engaged_to</c>) hold one value at a time: a new destination
/// contradicts the existing relations of the same source and relationship.
/// </remarks>
public sealed partial class RuleBasedRelationExtractor : IRelationExtractor
{
    private static readonly HashSet<string> ExclusiveRelationships =
        new(StringComparer.Ordinal) { "lives_in", "works_at", "works_for", "works_as", "is_married_to", "is_dating", "is_engaged_to" };

    // First-person verb forms become third-person ones, so "I live in" and "Ana lives in" give the same relationship.
    private static readonly Dictionary<string, string> ThirdPerson = new(StringComparer.OrdinalIgnoreCase)
    {
        ["live"] = "lives", ["work"] = "works", ["play"] = "plays", ["like"] = "likes", ["love"] = "loves", ["enjoy"] = "enjoys",
        ["hate"] = "hates", ["prefer"] = "prefers", ["own"] = "owns", ["have"] = "has", ["speak"] = "speaks", ["teach"] = "teaches",
        ["study"] = "studies", ["come"] = "comes", ["know"] = "knows", ["am"] = "is",
    };

    private static readonly HashSet<string> Articles = new(StringComparer.OrdinalIgnoreCase) { "a", "an", "the", "some" };

    // The object ends before a conjunction, a relative or a time word ("… a pride parade last Friday and it was …").
    private static readonly HashSet<string> ObjectStops = new(StringComparer.OrdinalIgnoreCase)
    {
        "and", "but", "or", "because", "so", "that", "which", "who", "when", "while", "since", "if", "it", "with", "for",
        "yesterday", "today", "tonight", "tomorrow", "last", "next", "this", "recently", "lately", "again", "too", "very", "really",
    };

    // An object that starts like a clause or a pronoun is not an entity ("I know I'll be ok", "I love that you …").
    private static readonly HashSet<string> NotAnObject = new(StringComparer.OrdinalIgnoreCase)
    {
        "that", "to", "how", "what", "why", "when", "where", "if", "i", "i'll", "i'm", "i've", "you", "it", "it's", "me", "them",
        "him", "her", "us", "this", "so", "all", "about", "being", "doing", "getting",
    };

    // A capitalised first word is a name only when it is not a pronoun, determiner, modal or adverb that merely starts
    // the sentence ("They have an amazing ability …", "Must have been traumatizing", "Everyone loves …").
    private static readonly HashSet<string> NotASubject = new(StringComparer.OrdinalIgnoreCase)
    {
        "he", "she", "they", "we", "you", "it", "this", "that", "these", "those", "there", "here", "who", "what", "which",
        "must", "would", "could", "should", "might", "may", "will", "can", "shall", "everyone", "everybody", "someone",
        "somebody", "nobody", "anyone", "people", "also", "just", "maybe", "and", "but", "so", "then", "now", "still",
        "really", "yeah", "yes", "wow", "oh", "thanks", "my", "your", "his", "her", "their", "our", "its",
    };

    /// <inheritdoc/>
    /// <remarks>Completes synchronously; no model is called.</remarks>
    public Task<RelationExtractionResult> ExtractAsync(RelationExtractionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        var relations = new List<ExtractedRelation>();
        foreach (var memory in request.Memories)
        {
            foreach (var (source, relationship, destination) in Extract(memory.Memory, request.SelfOf(memory)))
            {
                relations.Add(new ExtractedRelation(source, relationship, destination, memory.Id));
            }
        }

        var contradictions = new List<RelationContradiction>();
        foreach (var old in request.ExistingRelations)
        {
            var replacement = relations.FirstOrDefault(r =>
                IsExclusive(r.Relationship) && r.Source == old.Source && r.Relationship == old.Relationship && r.Destination != old.Destination);
            if (replacement is not null)
            {
                contradictions.Add(new RelationContradiction(old.Id, replacement.MemoryId));
            }
        }

        return Task.FromResult(new RelationExtractionResult { Relations = relations, Contradictions = contradictions });
    }

    /// <summary>Extracts triples <c>(source, relationship, destination)</c>.</summary>
    /// <param name="text">The memory text.</param>
    /// <param name="self">The name "I" stands for (the speaker, else the user id), or <see langword="null"/>.</param>
    /// <returns>The distinct triples, in text order.</returns>
    internal static IReadOnlyList<(string Source, string Relationship, string Destination)> Extract(string text, string? self)
    {
        var result = new List<(string, string, string)>();
        foreach (var clause in ClauseSplit().Split(text))
        {
            var match = Triple().Match(clause.Trim());
            if (!match.Success)
            {
                continue;
            }

            var subject = match.Groups["subject"].Value.Trim();
            string? source = subject.ToUpperInvariant() switch
            {
                "I" or "I'VE" => self,
                "MY" => null,
                _ when char.IsUpper(subject[0]) && !NotASubject.Contains(subject.Split(' ')[0]) => subject,
                _ => null,
            };
            var objectWords = match.Groups["object"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .SkipWhile(Articles.Contains).TakeWhile(w => !ObjectStops.Contains(w)).Take(4).ToList();
            if (source is null || objectWords.Count == 0 || NotAnObject.Contains(objectWords[0]))
            {
                continue;
            }

            var verb = match.Groups["verb"].Value.Split(' ');
            verb[0] = ThirdPerson.GetValueOrDefault(verb[0], verb[0]);
            var triple = (Normalize(source), Normalize(string.Join(' ', verb)), Normalize(string.Join(' ', objectWords)));
            if (triple.Item1.Length > 0 && triple.Item3.Length > 0 && !result.Contains(triple))
            {
                result.Add(triple);
            }
        }

        return result;
    }

    /// <summary>Tells whether a relationship holds one destination at a time (a new one invalidates the old).</summary>
    /// <param name="relationship">The normalised relationship.</param>
    /// <returns><see langword="true"/> for an exclusive relationship.</returns>
    internal static bool IsExclusive(string relationship) => ExclusiveRelationships.Contains(relationship);

    /// <summary>Mem0g's entity name form: lower case, punctuation dropped, words joined by <c>_</c>.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The normalised name (empty when nothing is left).</returns>
    internal static string Normalize(string name) =>
        string.Join('_', NonWord().Replace(name.ToLowerInvariant(), " ").Split(' ', StringSplitOptions.RemoveEmptyEntries));

    [GeneratedRegex(@"[.!?;]+\s+|,\s+(?:and|but|so)\s+|\s+(?:and|but|because|so)\s+(?=I\b|[A-Z])", RegexOptions.CultureInvariant)]
    private static partial Regex ClauseSplit();

    [GeneratedRegex(
        @"^(?:(?:[A-Z][\w'-]*:)\s+)?(?<subject>I|I've|[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*){0,2})\s+(?:also\s+|really\s+|now\s+|still\s+)?(?<verb>lives? in|lived in|moved to|moved from|works? (?:at|for|as)|worked (?:at|for|as)|is married to|married|is dating|is engaged to|is from|am from|comes? from|was born in|grew up in|stud(?:y|ies|ied)|plays?|played|likes?|loves?|enjoys?|hates?|prefers?|owns?|has|have|visited|went to|speaks?|teach(?:es)?|adopted|bought|is friends with|knows?|met)\s+(?<object>[^.!?,;]+)",
        RegexOptions.CultureInvariant)]
    private static partial Regex Triple();

    [GeneratedRegex(@"[^\p{L}\p{Nd}]+", RegexOptions.CultureInvariant)]
    private static partial Regex NonWord();
}
