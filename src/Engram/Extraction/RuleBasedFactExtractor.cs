using System.Collections.Frozen;
using System.Text;

namespace Engram;

/// <summary>
/// The offline fact extractor: sentence-level rules that keep self-contained statements (first person rewritten
/// into the speaker's name, relative dates made absolute) and drop greetings and filler. No model, no network.
/// </summary>
/// <remarks>
/// <para>For each message, in order (system, tool, function and developer messages are skipped):</para>
/// <list type="number">
/// <item><description>
/// The content is split into sentences (<c>.</c> <c>!</c> <c>?</c> and line breaks; abbreviations kept).
/// Leading discourse markers and greetings followed by a comma are removed (<c>Yeah, I painted…</c> →
/// <c>I painted…</c>; <c>Well, …</c>; <c>By the way, …</c>), as is a trailing vocative (<c>…, Caroline!</c>) naming
/// a known speaker or a nickname that starts a known speaker's name (<c>Mel</c> for <c>Melanie</c>). Known speakers
/// are the names on the request's messages, its recent messages and its existing memories.
/// </description></item>
/// <item><description>
/// A sentence is <b>filler</b> and dropped when, after removing known speakers' names, its analysed content words
/// (<see cref="TextAnalyzer.Analyze"/>) are none, or all in a small general-English lexicon of greetings, thanks,
/// farewells, acknowledgements and generic evaluations ("Sounds great!", "Thanks, bye!", "Wow, that's awesome!",
/// pure emoji); or when it is short (≤ 6 tokens), contains an interjection, and its only other content is
/// capitalised words (a vocative: "Hey Mel!").
/// </description></item>
/// <item><description>
/// A <b>question</b> is kept only when it mentions an entity (a capitalised name or quoted title, per
/// <see cref="EntityExtractor"/>, other than a known speaker): "Is your dog Max still sick?" is kept, "What kinda jobs
/// are you thinking of?" is dropped. A kept question is its own fact, prefixed <c>Speaker asked:</c>.
/// </description></item>
/// <item><description>
/// First-person singular references are rewritten into the speaker's name with verb agreement ("I love hiking" →
/// "Caroline loves hiking"; "my" → "Caroline's"); the speaker is the message's name, else <c>User</c> or
/// <c>Assistant</c> by role (Mem0's convention). "we", "our" and "you" stay.
/// </description></item>
/// <item><description>
/// Consecutive kept statements of one message are grouped while the group stays within 60 words, so short dependent
/// sentences ("It's special to me.") travel with the sentence they depend on (Mem0 asks for 1–3 sentences of 15–80
/// words); a sentence that alone exceeds the limit is kept whole. A group that does not mention the speaker is
/// prefixed <c>Speaker said:</c>, so every fact names who it is about or who said it.
/// </description></item>
/// <item><description>
/// Relative dates are resolved with <see cref="TemporalResolver"/> against
/// <see cref="FactExtractionRequest.ObservationDate"/> ("yesterday" → "yesterday (7 May 2023)").
/// </description></item>
/// </list>
/// <para>
/// Each fact has <see cref="ExtractedFact.SourceMessageIds"/> = the message id, <see cref="ExtractedFact.ActorId"/> =
/// the message's name, and <see cref="ExtractedFact.AttributedTo"/> = <c>assistant</c> for the assistant role and
/// <c>user</c> otherwise. No fact is empty; a message with only filler yields none. Existing memories are not linked
/// (<see cref="ExtractedFact.LinkedMemoryIds"/> stays empty) and custom instructions are ignored. Deterministic,
/// synchronous, stateless and thread-safe.
/// </para>
/// </remarks>
public sealed class RuleBasedFactExtractor : IFactExtractor
{
    /// <summary>The largest number of words in a group of sentences merged into one fact.</summary>
    internal const int MaxGroupWords = 60;

    private const int ShortSentenceTokens = 6;
    private const int MaxLeadingWords = 4;

