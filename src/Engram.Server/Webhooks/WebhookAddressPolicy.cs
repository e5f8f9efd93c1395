using System.Net;
using System.Net.Sockets;

namespace Engram.Server;

/// <summary>
/// Keeps webhooks off the server's own networks (server-side request forgery): a webhook URL must be http or https,
/// and its host may not be, or resolve to, a loopback, private (RFC 1918, RFC 4193 <c>fc00::/7</c>, site-local
/// <c>fec0::/10</c>), link-local (<c>169.254.0.0/16</c> with the cloud metadata address, <c>fe80::/10</c>), CGNAT
/// (<c>100.64.0.0/10</c>), multicast, broadcast/reserved (<c>240.0.0.0/4</c>) or unspecified (<c>0.0.0.0/8</c>,
/// <c>::</c>) address, including the IPv4-mapped, IPv4-compatible, NAT64 (<c>64:ff9b::/96</c>) and 6to4
/// (<c>2002::/16</c>) IPv6 forms of those, unless
/// <see cref="WebhookOptions.AllowPrivateNetworks"/> is on. Checked when a webhook is created or changed, and again
/// at delivery against the address actually connected to (<see cref="ConnectAsync"/>), so that a name that resolves
/// elsewhere later (DNS rebinding) is refused too.
/// </summary>
/// <remarks>Stateless and thread-safe. Address ranges: IANA special-purpose registries (RFC 6890) and RFC 6598 (CGNAT).</remarks>
internal static class WebhookAddressPolicy
{
    private static readonly byte[] Nat64Prefix = [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0];

    /// <summary>Tells why an address may not receive webhooks.</summary>
    /// <param name="address">The address.</param>
    /// <returns>The class of the address ("loopback", "private", …), or <see langword="null"/> when it is allowed.</returns>
    public static string? Refusal(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            return Refusal(address.MapToIPv4());
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> b = stackalloc byte[4];
            address.TryWriteBytes(b, out _);
            return b[0] switch
            {
                0 => "unspecified",
                127 => "loopback",
                10 => "private",
                172 when b[1] is >= 16 and <= 31 => "private",
                192 when b[1] == 168 => "private",
                169 when b[1] == 254 => "link-local",
                100 when b[1] is >= 64 and <= 127 => "carrier-grade NAT",
                >= 224 and <= 239 => "multicast",
                >= 240 => "reserved",
                _ => null,
            };
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return "not an IP address";
        }

        if (address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.IPv6None))
        {
            return "unspecified";
        }

        if (IPAddress.IsLoopback(address))
        {
            return "loopback";
        }

        Span<byte> v6 = stackalloc byte[16];
        address.TryWriteBytes(v6, out _);

        // IPv4-compatible (::a.b.c.d, deprecated) and NAT64 (64:ff9b::a.b.c.d, RFC 6052; a NAT64 gateway forwards it to
        // the IPv4 address): judged by the IPv4 part.
        if (v6[..12].IndexOfAnyExcept((byte)0) < 0 || v6[..12].SequenceEqual(Nat64Prefix))
        {
            return Refusal(new IPAddress(v6[12..]));
        }

        // 6to4 (2002:a.b.c.d::/48, RFC 3056) embeds the IPv4 address of its relay end: judged by it.
        if (v6[0] == 0x20 && v6[1] == 0x02 && Refusal(new IPAddress(v6[2..6])) is { } embedded)
        {
            return embedded;
        }

        return v6[0] switch
        {
            0xff => "multicast",
            >= 0xfc and <= 0xfd => "private",
            0xfe when (v6[1] & 0xc0) == 0x80 => "link-local",
            0xfe when (v6[1] & 0xc0) == 0xc0 => "private",
            _ => null,
        };
    }

    /// <summary>
    /// Checks a webhook URL when it is created or changed: http or https, and a host that is not a refused address, not
    /// <c>localhost</c>, and does not resolve to a refused address. A name that does not resolve now is accepted (it is
    /// checked again at delivery).
    /// </summary>
    /// <param name="url">The URL as given.</param>
    /// <param name="allowPrivateNetworks">Whether private, loopback and link-local addresses are allowed.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The URL in canonical form.</returns>
    /// <exception cref="MemoryValidationException">The URL is refused (answered as 400).</exception>
    public static async Task<string> ValidateAsync(string url, bool allowPrivateNetworks, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new MemoryValidationException("url must be an absolute http or https URL.", "url");
        }

        if (allowPrivateNetworks)
        {
            return uri.AbsoluteUri;
        }

        var host = uri.IdnHost.TrimEnd('.');
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
        {
            throw Refused("loopback");
        }

        IPAddress[] addresses;
        if (IPAddress.TryParse(host, out var literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException)
            {
                return uri.AbsoluteUri;
            }
        }

        foreach (var address in addresses)
        {
            if (Refusal(address) is { } reason)
            {
                throw Refused(reason);
            }
        }

        return uri.AbsoluteUri;
    }

    /// <summary>
    /// <see cref="SocketsHttpHandler.ConnectCallback"/> of webhook deliveries: resolves the host, refuses the
    /// connection when any address is refused, else connects to the first address that answers.
    /// </summary>
    /// <param name="context">The connection context.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The connected stream.</returns>
    /// <exception cref="WebhookAddressRefusedException">The host is, or resolves to, a refused address.</exception>
    public static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var endPoint = context.DnsEndPoint;
        var addresses = IPAddress.TryParse(endPoint.Host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(endPoint.Host, cancellationToken).ConfigureAwait(false);
        foreach (var address in addresses)
        {
            if (Refusal(address) is { } reason)
            {
                throw new WebhookAddressRefusedException($"refused: the webhook host resolves to a {reason} address ({address}); set Engram:Webhooks:AllowPrivateNetworks to allow it.");
            }
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, endPoint.Port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static MemoryValidationException Refused(string reason) =>
        new($"url may not point to a {reason} address; webhooks go to public hosts unless Engram:Webhooks:AllowPrivateNetworks is true.", "url");
}
