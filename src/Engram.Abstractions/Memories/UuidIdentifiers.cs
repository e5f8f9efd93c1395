using System.Diagnostics.CodeAnalysis;

namespace Engram;

/// <summary>
/// The one rule for identifiers that are UUIDs (memory, event and export ids) where a host reads them: every form that
/// <see cref="Guid.TryParse(string, out Guid)"/> reads — upper case, braces, parentheses, no dashes, surrounding spaces —
/// names the same id, which is stored and looked up in its canonical form (36 lower-case characters with dashes, as
/// <see cref="Guid.ToString()"/> writes the ids Engram creates); anything else is not an id.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public static class UuidIdentifiers
{
    /// <summary>Reads a UUID in any accepted form.</summary>
    /// <param name="value">The identifier as sent.</param>
    /// <param name="canonical">The canonical form, when <paramref name="value"/> is a UUID.</param>
    /// <returns><see langword="true"/> when <paramref name="value"/> is a UUID.</returns>
    public static bool TryNormalize(string? value, [NotNullWhen(true)] out string? canonical)
    {
        if (!string.IsNullOrWhiteSpace(value) && Guid.TryParse(value, out var uuid))
        {
            canonical = uuid.ToString("D");
            return true;
        }

        canonical = null;
        return false;
    }
}
