using System.Net;
using System.Net.Sockets;
using OrleansRecorder.Silo.Media.Rtp;

namespace OrleansRecorder.Tests.Unit.Media;

public sealed class RtpPortAllocatorTests
{
    /// <summary>Finds a small range of free even ports by binding port 0 and taking the neighbourhood.</summary>
    private static int FindBase()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        return Math.Clamp(port & ~1, 20000, 60000);
    }

    [Fact]
    public void AllocatesEvenPortsUntilExhaustedThenReusesReleased()
    {
        var start = FindBase();
        var allocator = new RtpPortAllocator(start - 1, start + 5);
        var sockets = new List<Socket>();
        try
        {
            var ports = new List<int>();
            while (allocator.TryBind(IPAddress.Loopback, out var socket, out var port))
            {
                sockets.Add(socket!);
                ports.Add(port);
                Assert.Equal(port, ((IPEndPoint)socket!.LocalEndPoint!).Port);
                Assert.True(ports.Count <= 3);
            }

            Assert.Equal(3, allocator.Capacity);
            Assert.All(ports, p => Assert.Equal(0, p % 2));
            Assert.All(ports, p => Assert.InRange(p, start, start + 4));
            Assert.Equal(ports.Count, ports.Distinct().Count());
            Assert.False(allocator.TryBind(IPAddress.Loopback, out var none, out var zero));
            Assert.Null(none);
            Assert.Equal(0, zero);

            var released = ports[1];
            sockets[1].Dispose();
            allocator.Release(released);

            Assert.True(allocator.TryBind(IPAddress.Loopback, out var again, out var againPort));
            sockets.Add(again!);
            Assert.Equal(released, againPort);
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }
    }

    [Fact]
    public void SkipsPortsTakenByOthers()
    {
        var start = FindBase();
        using var squatter = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        squatter.Bind(new IPEndPoint(IPAddress.Loopback, start));

        var allocator = new RtpPortAllocator(start, start + 2);

        Assert.True(allocator.TryBind(IPAddress.Loopback, out var socket, out var port));
        using (socket)
        {
            Assert.Equal(start + 2, port);
            Assert.False(allocator.TryBind(IPAddress.Loopback, out _, out _));
        }
    }

    [Fact]
    public void RoundRobinDoesNotReuseAJustReleasedPortFirst()
    {
        var start = FindBase();
        var allocator = new RtpPortAllocator(start, start + 4);

        Assert.True(allocator.TryBind(IPAddress.Loopback, out var first, out var firstPort));
        first!.Dispose();
        allocator.Release(firstPort);
        Assert.True(allocator.TryBind(IPAddress.Loopback, out var second, out var secondPort));
        second!.Dispose();

        Assert.NotEqual(firstPort, secondPort);
    }
}
