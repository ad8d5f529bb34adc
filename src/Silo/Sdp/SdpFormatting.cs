using System.Net;
using System.Net.Sockets;

namespace OrleansRecorder.Silo.Sdp;

/// <summary>Small text helpers shared by the SDP model and the offer/answer code.</summary>
internal static class SdpFormatting
{
    public static string AddressType(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 && !address.IsIPv4MappedToIPv6 ? "IP6" : "IP4";

    /// <summary>The address as SDP text: IPv4-mapped addresses as IPv4, no IPv6 scope id (it has no meaning to the peer).</summary>
    public static string Address(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        var text = address.ToString();
        var percent = text.IndexOf('%', StringComparison.Ordinal);
        return percent >= 0 ? text[..percent] : text;
    }
}
