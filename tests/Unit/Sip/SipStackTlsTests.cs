using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansRecorder.Silo.Sip;
using OrleansRecorder.Silo.Sip.Messages;
using OrleansRecorder.Silo.Sip.Transport;
using OrleansRecorder.Tests.Unit.Media;

namespace OrleansRecorder.Tests.Unit.Sip;

/// <summary>
/// The <see cref="SipStack"/> with its TLS listener on loopback and real <see cref="SslStream"/> peers: a CUCM-like
/// INVITE over TLS, plain text counted, and our BYE over the connection the peer opened or over a new TLS connection
/// whose server certificate is checked against the same trust settings (RFC 3261 §18.1.1, §26.2.1).
/// </summary>
public sealed class SipStackTlsTests : IAsyncLifetime
{
    private readonly AnsweringSipHandler _handler = new();
    private readonly TestMeterFactory _meters = new();
    private readonly X509Certificate2 _node = TlsTestCertificates.SelfSigned("recorder-1", dnsNames: ["recorder-1"]);
    private readonly X509Certificate2 _cucm = TlsTestCertificates.SelfSigned("cucm-pub", dnsNames: ["cucm-pub"]);
    private SipStack _stack = null!;

    public async ValueTask InitializeAsync()
    {
        // CUCM's certificate pinned, its name configured, mutual TLS on: the secure trunk of SECURE_MEDIA.md §1.
        var policy = new TlsPeerPolicy([], [TlsPeerPolicy.Sha256Of(_cucm)], ["cucm-pub"], requireClientCertificate: true, TimeProvider.System);
        _stack = new SipStack(
            new SipStackOptions { ListenAddress = IPAddress.Loopback, Port = 0, TlsPort = 0, Tls = new SipTlsContext(_node, policy, TimeSpan.FromSeconds(10)) },
            _handler, TimeProvider.System, NullLoggerFactory.Instance, _meters);
        await _stack.StartAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _stack.DisposeAsync();
        _meters.Dispose();
        _node.Dispose();
        _cucm.Dispose();
    }

    [Fact]
    public async Task Rfc3261Section26_2_1_ACucmInviteOverTlsIsAnsweredOnItsConnectionAndTheUserSeesTls()
    {
        await using var cucm = await ConnectAsCucmAsync();
        var invite = SipTestMessages.CucmInvite.Replace("SIP/2.0/TCP 10.48.38.5:5060", $"SIP/2.0/TLS 127.0.0.1:{cucm.LocalEndPoint.Port}", StringComparison.Ordinal);
        await cucm.WriteAsync(invite);

        var ok = Assert.IsType<SipResponse>(await cucm.ReadAsync());
        Assert.Equal(200, ok.StatusCode);
        Assert.Equal("TLS", ok.TopVia.Transport);
        await _handler.WaitForRequestsAsync(1);
        Assert.Equal(SipTransportKind.Tls, _handler.Requests[0].Transport);
        Assert.Equal(1, _stack.TlsConnectionCount);
    }

    [Fact]
    public async Task PlainTextOnTheTlsPortIsClosedAndCountedWhileUdpAndTcpCarryOn()
    {
        await using var plain = await LoopbackSipPeer.ConnectAsync(_stack.TlsPort!.Value);
        await plain.WriteAsync(SipTestMessages.Options("z9hG4bKplain", transport: "TCP", sentBy: $"127.0.0.1:{plain.LocalEndPoint.Port}"));

        Assert.Null(await plain.ReadAsync());
        Assert.Equal(1, _stack.Counters.TlsHandshakeFailures);

        await using var tcp = await LoopbackSipPeer.ConnectAsync(_stack.TcpPort);
        await tcp.WriteAsync(SipTestMessages.Options("z9hG4bKtcp", transport: "TCP", sentBy: $"127.0.0.1:{tcp.LocalEndPoint.Port}"));
        Assert.Equal(200, Assert.IsType<SipResponse>(await tcp.ReadAsync()).StatusCode);
    }

    [Fact]
    public async Task AClientWithAnUntrustedCertificateIsRefusedAndCounted()
    {
        using var stranger = TlsTestCertificates.SelfSigned("cucm-pub", dnsNames: ["cucm-pub"]);
        try
        {
            await using var peer = await LoopbackSipPeer.ConnectTlsAsync(_stack.TlsPort!.Value, TlsTestCertificates.Client(_node, stranger));
            await peer.WriteAsync(SipTestMessages.Options("z9hG4bKstranger", transport: "TLS", sentBy: $"127.0.0.1:{peer.LocalEndPoint.Port}"));
            Assert.Null(await peer.ReadAsync());
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            // Refused during the handshake (TLS 1.2).
        }

        await WaitUntilAsync(() => _stack.Counters.TlsHandshakeFailures == 1, "the refused handshake counted");
        Assert.Empty(_handler.Requests);
    }

