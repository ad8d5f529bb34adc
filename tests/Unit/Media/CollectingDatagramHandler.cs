using System.Buffers.Binary;
using OrleansRecorder.Silo.Media.Rtp;

namespace OrleansRecorder.Tests.Unit.Media;

/// <summary>Keeps every datagram a receive engine hands over, with its source port and arrival time, and can throw on demand.</summary>
internal sealed class CollectingDatagramHandler : IRtpDatagramHandler
{
    private readonly Lock _gate = new();
    private readonly List<(byte[] Datagram, int SourcePort, long Arrival)> _received = [];

    /// <summary>When set, every call throws after recording the datagram (a broken leg).</summary>
    public bool Throw { get; set; }

    public IReadOnlyList<(byte[] Datagram, int SourcePort, long Arrival)> Received
    {
        get
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _received.Count;
            }
        }
    }

    public void OnDatagram(ReadOnlySpan<byte> datagram, ReadOnlySpan<byte> socketAddress, long arrivalTimestamp)
    {
        // sockaddr_in / sockaddr_in6: the port is at offset 2, in network order.
        var port = socketAddress.Length >= 4 ? BinaryPrimitives.ReadUInt16BigEndian(socketAddress[2..]) : -1;
        lock (_gate)
        {
            _received.Add((datagram.ToArray(), port, arrivalTimestamp));
        }

        if (Throw)
        {
            throw new InvalidOperationException("broken leg");
        }
    }
}
