using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;

namespace OrleansRecorder.Tests.EndToEnd.Harness;

/// <summary>
/// One CUCM Built-in-Bridge recording leg over SIP/TLS, as infra/sipp/cucm_leg.xml plays it over UDP/TCP (sipp has no
/// TLS here, SECURE_MEDIA.md §1): INVITE without SDP and the metadata in the From URI, our ACK with the answer (PCMU,
/// sendonly), a tone streamed over plain RTP from loopback, or as CUCM with SRTP answers an RTP/SAVP offer (one crypto
/// line, its own key, the tone protected by libsrtp: <see cref="TlsLegSrtp"/>), then BYE on the same TLS connection. Written for the tests,
/// independent of the recorder's SIP code: plain text in, a small reader out. Every wait is bounded.
/// </summary>
internal sealed partial class TlsCucmLeg : IAsyncDisposable
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(15);

    private readonly Socket _socket;
    private readonly SslStream _tls;
    private readonly byte[] _buffer = new byte[16384];
    private int _buffered;

    private TlsCucmLeg(Socket socket, SslStream tls)
    {
        _socket = socket;
        _tls = tls;
    }

    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    /// <summary>
    /// Opens the TLS connection as CUCM does: presenting <paramref name="certificate"/>, and trusting the recorder only
    /// if its certificate's SHA-256 is <paramref name="serverSha256"/> (hex, colons allowed: as <c>/api/cluster</c> shows it).
    /// </summary>
    public static async Task<TlsCucmLeg> ConnectAsync(int port, X509Certificate2 certificate, string serverSha256, CancellationToken cancellationToken)
    {
        var expected = serverSha256.Replace(":", "", StringComparison.Ordinal);
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
            var tls = new SslStream(new NetworkStream(socket, ownsSocket: true));
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ReadTimeout);
            try
            {
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = "recorder",
                    ClientCertificateContext = SslStreamCertificateContext.Create(certificate, null, offline: true),
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    RemoteCertificateValidationCallback = (_, server, _, _) => server is not null &&
                        Convert.ToHexString(SHA256.HashData(server.GetRawCertData())).Equals(expected, StringComparison.OrdinalIgnoreCase),
                }, timeout.Token);
            }
            catch
            {
                await tls.DisposeAsync();
                throw;
            }

            return new TlsCucmLeg(socket, tls);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Plays the whole leg: INVITE, 200 with the recorder's offer, ACK with our answer, <paramref name="toneSeconds"/> of
    /// a tone over RTP, BYE once <paramref name="durationMs"/> passed since the ACK. Returns the BYE's status.
    /// </summary>
    /// <param name="role">nearend or farend (the first x- parameter of the From URI).</param>
    /// <param name="refci">CUCM's call id shared by both legs.</param>
    /// <param name="tone">The tone's frequency (Hz).</param>
    /// <param name="toneSeconds">How much of it is streamed.</param>
    /// <param name="durationMs">From the ACK to the BYE.</param>
    /// <param name="cancellationToken">Stops the leg.</param>
    public Task<int> PlayAsync(string role, string refci, double tone, double toneSeconds, int durationMs, CancellationToken cancellationToken) =>
        PlayAsync(role, refci, tone, toneSeconds, durationMs, srtp: null, cancellationToken);

    /// <summary>
    /// As <see cref="PlayAsync(string, string, double, double, int, CancellationToken)"/>; with <paramref name="srtp"/>,
    /// the recorder's offer must be RTP/SAVP with a crypto line for its suite, and the leg answers and streams SRTP.
    /// </summary>
    public async Task<int> PlayAsync(string role, string refci, double tone, double toneSeconds, int durationMs, TlsLegSrtp? srtp,
        CancellationToken cancellationToken)
    {
        var local = LocalEndPoint;
        var callId = $"{Guid.NewGuid():N}@127.0.0.1";
        var fromTag = Random.Shared.Next(100_000, 999_999).ToString(CultureInfo.InvariantCulture);
        var from = $"<sip:198101@127.0.0.1;x-{role};x-refci={refci};x-nearendclusterid=StandAloneCluster;x-nearenddevice=SEP2834A28318CE;" +
                   $"x-nearendaddr=198101;x-farendrefci={refci}1;x-farendclusterid=StandAloneCluster;x-farenddevice=SEPF02929E28A35;x-farendaddr=172001>;tag={fromTag}";
        var recorder = (IPEndPoint)_socket.RemoteEndPoint!;
        await SendAsync(
            $"INVITE sip:7878@{recorder.Address}:{recorder.Port};transport=tls SIP/2.0\r\n" +
            $"Via: SIP/2.0/TLS {local.Address}:{local.Port};branch=z9hG4bK{Guid.NewGuid():N}\r\n" +
            $"From: {from}\r\n" +
            $"To: <sip:7878@{recorder.Address}>\r\n" +
            $"Call-ID: {callId}\r\n" +
            "CSeq: 101 INVITE\r\n" +
            "Supported: timer,resource-priority,replaces\r\n" +
            "Session-Expires: 1800\r\nMin-SE: 1800\r\n" +
            "User-Agent: Cisco-CUCM14.0\r\n" +
            "Allow: INVITE, OPTIONS, INFO, BYE, CANCEL, ACK, PRACK, UPDATE, REFER, SUBSCRIBE, NOTIFY\r\n" +
            "Supported: X-cisco-srtp-fallback\r\n" +
            $"Contact: <sip:198101@{local.Address}:{local.Port};transport=tls>;isFocus\r\n" +
            "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n", cancellationToken);

        var ok = await ReadFinalResponseAsync("INVITE", cancellationToken);
        if (ok.Status != 200)
        {
            throw new InvalidOperationException($"INVITE answered {ok.Status}:\n{ok.Text}");
        }

        var to = Header(ok.Text, "To") ?? throw new InvalidOperationException("200 without To");
        var contact = ContactUri().Match(Header(ok.Text, "Contact") ?? "").Groups[1].Value;
        var media = new IPEndPoint(IPAddress.Parse(ConnectionLine().Match(ok.Body).Groups[1].Value),
            int.Parse(MediaLine().Match(ok.Body).Groups[1].Value, CultureInfo.InvariantCulture));

        using var rtp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        rtp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var rtpPort = ((IPEndPoint)rtp.LocalEndPoint!).Port;
        var ssrc = (uint)Random.Shared.Next();
        var sequence = (ushort)Random.Shared.Next(0, 60000);
        var timestamp = (uint)Random.Shared.Next();
        var payload = Tones.MuLaw(tone, toneSeconds);
        var profile = "RTP/AVP";
        var crypto = "";
        List<byte[]>? protectedPackets = null;
        if (srtp is not null)
        {
            // RFC 4568 §7.1.2: answer with the tag of the offered line whose suite we pick, and a key of our own.
            if (!MediaLine().Match(ok.Body).Value.Contains("RTP/SAVP", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"The recorder's offer on a TLS dialog is not RTP/SAVP:\n{ok.Body}");
            }

            var offered = CryptoLine().Matches(ok.Body).FirstOrDefault(m => m.Groups[2].Value == srtp.Suite)
                ?? throw new InvalidOperationException($"The recorder's offer has no crypto line for {srtp.Suite}:\n{ok.Body}");
            var key = RandomNumberGenerator.GetBytes(srtp.KeyAndSaltLength);
            var sendingKey = srtp.ProtectWithAnotherKey ? RandomNumberGenerator.GetBytes(srtp.KeyAndSaltLength) : key;
            profile = "RTP/SAVP";
            crypto = $"a=crypto:{offered.Groups[1].Value} {srtp.Suite} inline:{Convert.ToBase64String(key)}\r\n";
            protectedPackets = await LibsrtpTone.ProtectAsync(srtp.Suite, sendingKey, ssrc, sequence, timestamp, payload, cancellationToken);
        }

        var answer =
            "v=0\r\n" +
            $"o=CiscoSystemsCCM-SIP {fromTag} 1 IN IP4 127.0.0.1\r\n" +
            "s=SIP Call\r\n" +
            "c=IN IP4 127.0.0.1\r\n" +
            "t=0 0\r\n" +
            $"m=audio {rtpPort} {profile} 0 101\r\n" +
            "a=ptime:20\r\n" +
            "a=rtpmap:0 PCMU/8000\r\n" +
            "a=sendonly\r\n" +
            "a=rtpmap:101 telephone-event/8000\r\n" +
            "a=fmtp:101 0-15\r\n" +
            crypto;
        await SendAsync(
            $"ACK {contact} SIP/2.0\r\n" +
            $"Via: SIP/2.0/TLS {local.Address}:{local.Port};branch=z9hG4bK{Guid.NewGuid():N}\r\n" +
            $"From: {from}\r\n" +
            $"To: {to}\r\n" +
            $"Call-ID: {callId}\r\n" +
            "CSeq: 101 ACK\r\n" +
            "Max-Forwards: 70\r\n" +
            "Content-Type: application/sdp\r\n" +
            $"Content-Length: {Encoding.ASCII.GetByteCount(answer)}\r\n\r\n" + answer, cancellationToken);
        var acked = TimeProvider.System.GetTimestamp();

        if (protectedPackets is null)
        {
            await StreamToneAsync(rtp, media, payload, ssrc, sequence, timestamp, cancellationToken);
        }
        else
        {
            await SendPacedAsync(rtp, media, protectedPackets, cancellationToken);
        }

        var left = TimeSpan.FromMilliseconds(durationMs) - TimeProvider.System.GetElapsedTime(acked);
        if (left > TimeSpan.Zero)
        {
            await Task.Delay(left, TimeProvider.System, cancellationToken);
        }

        await SendAsync(
            $"BYE {contact} SIP/2.0\r\n" +
            $"Via: SIP/2.0/TLS {local.Address}:{local.Port};branch=z9hG4bK{Guid.NewGuid():N}\r\n" +
            $"From: {from}\r\n" +
            $"To: {to}\r\n" +
            $"Call-ID: {callId}\r\n" +
            "CSeq: 102 BYE\r\n" +
            "Max-Forwards: 70\r\n" +
            "Reason: Q.850;cause=16\r\n" +
            "Content-Length: 0\r\n\r\n", cancellationToken);
        return (await ReadFinalResponseAsync("BYE", cancellationToken)).Status;
    }

    /// <summary>Sends a CUCM OPTIONS ping and returns its status (the connection is then known to carry SIP).</summary>
    public async Task<int> OptionsAsync(CancellationToken cancellationToken)
    {
        var local = LocalEndPoint;
        await SendAsync(
            $"OPTIONS sip:{((IPEndPoint)_socket.RemoteEndPoint!).Address} SIP/2.0\r\n" +
            $"Via: SIP/2.0/TLS {local.Address}:{local.Port};branch=z9hG4bK{Guid.NewGuid():N}\r\n" +
            "From: <sip:ping@127.0.0.1>;tag=p1\r\nTo: <sip:rec@127.0.0.1>\r\n" +
            $"Call-ID: {Guid.NewGuid():N}@127.0.0.1\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n", cancellationToken);
        return (await ReadFinalResponseAsync("OPTIONS", cancellationToken)).Status;
    }

    /// <summary>20 ms PCMU packets of a tone, paced in real time like a phone; bounded by the tone's length.</summary>
    private static async Task StreamToneAsync(Socket rtp, IPEndPoint media, byte[] payload, uint ssrc, ushort sequence, uint timestamp,
        CancellationToken cancellationToken)
    {
        var packet = new byte[12 + 160];
        using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(20), TimeProvider.System);
        for (var offset = 0; offset + 160 <= payload.Length; offset += 160)
        {
            packet[0] = 0x80;
            packet[1] = (byte)(offset == 0 ? 0x80 : 0x00); // PT 0 (PCMU), marker on the first packet
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), sequence++);
            BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), timestamp);
            BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), ssrc);
            payload.AsSpan(offset, 160).CopyTo(packet.AsSpan(12));
            await rtp.SendToAsync(packet, SocketFlags.None, media, cancellationToken);
            timestamp += 160;
            await pace.WaitForNextTickAsync(cancellationToken);
        }
    }

    /// <summary>Ready packets (SRTP from libsrtp), one per 20 ms like a phone.</summary>
    private static async Task SendPacedAsync(Socket rtp, IPEndPoint media, List<byte[]> packets, CancellationToken cancellationToken)
    {
        using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(20), TimeProvider.System);
        foreach (var packet in packets)
        {
            await rtp.SendToAsync(packet, SocketFlags.None, media, cancellationToken);
            await pace.WaitForNextTickAsync(cancellationToken);
        }
    }

    private async Task SendAsync(string text, CancellationToken cancellationToken) =>
        await _tls.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);

    /// <summary>The next final response to <paramref name="method"/>, skipping provisional ones.</summary>
    private async Task<(int Status, string Text, string Body)> ReadFinalResponseAsync(string method, CancellationToken cancellationToken)
    {
        for (var i = 0; i < 10; i++)
        {
            var (text, body) = await ReadMessageAsync(cancellationToken)
                ?? throw new IOException($"The recorder closed the TLS connection while we waited for the answer to {method}.");
            var status = StatusLine().Match(text);
            if (status.Success && (Header(text, "CSeq") ?? "").EndsWith(method, StringComparison.Ordinal))
            {
                var code = int.Parse(status.Groups[1].Value, CultureInfo.InvariantCulture);
                if (code >= 200)
                {
                    return (code, text, body);
                }
            }
        }

        throw new InvalidOperationException($"No final response to {method} within 10 messages.");
    }

    /// <summary>The next message (head and body), or null when the recorder closed the connection.</summary>
    public async Task<(string Head, string Body)?> ReadMessageAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ReadTimeout);
        while (true)
        {
            var text = Encoding.UTF8.GetString(_buffer, 0, _buffered);
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                var head = text[..end];
                var length = int.Parse(Header(head, "Content-Length") ?? Header(head, "l") ?? "0", CultureInfo.InvariantCulture);
                var total = Encoding.UTF8.GetByteCount(text[..(end + 4)]) + length;
                if (_buffered >= total)
                {
                    var body = Encoding.UTF8.GetString(_buffer, total - length, length);
                    Buffer.BlockCopy(_buffer, total, _buffer, 0, _buffered - total);
                    _buffered -= total;
                    return (head, body);
                }
            }

            int read;
            try
            {
                read = await _tls.ReadAsync(_buffer.AsMemory(_buffered), timeout.Token);
            }
            catch (IOException)
            {
                return null;
            }
            catch (System.Security.Authentication.AuthenticationException)
            {
                return null; // TLS 1.3: our certificate was refused after our side of the handshake finished
            }

            if (read == 0)
            {
                return null;
            }

            _buffered += read;
        }
    }

    private static string? Header(string head, string name)
    {
        foreach (var line in head.Split("\r\n"))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line[..colon].Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return line[(colon + 1)..].Trim();
            }
        }

        return null;
    }

    [GeneratedRegex(@"^SIP/2\.0 (\d{3})")]
    private static partial Regex StatusLine();

    [GeneratedRegex(@"<([^>]+)>")]
    private static partial Regex ContactUri();

    [GeneratedRegex(@"c=IN IP4 (\S+)")]
    private static partial Regex ConnectionLine();

    [GeneratedRegex(@"a=crypto:(\d+) (\S+) inline:")]
    private static partial Regex CryptoLine();

    [GeneratedRegex(@"m=audio (\d+) \S+")]
    private static partial Regex MediaLine();

    public async ValueTask DisposeAsync() => await _tls.DisposeAsync();
}
