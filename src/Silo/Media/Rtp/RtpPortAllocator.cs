using System.Net;
using System.Net.Sockets;

namespace OrleansRecorder.Silo.Media.Rtp;

/// <summary>
/// Hands out even UDP ports from a range (RTP on even ports, RFC 3550 §11), round-robin so a just-released port is not
/// reused at once (late packets of the previous call would land in the next one). Thread-safe.
/// </summary>
internal sealed class RtpPortAllocator
{
    private readonly int _min;
    private readonly int _max;
    private readonly Lock _gate = new();
    private readonly HashSet<int> _inUse = [];
    private int _next;

    public RtpPortAllocator(int min, int max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(min, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(max, 65535);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(min, max);
        _min = min % 2 == 0 ? min : min + 1;
        _max = max;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(_min, _max, nameof(min));
        _next = _min;
    }

    /// <summary>The number of even ports in the range.</summary>
    public int Capacity => ((_max - _min) / 2) + 1;

    public int InUseCount
    {
        get
        {
            lock (_gate)
            {
                return _inUse.Count;
            }
        }
    }

    /// <summary>
    /// Binds a UDP socket on <paramref name="listenAddress"/> to the next free even port, skipping ports in use here or
    /// taken by another process. The caller owns the socket and calls <see cref="Release"/> when it is closed.
    /// </summary>
    /// <returns>false when every port of the range is in use or fails to bind.</returns>
    public bool TryBind(IPAddress listenAddress, out Socket? socket, out int port)
    {
        ArgumentNullException.ThrowIfNull(listenAddress);
        lock (_gate)
        {
            for (var attempt = 0; attempt < Capacity; attempt++)
            {
                var candidate = _next;
                _next = candidate + 2 > _max ? _min : candidate + 2;
                if (_inUse.Contains(candidate))
                {
                    continue;
                }

                var bound = new Socket(listenAddress.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                try
                {
                    bound.Bind(new IPEndPoint(listenAddress, candidate));
                }
                catch (SocketException)
                {
                    bound.Dispose();
                    continue;
                }

                _inUse.Add(candidate);
                socket = bound;
                port = candidate;
                return true;
            }
        }

        socket = null;
        port = 0;
        return false;
    }

    /// <summary>Returns <paramref name="port"/> to the pool; the caller has closed its socket.</summary>
    public void Release(int port)
    {
        lock (_gate)
        {
            _inUse.Remove(port);
        }
    }
}
