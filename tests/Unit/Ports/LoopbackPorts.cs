using System.Net;
using System.Net.Sockets;

namespace OrleansRecorder.Tests.Unit.Ports;

/// <summary>
/// Hands out loopback ports for test servers from a band of its own, below the kernel's ephemeral range
/// (net.ipv4.ip_local_port_range, 32768-60999 by default on Linux).
/// </summary>
/// <remarks>
/// Why not bind(0) and release: the kernel picks such a port from the ephemeral range, and between our release and the
/// server's bind any outgoing connection on the machine (an HTTP client, Npgsql, a silo-to-silo link, sipp) may be given
/// the same number as its local port. CI saw a recorder die with "address already in use" on its HTTP port that way.
/// The kernel never hands out a port below the ephemeral range on its own, so a port taken from a band there stays ours
/// as long as no other test process uses the same band: each test assembly gets a band of its own. One cursor walks the
/// band for single ports and blocks alike, so a node's RTP block never covers another node's SIP or HTTP port until the
/// band wraps; each port handed out is first checked free on TCP and UDP (SIP listens on both).
/// </remarks>
internal sealed class LoopbackPorts
{
    private readonly int _first;
    private readonly int _last;
    private readonly Lock _gate = new();
    private int _next;

    public LoopbackPorts(int first, int last)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(first, 1024);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(last, 65535);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(first, last);
        _first = first;
        _last = last;
        _next = first;
    }

    /// <summary>A port free now on loopback for both TCP and UDP.</summary>
    public int Next() => Range(1).Min;

    /// <summary><paramref name="count"/> consecutive ports, each free now on TCP and UDP.</summary>
    public (int Min, int Max) Range(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, (_last - _first + 1) / 4);
        lock (_gate)
        {
            // Twice round the band at most: once to use what is left, once more after wrapping.
            var budget = 2 * (_last - _first + 1);
            while (budget > 0)
            {
                if (_next + count - 1 > _last)
                {
                    _next = _first;
                }

                var min = _next;
                var busy = FirstBusy(min, count);
                if (busy < 0)
                {
                    _next = min + count;
                    return (min, min + count - 1);
                }

                budget -= busy - min + 1;
                _next = busy + 1;
            }
        }

        throw new InvalidOperationException($"No {count} free consecutive loopback ports in {_first}-{_last}.");
    }

    /// <returns>The first port of the block that something holds, or -1 when all are free.</returns>
    private static int FirstBusy(int min, int count)
    {
        for (var port = min; port < min + count; port++)
        {
            if (!IsFree(port))
            {
                return port;
            }
        }

        return -1;
    }

    private static bool IsFree(int port)
    {
        try
        {
            // No SO_REUSEADDR: a port with connections still in TIME_WAIT counts as busy, to be on the safe side.
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            tcp.Bind(new IPEndPoint(IPAddress.Loopback, port));
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
