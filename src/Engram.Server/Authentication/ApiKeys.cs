using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Engram.Server;

/// <summary>
/// The format of Engram API keys: <c>m0-</c> followed by 40 URL-safe characters from 240 random bits
/// (<see cref="RandomNumberGenerator"/>), the prefix Mem0 clients and tools expect. Keys are stored only as SHA-256 hashes
/// with their first <see cref="LookupPrefixLength"/> characters, which are not secret, to find candidates by.
/// </summary>
public static class ApiKeys
{
    /// <summary>The prefix of every generated key.</summary>
    public const string Prefix = "m0-";

    /// <summary>How many leading characters of a key are stored in clear for look-up and display.</summary>
    public const int LookupPrefixLength = 11;

    /// <summary>The shortest key accepted (Mem0 tools refuse keys shorter than 10 characters).</summary>
    public const int MinimumLength = 10;

    /// <summary>The longest key accepted.</summary>
    public const int MaximumLength = 256;

    /// <summary>Generates a new random key.</summary>
    /// <returns>A key such as <c>m0-3q2…</c>, 43 characters long.</returns>
    public static string Generate() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(30));

    /// <summary>Hashes a key for storage and comparison.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The SHA-256 hash of its UTF-8 bytes.</returns>
    public static byte[] Hash(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return SHA256.HashData(Encoding.UTF8.GetBytes(key));
    }

    /// <summary>Gets the stored look-up prefix of a key.</summary>
    /// <param name="key">The key.</param>
    /// <returns>Its first <see cref="LookupPrefixLength"/> characters.</returns>
    public static string LookupPrefix(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.Length <= LookupPrefixLength ? key : key[..LookupPrefixLength];
    }

    /// <summary>Checks a key's shape: 10 to 256 visible ASCII characters.</summary>
    /// <param name="key">The candidate.</param>
    /// <returns><see langword="true"/> when it may be a key.</returns>
    public static bool IsWellFormed(string? key)
    {
        if (key is null || key.Length is < MinimumLength or > MaximumLength)
        {
            return false;
        }

        foreach (var c in key)
        {
            if (c is <= ' ' or > '~')
            {
                return false;
            }
        }

        return true;
    }
}
