using System.Collections.Frozen;

namespace Engram;

/// <summary>Small general-English word lists for conversational text: interjections, fillers, calendar names.</summary>
/// <remarks>
/// General English only (greetings, thanks, farewells, acknowledgements, generic evaluations); never words of a
/// particular corpus. Immutable and thread-safe.
/// </remarks>
internal static class ConversationLexicon
{
    /// <summary>
    /// Interjections, greetings and discourse markers: a capitalised one at sentence start is not a name, and a single
    /// one mid-sentence ("OK", "LOL") is not an entity either.
    /// </summary>
    internal static readonly FrozenSet<string> Interjections = FrozenSet.Create(StringComparer.Ordinal,
    [
        "hey", "hi", "hello", "heya", "howdy", "hiya", "yo", "bye", "goodbye", "thanks", "thank", "thx", "cheers",
        "welcome", "wow", "whoa", "oh", "ooh", "ah", "aw", "aww", "oops", "yay", "haha", "hahaha", "lol", "lmao", "omg",
        "hmm", "um", "uh", "ok", "okay", "alright", "yes", "yeah", "yep", "yup", "nope", "nah", "sure", "well", "also",
        "just", "great", "awesome", "cool", "nice", "good", "amazing", "wonderful", "congrats", "congratulations",
        "sorry", "please", "anyway", "anyways", "btw", "absolutely", "definitely", "totally", "exactly", "indeed",
        "really", "actually", "maybe", "perhaps", "honestly", "luckily", "unfortunately", "hopefully", "glad", "happy",
        "love", "agreed", "dear", "sounds", "looks", "guess", "right", "true", "yea",
    ]);

    /// <summary>
    /// Words that often open a sentence without being names: the interjections plus time adverbs
    /// ("Yesterday", "Last", "Now"). A capitalised one at sentence start never starts an entity.
    /// </summary>
    internal static readonly FrozenSet<string> SentenceStarters = FrozenSet.Create(StringComparer.Ordinal,
    [
        .. Interjections, "yesterday", "today", "tomorrow", "tonight", "last", "next", "now", "still", "even", "plus",
        "besides", "yet", "sometimes", "lately", "recently", "then", "later", "soon", "anyway",
    ]);

    /// <summary>
    /// Content-free conversational words: a sentence whose content words are all in this list (once stemmed) is
    /// filler ("Sounds great!", "Thanks, bye!", "Good to see you!", "Wow, that's awesome!").
    /// </summary>
    internal static readonly FrozenSet<string> FillerWords = FrozenSet.Create(StringComparer.Ordinal,
    [
        // Greetings, farewells, thanks
        "hi", "hello", "hey", "heya", "howdy", "hiya", "yo", "bye", "goodbye", "later", "soon", "thanks", "thank",
        "thankful", "thx", "welcome", "cheers", "care", "take", "catch", "ya", "talk", "chat", "see", "meet", "nice",
        "night", "morning", "evening", "day",

        // Interjections and acknowledgements
        "wow", "whoa", "oh", "ooh", "ah", "aw", "aww", "oops", "yay", "haha", "hahaha", "lol", "lmao", "omg", "hmm",
        "um", "uh", "ok", "okay", "alright", "yes", "yeah", "yea", "yep", "yup", "nope", "nah", "sure", "right", "true",
        "easy", "agree", "agreed", "exactly", "indeed", "totally", "absolutely", "definitely", "certainly", "really", "actually",
        "well", "also", "just", "anyway", "anyways", "btw", "please", "sorry", "congrats", "congratulations", "hope",
        "wish", "luck", "best", "bless", "let", "know", "mean", "guess", "think", "suppose", "feel", "hear", "glad",
        "happy", "proud", "appreciate", "appreciated", "help", "kind", "means", "lot", "much", "bit", "way",
        "thing", "things", "stuff", "anything", "something", "everything", "new", "going", "go", "get", "got", "keep",
        "stay", "safe", "enjoy", "fun", "time", "done", "like", "love", "want", "problem", "worries", "worry",
        "pleasure", "anytime", "buddy", "dude", "bro", "pal", "mate", "man", "friend", "sound", "sounds", "look",
        "looks", "seem", "seems", "cool", "awesome", "great", "good", "amazing", "wonderful", "fantastic", "incredible",
        "excellent", "lovely", "sweet", "neat", "perfect", "brilliant", "super", "pretty", "beautiful", "gorgeous",
        "impressive", "inspiring", "exciting", "interesting", "crazy", "wild", "tough", "hard", "sad", "bad", "glad",
        "huge", "big", "true", "real", "totally", "always", "never", "ever", "still", "even", "now", "yet", "again",
    ]);

    /// <summary>Weekday names, lower-case.</summary>
    internal static readonly FrozenSet<string> Weekdays = FrozenSet.Create(StringComparer.Ordinal,
        ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]);

    /// <summary>Unambiguous weekday abbreviations, lower-case ("Mon" and "Sun" are left out: they are also words or names).</summary>
    internal static readonly FrozenSet<string> WeekdayAbbreviations = FrozenSet.Create(StringComparer.Ordinal,
        ["tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat"]);

    /// <summary>Month names, lower-case (full names only: "Jan" or "Mar" may be names or words).</summary>
    internal static readonly FrozenSet<string> Months = FrozenSet.Create(StringComparer.Ordinal,
    [
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
        "december",
    ]);
}
