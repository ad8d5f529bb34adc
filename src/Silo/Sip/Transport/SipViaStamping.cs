using System.Globalization;
using System.Net;
using OrleansRecorder.Silo.Sip.Messages;

namespace OrleansRecorder.Silo.Sip.Transport;

/// <summary>Server-side Via processing of an incoming request (RFC 3261 §18.2.1, RFC 3581 §4).</summary>
internal static class SipViaStamping
{
    /// <summary>
    /// Adds <c>received</c> to the top Via when the sent-by host differs from the packet source (RFC 3261 §18.2.1), and
    /// fills <c>rport</c> (plus <c>received</c>, always) when the client asked for it (RFC 3581 §4). Responses built
    /// with <see cref="SipResponse.CreateFor(SipRequest, int, string?)"/> then carry the stamped Via.
    /// </summary>
    /// <returns>The stamped top Via.</returns>
    public static ViaHeader Stamp(SipHeaders headers, IPEndPoint source)
    {
        // The parser already parsed the top line (its typed view), so reading it here costs nothing more.
        var topLine = headers.TypedAt(headers.IndexOf(SipHeaderNames.Via, 0), ViaHeader.ParseLine);
        var top = topLine[0];
        var sourceAddress = source.Address.IsIPv4MappedToIPv6 ? source.Address.MapToIPv4() : source.Address;
        var sourceText = sourceAddress.ToString();
        var stamped = top;
        if (top.HasRport)
        {
            stamped = stamped.WithParameter("received", sourceText)
                .WithParameter("rport", source.Port.ToString(CultureInfo.InvariantCulture));
        }
        else if (!HostEquals(top.Host, sourceAddress))
        {
            stamped = stamped.WithParameter("received", sourceText);
        }

        if (!ReferenceEquals(stamped, top))
        {
            ViaHeader[] restamped = [stamped, .. topLine.AsSpan(1)];
            headers.ReplaceFirst(SipHeaderNames.Via, string.Join(", ", restamped));
        }

        return stamped;
    }

    /// <summary>RFC 3261 §18.2.2 with RFC 3581 §4: source address; source port if rport, else sent-by port or 5060.</summary>
    public static IPEndPoint ResponseDestination(ViaHeader stampedTopVia, IPEndPoint source)
    {
        var port = stampedTopVia.HasRport ? source.Port : stampedTopVia.Port ?? 5060;
        return new IPEndPoint(source.Address, port);
    }

    private static bool HostEquals(string host, IPAddress source)
    {
        var trimmed = host.StartsWith('[') ? host[1..^1] : host;
        return IPAddress.TryParse(trimmed, out var address) && address.Equals(source);
    }
}
