using System.Net;
using OrleansRecorder.Silo.Sip.Messages;
using OrleansRecorder.Silo.Sip.Transport;

namespace OrleansRecorder.Tests.Unit.Sip;

/// <summary>The UDP transport's socket settings.</summary>
public sealed class UdpSipTransportTests
{
    [Fact]
    public async Task TheReceiveBufferGrowsToWhatWasAskedWithinTheKernelsLimit()
    {
        await using var transport = new UdpSipTransport(new IPEndPoint(IPAddress.Loopback, 0), 65535, new NullSink());
        var before = transport.SetReceiveBuffer(4096);

        // 96 KiB is under every Linux default net.core.rmem_max (208 KiB), so it is granted (Linux reports double).
        var granted = transport.SetReceiveBuffer(96 * 1024);

        Assert.True(granted >= 96 * 1024, $"granted {granted}");
        Assert.True(granted > before, $"{before} -> {granted}");
    }

    private sealed class NullSink : ISipTransportSink
    {
        public void OnRequest(SipRequest request, ISipResponseChannel channel)
        {
        }

        public void OnResponse(SipResponse response, SipTransportKind transport, IPEndPoint remote)
        {
        }

        public void OnParseError(SipParseException exception, SipTransportKind transport, IPEndPoint remote, bool answered)
        {
        }

        public void OnTransportError(SipTransportKind transport, IPEndPoint? remote, Exception exception)
        {
        }

        public void OnConnectionClosed(IPEndPoint remote, string reason)
        {
        }
    }
}
