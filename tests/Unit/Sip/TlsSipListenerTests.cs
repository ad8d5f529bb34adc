using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Time.Testing;
using OrleansRecorder.Silo.Sip.Messages;
using OrleansRecorder.Silo.Sip.Transport;

namespace OrleansRecorder.Tests.Unit.Sip;

/// <summary>
/// The SIP-over-TLS listener on loopback with real <see cref="System.Net.Security.SslStream"/> clients: TLS 1.2 and
/// 1.3, plain text on the TLS port, mutual TLS against a CA bundle or pins, peer names, the handshake timeout, and the
/// TCP hardening applying to TLS connections.
/// </summary>
public sealed class TlsSipListenerTests : IDisposable
{
    private readonly RecordingTransportSink _sink = new();
    private readonly X509Certificate2 _node = TlsTestCertificates.SelfSigned("recorder-1", dnsNames: ["recorder-1", "127.0.0.1"]);
    private readonly X509Certificate2 _cucmCa = TlsTestCertificates.Ca("CUCM CallManager CA");

    public void Dispose()
    {
        _node.Dispose();
        _cucmCa.Dispose();
    }

    [Theory]
    [InlineData(SslProtocols.Tls12)]
    [InlineData(SslProtocols.Tls13)]
    public async Task Rfc3261Section26_2_1_ARequestOverTls12Or13ReachesTheSinkAsTlsAndIsAnsweredOnItsConnection(SslProtocols protocol)
    {
        await using var listener = Start(Policy());
        await using var peer = await LoopbackSipPeer.ConnectTlsAsync(listener.LocalEndPoint.Port, TlsTestCertificates.Client(_node, protocols: protocol));
        Assert.Equal(protocol, peer.Tls!.SslProtocol);

        await peer.WriteAsync(Options("z9hG4bKtls1", peer));
        var (request, channel) = await _sink.NextRequestAsync();

        Assert.Equal("z9hG4bKtls1", request.TopVia.Branch);
        Assert.Equal(SipTransportKind.Tls, channel.Kind);
        Assert.True(channel.IsReliable);
        channel.Send(SipResponse.CreateFor(request, 200));
        Assert.Equal(200, Assert.IsType<SipResponse>(await peer.ReadAsync()).StatusCode);
    }

    [Fact]
    public async Task Rfc8446Section5_1_PlainTextOnTheTlsPortIsClosedAndReportedAndOtherConnectionsCarryOn()
    {
        await using var listener = Start(Policy());
        await using var good = await LoopbackSipPeer.ConnectTlsAsync(listener.LocalEndPoint.Port, TlsTestCertificates.Client(_node));

        await using var plain = await LoopbackSipPeer.ConnectAsync(listener.LocalEndPoint.Port);
        await plain.WriteAsync(Options("z9hG4bKplain1", plain));

        Assert.Null(await plain.ReadAsync());
        var failure = await _sink.NextHandshakeFailureAsync();
        Assert.Equal(TcpCloseReasons.NotTls, failure.Reason);
        Assert.Equal(plain.LocalEndPoint, failure.Remote);

        await good.WriteAsync(Options("z9hG4bKgood1", good));
        Assert.Equal("z9hG4bKgood1", (await _sink.NextRequestAsync()).Request.TopVia.Branch);
        Assert.Equal(1, listener.ConnectionCount);
    }

    [Fact]
    public async Task GarbageThatLooksLikeAHandshakeRecordFailsTheHandshakeWithItsReason()
    {
        await using var listener = Start(Policy());
        await using var peer = await LoopbackSipPeer.ConnectAsync(listener.LocalEndPoint.Port);
        await peer.WriteAsync("\u0016\u0003\u0001\u0000\u0005hello");

        Assert.Null(await peer.ReadAsync());
        var failure = await _sink.NextHandshakeFailureAsync();
        Assert.StartsWith(TcpCloseReasons.HandshakeFailedPrefix, failure.Reason, StringComparison.Ordinal);
        Assert.Equal(0, listener.ConnectionCount);
    }

    [Fact]
    public async Task MutualTlsAcceptsAClientIssuedByTheConfiguredCaWithAConfiguredName()
    {
        using var cucm = TlsTestCertificates.IssuedBy(_cucmCa, "cucm-pub.example.com");
        await using var listener = Start(Policy(anchors: [_cucmCa], names: ["cucm-pub.example.com"], requireClient: true));
        await using var peer = await LoopbackSipPeer.ConnectTlsAsync(listener.LocalEndPoint.Port, TlsTestCertificates.Client(_node, cucm));

        await peer.WriteAsync(Options("z9hG4bKmtls1", peer));

        Assert.Equal("z9hG4bKmtls1", (await _sink.NextRequestAsync()).Request.TopVia.Branch);
    }

    [Fact]
    public async Task MutualTlsRefusesAClientCertificateFromAnUnknownIssuer()
    {
        using var otherCa = TlsTestCertificates.Ca("Somebody else's CA");
        using var stranger = TlsTestCertificates.IssuedBy(otherCa, "cucm-pub.example.com");
        await using var listener = Start(Policy(anchors: [_cucmCa], requireClient: true));

        await AssertRefusedAsync(listener, stranger, "is not issued by a configured CA");
    }

    [Fact]
    public async Task MutualTlsRefusesAnExpiredClientCertificate()
    {
        var now = TimeProvider.System.GetUtcNow();
        using var expired = TlsTestCertificates.IssuedBy(_cucmCa, "cucm-pub.example.com", now.AddDays(-30), now.AddDays(-1));
        await using var listener = Start(Policy(anchors: [_cucmCa], requireClient: true));

        await AssertRefusedAsync(listener, expired, "expired");
    }

