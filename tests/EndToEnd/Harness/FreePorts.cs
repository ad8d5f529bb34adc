using System.Net;
using System.Net.Sockets;

namespace OrleansRecorder.Tests.EndToEnd.Harness;

/// <summary>Loopback ports that are free now, for UDP and TCP at once (SIP listens on both).</summary>
internal static class FreePorts
{
    private static int _nextBlock = 32000 + (Environment.ProcessId % 40) * 500;
    private static readonly Lock Gate = new();

    public static int Next()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            using var tcp = new TcpListener(IPAddress.Loopback, 0);
            tcp.Start();
            var port = ((IPEndPoint)tcp.LocalEndpoint).Port;
            tcp.Stop();
            try
            {
                using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
                // Taken on UDP: try another.
            }
        }

        throw new InvalidOperationException("No free loopback port.");
    }

    /// <summary>A block of <paramref name="count"/> consecutive ports for an RTP range, distinct per call.</summary>
    public static (int Min, int Max) Range(int count)
    {
        lock (Gate)
        {
            var min = _nextBlock;
            _nextBlock += count;
            if (_nextBlock > 60000)
            {
                _nextBlock = 32000;
            }

            return (min, min + count - 1);
        }
    }
}
