namespace Engram;

/// <summary>
/// Folds Latin letters with diacritics, ligatures and full-width forms to lower-case ASCII, with a fixed table.
/// </summary>
/// <remarks>
/// <para>
/// The table follows the spirit of Lucene's <c>ASCIIFoldingFilter</c> for Latin scripts (Latin-1 Supplement,
/// Latin Extended-A, the common Latin Extended-B letters, Vietnamese letters of Latin Extended Additional,
/// full-width ASCII and the <c>ff</c>/<c>fi</c>/<c>fl</c> ligatures). Combining marks (U+0300–U+036F) and
/// invisible characters (soft hyphen, zero-width joiners, BOM) are removed, so decomposed input folds the same as
/// precomposed input.
/// </para>
/// <para>
/// <see cref="string.Normalize()"/> is deliberately not used: it is a no-op under <c>InvariantGlobalization</c>
/// (the project's setting) and depends on the host's ICU otherwise, which would make stored tokens and hashed
/// vectors depend on the machine. This table gives the same tokens everywhere. Immutable and thread-safe.
/// </para>
/// </remarks>
internal static class TextFolding
{
    /// <summary>Replacement meaning "drop the character" (a combining mark or an invisible character).</summary>
    internal const string Removed = "";

    // Latin-1 Supplement U+00C0..U+00FF; '\0' = not a letter (× and ÷); multi-letter entries are handled in code.
    private const string Latin1 = "aaaaaa\u0001ceeeeiiii" + "dnooooo\0ouuuuy\u0002\u0003" + "aaaaaa\u0001ceeeeiiii" + "dnooooo\0ouuuuy\u0002y";

    // Latin Extended-A U+0100..U+017F; \u0004 = ij, \u0005 = oe.
    private const string LatinExtendedA =
        "aaaaaaccccccccdd" + "ddeeeeeeeeeegggg" + "gggghhhhiiiiiiii" + "ii\u0004\u0004jjkkklllllll" +
        "lllnnnnnnnnnoooo" + "oo\u0005\u0005rrrrrrssssss" + "ssttttttuuuuuuuu" + "uuuuwwyyyzzzzzzs";

    private static readonly string[] SingleLetters = CreateSingleLetters();

    /// <summary>Gets a value indicating whether <paramref name="c"/> is an apostrophe (straight or typographic).</summary>
    /// <param name="c">The character.</param>
    /// <returns><see langword="true"/> for U+0027, U+2019, U+2018, U+02BC, U+2032 and U+FF07.</returns>
    internal static bool IsApostrophe(char c) => c is '\'' or '\u2019' or '\u2018' or '\u02BC' or '\u2032' or '\uFF07';

    /// <summary>Folds one non-ASCII character.</summary>
    /// <param name="c">A character ≥ U+0080.</param>
    /// <returns>
    /// The lower-case ASCII replacement (one to three letters or a digit), <see cref="Removed"/> when the character
    /// must be dropped without breaking the word, or <see langword="null"/> when it has no ASCII folding.
    /// </returns>
    internal static string? FoldNonAscii(char c)
    {
        if (c >= '\u00C0' && c <= '\u00FF')
        {
            return FromCode(Latin1[c - '\u00C0']);
        }

        if (c >= '\u0100' && c <= '\u017F')
        {
            return FromCode(LatinExtendedA[c - '\u0100']);
        }

        if (c >= '\u0300' && c <= '\u036F')
        {
            return Removed;
        }

        if (c >= '\u1EA0' && c <= '\u1EF9')
        {
            // Vietnamese letters with stacked diacritics, in Unicode order.
            return c switch
            {
                < '\u1EB8' => Letter('a'),
                < '\u1EC8' => Letter('e'),
                < '\u1ECC' => Letter('i'),
                < '\u1EE4' => Letter('o'),
                < '\u1EF2' => Letter('u'),
                _ => Letter('y'),
            };
        }

        if (c >= '\uFF10' && c <= '\uFF19')
        {
            return Letter((char)('0' + (c - '\uFF10')));
        }

        if (c >= '\uFF21' && c <= '\uFF3A')
        {
            return Letter((char)('a' + (c - '\uFF21')));
        }

        if (c >= '\uFF41' && c <= '\uFF5A')
        {
            return Letter((char)('a' + (c - '\uFF41')));
        }

        return c switch
        {
            '\u00AD' or '\u200B' or '\u200C' or '\u200D' or '\u2060' or '\uFEFF' => Removed,
            '\u0180' or '\u0181' or '\u0182' or '\u0183' => Letter('b'),
            '\u0187' or '\u0188' => Letter('c'),
            '\u0189' or '\u018A' or '\u018B' or '\u018C' => Letter('d'),
            '\u0191' or '\u0192' => Letter('f'),
            '\u0197' => Letter('i'),
            '\u0198' or '\u0199' => Letter('k'),
            '\u019A' => Letter('l'),
            '\u019D' or '\u019E' => Letter('n'),
            '\u019F' or '\u01A0' or '\u01A1' => Letter('o'),
            '\u01A4' or '\u01A5' => Letter('p'),
            '\u01AB' or '\u01AC' or '\u01AD' or '\u01AE' => Letter('t'),
            '\u01AF' or '\u01B0' => Letter('u'),
            '\u01B3' or '\u01B4' => Letter('y'),
            '\u01B5' or '\u01B6' => Letter('z'),
            '\u01CD' or '\u01CE' => Letter('a'),
            '\u01CF' or '\u01D0' => Letter('i'),
            '\u01D1' or '\u01D2' => Letter('o'),
            >= '\u01D3' and <= '\u01DC' => Letter('u'),
            '\u0218' or '\u0219' => Letter('s'),
            '\u021A' or '\u021B' => Letter('t'),
            '\u0259' or '\u018F' => Letter('e'),
            '\uFB00' => "ff",
            '\uFB01' => "fi",
            '\uFB02' => "fl",
            '\uFB03' => "ffi",
            '\uFB04' => "ffl",
            '\uFB05' or '\uFB06' => "st",
            _ => null,
        };
    }

    /// <summary>Lower-cases an ASCII character (A–Z only); other characters are returned unchanged.</summary>
    /// <param name="c">The character.</param>
    /// <returns>The lower-case character.</returns>
    internal static char ToLowerAscii(char c) => c is >= 'A' and <= 'Z' ? (char)(c | 0x20) : c;

    private static string? FromCode(char code) => code switch
    {
        '\0' => null,
        '\u0001' => "ae",
        '\u0002' => "th",
        '\u0003' => "ss",
        '\u0004' => "ij",
        '\u0005' => "oe",
        _ => Letter(code),
    };

    private static string Letter(char c) => SingleLetters[c];

    private static string[] CreateSingleLetters()
    {
        var letters = new string[128];
        for (var i = 0; i < letters.Length; i++)
        {
            letters[i] = ((char)i).ToString();
        }

        return letters;
    }
}
