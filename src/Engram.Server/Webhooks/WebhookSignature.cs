using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Engram.Server;

/// <summary>
/// The signature of webhook deliveries: header <c>X-Engram-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex&gt;</c>, where
/// <c>hex</c> is the lowercase hex HMAC-SHA256 of the UTF-8 string <c>"&lt;t&gt;.&lt;raw body&gt;"</c> keyed with the UTF-8
/// bytes of the webhook's secret (the scheme Stripe uses; RFC 2104 HMAC).
/// </summary>
/// <remarks>
/// To verify: split the header on <c>,</c>, read <c>t</c> and <c>v1</c>, recompute the HMAC over <c>t + "." + body</c>
/// (the body exactly as received), compare in constant time, and reject timestamps older than a tolerance (for example
/// five minutes) to stop replays. Thread-safe (stateless).
/// </remarks>
public static class WebhookSignature
{
    /// <summary>The header carrying the signature.</summary>
    public const string HeaderName = "X-Engram-Signature";

    /// <summary>Computes the header value.</summary>
    /// <param name="secret">The webhook secret.</param>
    /// <param name="timestamp">The signing time.</param>
    /// <param name="body">The raw request body.</param>
    /// <returns><c>t=&lt;unix seconds&gt;,v1=&lt;hex&gt;</c>.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static string Compute(string secret, DateTimeOffset timestamp, string body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(body);
        var t = timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"t={t},v1={Hex(secret, t, body)}";
    }

    /// <summary>Verifies a header value against a body.</summary>
    /// <param name="secret">The webhook secret.</param>
    /// <param name="header">The received header value.</param>
    /// <param name="body">The raw received body.</param>
    /// <param name="now">The current time.</param>
    /// <param name="tolerance">The largest accepted age (and clock skew) of the timestamp.</param>
    /// <returns><see langword="true"/> when the signature matches and the timestamp is within the tolerance.</returns>
    public static bool Verify(string secret, string? header, string body, DateTimeOffset now, TimeSpan tolerance)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(body);
        if (string.IsNullOrEmpty(header))
        {
            return false;
        }

        string? t = null;
        string? v1 = null;
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries))
        {
            if (part.StartsWith("t=", StringComparison.Ordinal))
            {
                t = part[2..];
            }
            else if (part.StartsWith("v1=", StringComparison.Ordinal))
            {
                v1 = part[3..];
            }
        }

        if (t is null || v1 is null || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return false;
        }

        var age = now - DateTimeOffset.FromUnixTimeSeconds(seconds);
        if (age.Duration() > tolerance)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hex(secret, t, body)), Encoding.ASCII.GetBytes(v1));
    }

    private static string Hex(string secret, string t, string body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(t + "." + body)));
}
