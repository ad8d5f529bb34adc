using System.Net;

namespace OrleansRecorder.Silo.Calls;

/// <summary>The CIDR blocks allowed to send INVITE (the CUCM nodes).</summary>
internal sealed class TrustedPeers
{
    private readonly IPNetwork[] _networks;

    public TrustedPeers(IEnumerable<string> cidrs)
    {
        ArgumentNullException.ThrowIfNull(cidrs);
        _networks = [.. cidrs.Select(c => ParseNetwork(c, "Recorder:Sip:TrustedPeers"))];
    }

    /// <summary>Loopback only: the embedded default, where CUCM is a sipp on the same machine.</summary>
    public static IReadOnlyList<string> Defaults { get; } = ["127.0.0.0/8", "::1/128"];

    public bool Contains(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        foreach (var network in _networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A CIDR block, or a bare address for that one host; <paramref name="setting"/> names it in the error.</summary>
    internal static IPNetwork ParseNetwork(string cidr, string setting)
    {
        // A bare address means that one host.
        var text = cidr.Trim();
        if (!text.Contains('/', StringComparison.Ordinal) && IPAddress.TryParse(text, out var host))
        {
            return new IPNetwork(host, host.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        }

        return IPNetwork.TryParse(text, out var network)
            ? network
            : throw new FormatException($"{setting}: '{cidr}' is not a CIDR block (e.g. 10.1.2.0/24).");
    }
}