    private static readonly FrozenSet<string> SkippedRoles = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
        [MemoryRoles.System, "tool", "function", "developer"]);

    private static readonly FrozenSet<string> LeadingDiscourse = FrozenSet.Create(StringComparer.Ordinal,
        [.. ConversationLexicon.Interjections, "so", "and", "but", "by", "the", "way", "oh", "man", "dude", "buddy"]);

    private readonly TextAnalyzer _analyzer;
    private readonly TemporalResolver _temporal;
    private readonly FrozenSet<string> _fillerStems;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="analyzer">The analyzer for filler detection; <see langword="null"/> uses <see cref="TextAnalyzer.Default"/>.</param>
    /// <param name="temporal">The date resolver; <see langword="null"/> uses <see cref="TemporalResolver.Default"/>.</param>
    public RuleBasedFactExtractor(TextAnalyzer? analyzer = null, TemporalResolver? temporal = null)
    {
        _analyzer = analyzer ?? TextAnalyzer.Default;
        _temporal = temporal ?? TemporalResolver.Default;
        _fillerStems = ConversationLexicon.FillerWords.Select(_analyzer.Stem).ToFrozenSet(StringComparer.Ordinal);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    /// <exception cref="MemoryExtractionException">The request asks for a procedural memory, which needs a language model.</exception>
    public Task<FactExtractionResult> ExtractAsync(FactExtractionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        if (request.Procedural)
        {
            throw new MemoryExtractionException("Procedural memories are summaries written by a language model; configure Engram:Llm to use memory_type=procedural_memory.");
        }

        return Task.FromResult(new FactExtractionResult { Facts = Extract(request, cancellationToken) });
    }

    /// <summary>Extracts facts synchronously (the work behind <see cref="ExtractAsync"/>).</summary>
    /// <param name="request">The messages and their context.</param>
    /// <param name="cancellationToken">A token checked between messages.</param>
    /// <returns>The facts in message order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public IReadOnlyList<ExtractedFact> Extract(FactExtractionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var knownNames = KnownNames(request);
        var facts = new List<ExtractedFact>();
        foreach (var message in request.Messages)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (message is null || string.IsNullOrWhiteSpace(message.Content) || SkippedRoles.Contains(message.Role ?? string.Empty))
            {
                continue;
            }

            ExtractMessage(message, knownNames, request.ObservationDate, facts);
        }

        if (request.ExistingMemories.Count == 0)
        {
            return facts;
        }

        return facts.Select(f => AttributeSupersession.Find(f.Text, request.ExistingMemories) is { Count: > 0 } replaced
            ? f with { SupersededMemoryIds = replaced }
            : f).ToList();
    }

    private static List<string> KnownNames(FactExtractionRequest request)
    {
        var names = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        void Add(string? name)
        {
            var trimmed = name?.Trim();
            if (!string.IsNullOrEmpty(trimmed) && seen.Add(trimmed))
            {
                names.Add(trimmed);
            }
        }

        foreach (var message in request.Messages)
        {
            Add(message?.Name);
        }

        foreach (var message in request.RecentMessages)
        {
            Add(message?.Name);
        }

        foreach (var memory in request.ExistingMemories)
        {
            Add(memory?.ActorId);
        }

        return names;
    }

    private void ExtractMessage(StoredMessage message, List<string> knownNames, DateTimeOffset observedAt, List<ExtractedFact> facts)
    {
        var isAssistant = string.Equals(message.Role, MemoryRoles.Assistant, StringComparison.OrdinalIgnoreCase);
        var name = string.IsNullOrWhiteSpace(message.Name) ? null : message.Name.Trim();
        var speaker = name ?? (isAssistant ? "Assistant" : "User");
        var attributedTo = isAssistant ? MemoryRoles.Assistant : MemoryRoles.User;

        var group = new List<string>();
        var groupWords = 0;
        void Flush()
        {
            if (group.Count > 0)
            {
                AddFact(string.Join(' ', group), prefixVerb: "said");
                group.Clear();
                groupWords = 0;
            }
        }

        void AddFact(string text, string prefixVerb)
        {
            if (!MentionsName(text, speaker))
            {
                text = $"{speaker} {prefixVerb}: {text}";
            }

            text = _temporal.Resolve(text, observedAt).Text.Trim();
            if (text.Length > 0)
            {
                facts.Add(new ExtractedFact
                {
                    Text = text,
                    SourceMessageIds = [message.Id],
                    ActorId = name,
                    AttributedTo = attributedTo,
                });
            }
        }

        foreach (var raw in SentenceSplitter.Split(message.Content))
        {
            var sentence = StripTrailingVocative(StripLeadingDiscourse(raw, knownNames), knownNames);
            if (sentence.Length == 0 || IsFiller(sentence, knownNames))
            {
                continue;
            }

            var isQuestion = sentence.EndsWith('?') || sentence.EndsWith("?\"", StringComparison.Ordinal);
            if (isQuestion && !MentionsEntity(sentence, knownNames))
            {
                continue;
            }

            var rewritten = Capitalize(FirstPersonRewriter.Rewrite(sentence, speaker));
            if (isQuestion)
            {
                Flush();
                AddFact(rewritten, prefixVerb: "asked");
                continue;
            }

            var words = CountWords(rewritten);
            if (group.Count > 0 && groupWords + words > MaxGroupWords)
            {
                Flush();
            }

            group.Add(rewritten);
            groupWords += words;
        }

        Flush();
    }

    private bool IsFiller(string sentence, List<string> knownNames)
    {
        var tokens = _analyzer.Tokenize(sentence);
        var nameTokens = NameTokens(sentence, knownNames);
        var capitalised = CapitalisedTokens(sentence);
        var hasInterjection = false;
        var hasContent = false;
        var onlyCapitalisedContent = true;
        foreach (var token in tokens)
        {
            if (ConversationLexicon.Interjections.Contains(token))
            {
                hasInterjection = true;
            }

            if (_analyzer.IsStopWord(token) || nameTokens.Contains(token))
            {
                continue;
            }

            var stem = _analyzer.Stem(token);
            if (_fillerStems.Contains(stem) || _fillerStems.Contains(token))
            {
                continue;
            }

            hasContent = true;
            if (!capitalised.Contains(token))
            {
                onlyCapitalisedContent = false;
            }
        }

        if (!hasContent)
        {
            return true;
        }

        return hasInterjection && onlyCapitalisedContent && tokens.Count <= ShortSentenceTokens;
    }

    private static bool MentionsEntity(string sentence, List<string> knownNames)
    {
        var speakerKeys = knownNames.Select(EntityExtractor.Normalize).ToHashSet(StringComparer.Ordinal);
        foreach (var mention in EntityExtractor.Default.Extract(sentence))
        {
            if (!speakerKeys.Contains(mention.Key) && !IsNickname(mention.Name, knownNames))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Gets the lower-case tokens of known names (and nicknames of them) that occur in the sentence.</summary>
    private static HashSet<string> NameTokens(string sentence, List<string> knownNames)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in knownNames)
        {
            foreach (var token in TextAnalyzer.Default.Tokenize(name))
            {
                result.Add(token);
            }
        }

        foreach (var word in CapitalisedWords(sentence))
        {
            if (IsNickname(word, knownNames))
            {
                foreach (var token in TextAnalyzer.Default.Tokenize(word))
                {
                    result.Add(token);
                }
            }
        }

        return result;
    }

    private static HashSet<string> CapitalisedTokens(string sentence)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        foreach (var word in CapitalisedWords(sentence))
        {
            foreach (var token in TextAnalyzer.Default.Tokenize(word))
            {
                result.Add(token);
            }
        }

        return result;
    }

    private static IEnumerable<string> CapitalisedWords(string sentence)
    {
        var i = 0;
        while (i < sentence.Length)
        {
            if (!char.IsLetter(sentence[i]))
            {
                i++;
                continue;
            }

            var start = i;
            while (i < sentence.Length && char.IsLetterOrDigit(sentence[i]))
            {
                i++;
            }

            if (char.IsUpper(sentence[start]) && i - start > 1)
            {
                yield return sentence[start..i];
            }
        }
    }

    /// <summary>Gets a value indicating whether a capitalised word is a known name or the start of one (<c>Mel</c> for <c>Melanie</c>).</summary>
    private static bool IsNickname(string word, List<string> knownNames)
    {
        var candidate = EntityExtractor.Normalize(word);
        if (candidate.Length < 3 || word.Length == 0 || !char.IsUpper(word[0]))
        {
            return false;
        }

        foreach (var name in knownNames)
        {
            var key = EntityExtractor.Normalize(name);
            if (key.StartsWith(candidate, StringComparison.Ordinal) &&
                (key.Length == candidate.Length || char.IsLetter(key[candidate.Length])))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Removes leading greetings and discourse markers that end with a comma ("Oh yeah, …", "Thanks Mel, …").</summary>
    private static string StripLeadingDiscourse(string sentence, List<string> knownNames)
    {
        var current = sentence;
        while (true)
        {
            var comma = current.IndexOf(',', StringComparison.Ordinal);
            if (comma <= 0)
            {
                return current;
            }

            var head = current[..comma].Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (head.Length == 0 || head.Length > MaxLeadingWords)
            {
                return current;
            }

            // Discourse words, known names, and capitalised words addressed after a greeting ("Hey Gina,").
            var hasDiscourse = false;
            foreach (var word in head)
            {
                var lower = word.ToLowerInvariant();
                if (LeadingDiscourse.Contains(lower))
                {
                    hasDiscourse = true;
                }
                else if (!IsNickname(word, knownNames) && !(word.Length > 1 && char.IsUpper(word[0]) && word[1..].All(char.IsLower)))
                {
                    return current;
                }
            }

            if (!hasDiscourse && !head.All(word => IsNickname(word, knownNames)))
            {
                return current;
            }

            var rest = current[(comma + 1)..].TrimStart();
            if (rest.Length == 0 || !rest.Any(char.IsLetterOrDigit))
            {
                return current;
            }

            current = rest;
        }
    }

    /// <summary>Removes a trailing vocative naming a known speaker: "That's great, Caroline!" → "That's great!".</summary>
    private static string StripTrailingVocative(string sentence, List<string> knownNames)
    {
        var end = sentence.Length;
        while (end > 0 && sentence[end - 1] is '!' or '.' or '?' or ' ')
        {
            end--;
        }

        var comma = sentence.LastIndexOf(',', Math.Max(0, end - 1));
        if (comma <= 0 || end <= comma + 1)
        {
            return sentence;
        }

        var tail = sentence[(comma + 1)..end].Trim();
        if (tail.Length == 0 || tail.Contains(' ', StringComparison.Ordinal) || !IsNickname(tail, knownNames))
        {
            return sentence;
        }

        return string.Concat(sentence.AsSpan(0, comma).TrimEnd(), sentence.AsSpan(end));
    }

    private static bool MentionsName(string text, string name)
    {
        var from = 0;
        while (from < text.Length)
        {
            var index = text.IndexOf(name, from, StringComparison.OrdinalIgnoreCase);
            if (index < 0)
            {
                return false;
            }

            var end = index + name.Length;
            if ((index == 0 || !char.IsLetterOrDigit(text[index - 1])) && (end >= text.Length || !char.IsLetterOrDigit(text[end])))
            {
                return true;
            }

            from = index + 1;
        }

        return false;
    }

    private static string Capitalize(string sentence)
    {
        if (sentence.Length == 0 || !char.IsLower(sentence[0]))
        {
            return sentence;
        }

        var builder = new StringBuilder(sentence);
        builder[0] = char.ToUpperInvariant(sentence[0]);
        return builder.ToString();
    }

    private static int CountWords(string text)
    {
        var count = 0;
        var inWord = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                inWord = false;
            }
            else if (!inWord)
            {
                inWord = true;
                count++;
            }
        }

        return count;
    }
}
