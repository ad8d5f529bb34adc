using System.Net;

namespace OrleansRecorder.Silo.Sdp;

/// <summary>A <c>c=</c> line (RFC 4566 §5.7): <c>IN IP4 10.0.0.1</c>.</summary>
internal sealed record SdpConnection(string NetworkType, string AddressType, string Address)
{
    /// <summary>Creates <c>IN IP4</c> or <c>IN IP6</c> according to the address family.</summary>
    public static SdpConnection FromAddress(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return new SdpConnection("IN", SdpFormatting.AddressType(address), SdpFormatting.Address(address));
    }

    /// <summary>The address as an <see cref="IPAddress"/>, without a multicast TTL/count suffix; null for a host name.</summary>
    public IPAddress? TryGetIPAddress()
    {
        var text = Address;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            text = text[..slash];
        }

        return IPAddress.TryParse(text, out var address) ? address : null;
    }
}