    [Fact]
    public async Task MutualTlsRefusesAClientWhoseSubjectAndSanNameNoConfiguredPeer()
    {
        using var wrongName = TlsTestCertificates.IssuedBy(_cucmCa, "cucm-sub.example.com", dnsNames: ["cucm-sub.example.com"]);
        await using var listener = Start(Policy(anchors: [_cucmCa], names: ["cucm-pub.example.com"], requireClient: true));

        await AssertRefusedAsync(listener, wrongName, "names none of the configured peer names");
    }

    [Fact]
    public async Task MutualTlsRefusesAClientWithoutACertificate()
    {
        await using var listener = Start(Policy(anchors: [_cucmCa], requireClient: true));

        await AssertRefusedAsync(listener, null, "no certificate presented");
    }

    [Fact]
    public async Task MutualTlsAcceptsAPinnedSelfSignedCertificateMatchedByItsSanWhateverItsCn()
    {
        using var cucm = TlsTestCertificates.SelfSigned("CallManager", dnsNames: ["cucm-pub.example.com"]);
        var pin = NodeCertificate.FormatFingerprint(TlsPeerPolicy.Sha256Of(cucm)).ToLowerInvariant();
        await using var listener = Start(Policy(pins: [pin], names: ["CUCM-PUB.example.com"], requireClient: true));
        await using var peer = await LoopbackSipPeer.ConnectTlsAsync(listener.LocalEndPoint.Port, TlsTestCertificates.Client(_node, cucm));

        await peer.WriteAsync(Options("z9hG4bKpin1", peer));

        Assert.Equal("z9hG4bKpin1", (await _sink.NextRequestAsync()).Request.TopVia.Branch);
    }

    [Fact]
    public async Task AConnectionThatNeverHandshakesIsClosedAfterTheHandshakeTimeout()
    {
        var time = new FakeTimeProvider();
        var timeout = TimeSpan.FromSeconds(10);
        await using var listener = Start(Policy(time: time), time, timeout);
        await using var silent = await LoopbackSipPeer.ConnectAsync(listener.LocalEndPoint.Port);

        // The handshake's deadline is armed once the accept runs; step the fake clock until it fires (bounded).
        (IPEndPoint Remote, string Reason) failure = default;
        for (var step = 0; step < 100 && failure.Reason is null; step++)
        {
            time.Advance(timeout);
            await Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System, TestContext.Current.CancellationToken);
            _sink.TryTakeHandshakeFailure(out failure);
        }

        Assert.Equal(TcpCloseReasons.HandshakeTimeout, failure.Reason);
        Assert.Null(await silent.ReadAsync());
    }

    [Fact]
    public async Task TheTcpConnectionCapsApplyToTlsConnections()
    {
        await using var listener = Start(Policy(), settings: new TcpSipSettings { MaxConnectionsPerSource = 1 });
        await using var first = await LoopbackSipPeer.ConnectTlsAsync(listener.LocalEndPoint.Port, TlsTestCertificates.Client(_node));
        await first.WriteAsync(Options("z9hG4bKcap1", first));
        await _sink.NextRequestAsync();

        using var second = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await second.ConnectAsync(new IPEndPoint(IPAddress.Loopback, listener.LocalEndPoint.Port), TestContext.Current.CancellationToken);

        Assert.Equal(TcpCloseReasons.TooManyFromSource, (await _sink.NextRefusedAsync()).Reason);
    }

    private async Task AssertRefusedAsync(TcpSipListener listener, X509Certificate2? clientCertificate, string reason)
    {
        // TLS 1.2 fails the client's handshake; under TLS 1.3 the client may finish first and see the close on its first read.
        try
        {
            await using var peer = await LoopbackSipPeer.ConnectTlsAsync(listener.LocalEndPoint.Port,
                TlsTestCertificates.Client(_node, clientCertificate));
            await peer.WriteAsync(Options("z9hG4bKrefused", peer));
            Assert.Null(await peer.ReadAsync());
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            // Refused during the handshake.
        }

        var failure = await _sink.NextHandshakeFailureAsync();
        Assert.StartsWith(TcpCloseReasons.HandshakeFailedPrefix, failure.Reason, StringComparison.Ordinal);
        Assert.Contains(reason, failure.Reason, StringComparison.Ordinal);
        Assert.Equal(0, listener.ConnectionCount);
        Assert.False(_sink.TryTakeRequest(out _));
    }

    private static TlsPeerPolicy Policy(X509Certificate2[]? anchors = null, string[]? pins = null, string[]? names = null,
        bool requireClient = false, TimeProvider? time = null) =>
        new([.. anchors ?? []], pins ?? [], names ?? [], requireClient, time ?? TimeProvider.System);

    private TcpSipListener Start(TlsPeerPolicy policy, TimeProvider? time = null, TimeSpan? handshakeTimeout = null,
        TcpSipSettings? settings = null)
    {
        var context = new SipTlsContext(_node, policy, handshakeTimeout ?? TimeSpan.FromSeconds(10));
        var listener = new TcpSipListener(new IPEndPoint(IPAddress.Loopback, 0), settings ?? new TcpSipSettings(),
            time ?? TimeProvider.System, _sink, context);
        listener.Start();
        return listener;
    }

    private static string Options(string branch, LoopbackSipPeer peer) =>
        SipTestMessages.Options(branch, transport: "TLS", sentBy: $"127.0.0.1:{peer.LocalEndPoint.Port}");
}
