using System.Globalization;
using System.Text.RegularExpressions;

namespace Engram.Cli.Locomo;

/// <summary>LoCoMo dialogue ids (<c>D&lt;session&gt;:&lt;turn&gt;</c>): normalisation and evidence parsing.</summary>
internal static partial class DialogIds
{
    private static readonly char[] Separators = [';', ',', ' ', '\t', '\r', '\n'];

    /// <summary>Normalises a dialogue id by stripping the leading zeros of both numbers (<c>D30:05</c> becomes <c>D30:5</c>).</summary>
    /// <param name="token">The candidate token, already trimmed.</param>
    /// <param name="normalized">The normalised id.</param>
    /// <returns><see langword="true"/> when the whole token matches <c>D\d+:\d+</c>.</returns>
    public static bool TryNormalize(string? token, out string normalized)
    {
        normalized = string.Empty;
        if (token is null)
        {
            return false;
        }

        var match = DialogIdRegex().Match(token);
        if (!match.Success)
        {
            return false;
        }

        normalized = string.Create(
            CultureInfo.InvariantCulture,
            $"D{StripZeros(match.Groups[1].Value)}:{StripZeros(match.Groups[2].Value)}");
        return true;
    }

    /// <summary>
    /// Parses a question's evidence list: each entry is split on <c>;</c>, <c>,</c> and whitespace, tokens matching
    /// <c>D\d+:\d+</c> are kept (others such as <c>D</c> or <c>D:11:26</c> are dropped), normalised, and deduplicated in
    /// first-seen order. Ids of turns that do not exist are kept: they count in the denominator, as in the official
    /// definition.
    /// </summary>
    /// <param name="entries">The raw entries.</param>
    /// <returns>The normalised evidence ids; empty when none is valid (such questions are skipped).</returns>
    public static IReadOnlyList<string> ParseEvidence(IEnumerable<string?> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<string>();
        foreach (var entry in entries)
        {
            if (entry is null)
            {
                continue;
            }

            foreach (var token in entry.Split(Separators, StringSplitOptions.RemoveEmptyEntries))
            {
                if (TryNormalize(token, out var id) && seen.Add(id))
                {
                    result.Add(id);
                }
            }
        }

        return result;
    }

    private static string StripZeros(string digits)
    {
        var trimmed = digits.TrimStart('0');
        return trimmed.Length == 0 ? "0" : trimmed;
    }

    [GeneratedRegex(@"^D(\d+):(\d+)$", RegexOptions.CultureInvariant)]
    private static partial Regex DialogIdRegex();
}