    [Fact]
    public async Task Rfc3261Section18_1_1_OurByeGoesOnTheTlsConnectionThePeerOpened()
    {
        await using var cucm = await ConnectAsCucmAsync();
        await cucm.WriteAsync(SipTestMessages.Options("z9hG4bKopen", transport: "TLS", sentBy: $"127.0.0.1:{cucm.LocalEndPoint.Port}"));
        Assert.Equal(200, Assert.IsType<SipResponse>(await cucm.ReadAsync()).StatusCode);

        // Nobody listens at EndPoint: only the reuse of CUCM's connection can deliver the BYE.
        var target = new SipTarget(SipTransportKind.Tls, new IPEndPoint(IPAddress.Loopback, UnusedPort()), cucm.LocalEndPoint);
        var outcome = _stack.SendRequestAsync(SipClientTestRequests.Bye(cucm.LocalEndPoint), target, TestContext.Current.CancellationToken);

        var bye = Assert.IsType<SipRequest>(await cucm.ReadAsync());
        Assert.Equal("BYE", bye.Method);
        Assert.Equal("TLS", bye.TopVia.Transport);
        Assert.Equal($"127.0.0.1:{_stack.TlsPort}", bye.TopVia.SentBy);
        await cucm.WriteAsync(SipResponse.CreateFor(bye, 200));

        Assert.Equal(200, (await outcome.WaitAsync(LoopbackSipPeer.Timeout, TestContext.Current.CancellationToken))?.StatusCode);
        Assert.Equal(1, _stack.TlsConnectionCount);
    }

    [Fact]
    public async Task Rfc3261Section26_2_1_WithNoConnectionOurByeOpensANewTlsConnectionPresentingOurCertificate()
    {
        using var listener = Listen();
        var target = new SipTarget(SipTransportKind.Tls, (IPEndPoint)listener.LocalEndPoint!);
        var outcome = _stack.SendRequestAsync(SipClientTestRequests.Bye(target.EndPoint), target, TestContext.Current.CancellationToken);

        X509Certificate? presented = null;
        await using var cucm = await AcceptAsCucmAsync(listener, _cucm, c => presented = c);
        var bye = Assert.IsType<SipRequest>(await cucm.ReadAsync());
        Assert.Equal("TLS", bye.TopVia.Transport);
        await cucm.WriteAsync(SipResponse.CreateFor(bye, 200));

        Assert.Equal(200, (await outcome.WaitAsync(LoopbackSipPeer.Timeout, TestContext.Current.CancellationToken))?.StatusCode);
        Assert.Equal(_node.GetCertHashString(), presented?.GetCertHashString());
    }

    [Fact]
    public async Task Rfc3261Section26_2_1_ANewTlsConnectionToAServerWithAnUntrustedCertificateIsNotUsed()
    {
        using var impostor = TlsTestCertificates.SelfSigned("cucm-pub", dnsNames: ["cucm-pub"]);
        using var listener = Listen();
        var target = new SipTarget(SipTransportKind.Tls, (IPEndPoint)listener.LocalEndPoint!);
        var outcome = _stack.SendRequestAsync(SipClientTestRequests.Bye(target.EndPoint), target, TestContext.Current.CancellationToken);

        try
        {
            await using var server = await AcceptAsCucmAsync(listener, impostor, _ => { });
            Assert.Null(await server.ReadAsync()); // TLS 1.3: our side closes once it checked the certificate
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            // TLS 1.2: the handshake fails.
        }

        Assert.Null(await outcome.WaitAsync(LoopbackSipPeer.Timeout, TestContext.Current.CancellationToken));
        Assert.Equal(1, _stack.Counters.TlsHandshakeFailures);
        Assert.Equal(0, _stack.TlsConnectionCount);
    }

    [Fact]
    public async Task ARequestForATlsTargetIsNeverSentOverPlainTcp()
    {
        await using var stack = new SipStack(new SipStackOptions { ListenAddress = IPAddress.Loopback, Port = 0 }, _handler,
            TimeProvider.System, NullLoggerFactory.Instance, _meters);
        await stack.StartAsync(TestContext.Current.CancellationToken);
        using var listener = Listen();

        var outcome = await stack.SendRequestAsync(SipClientTestRequests.Bye((IPEndPoint)listener.LocalEndPoint!),
            new SipTarget(SipTransportKind.Tls, (IPEndPoint)listener.LocalEndPoint!), TestContext.Current.CancellationToken);

        Assert.Null(outcome);
        Assert.Null(stack.TlsPort);
    }

    private Task<LoopbackSipPeer> ConnectAsCucmAsync() =>
        LoopbackSipPeer.ConnectTlsAsync(_stack.TlsPort!.Value, TlsTestCertificates.Client(_node, _cucm));

    private static Socket Listen()
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(4);
        return listener;
    }

    /// <summary>Accepts our connection as CUCM does: its certificate, asking for ours (mutual TLS).</summary>
    private static async Task<LoopbackSipPeer> AcceptAsCucmAsync(Socket listener, X509Certificate2 certificate, Action<X509Certificate?> sawClient)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(LoopbackSipPeer.Timeout);
        var socket = await listener.AcceptAsync(timeout.Token);
        var tls = new SslStream(new NetworkStream(socket, ownsSocket: true));
        try
        {
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificate = certificate,
                ClientCertificateRequired = true,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                RemoteCertificateValidationCallback = (_, client, _, _) =>
                {
                    sawClient(client);
                    return client is not null;
                },
            }, timeout.Token);
        }
        catch
        {
            await tls.DisposeAsync();
            throw;
        }

        return new LoopbackSipPeer(socket, tls);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string phase)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(25), TimeProvider.System, TestContext.Current.CancellationToken);
        }

        Assert.True(condition(), $"Timed out waiting for {phase}.");
    }

    private static int UnusedPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
