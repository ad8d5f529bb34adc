using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using OrleansRecorder.Silo.Sip.Messages;

namespace OrleansRecorder.Benchmarks;

/// <summary>
/// One recorded leg's signalling as the UDP transport handles it (issue #17: CPU and allocations per call): each
/// message parsed from the receive buffer, the fields the transaction and dialog layers read, and the 200 (OK) with
/// its offer built and written.
/// </summary>
[MemoryDiagnoser]
public class SipMessageBenchmarks
{
    private const int MaxMessageSize = 65535;

    private static readonly byte[] Offer = Encoding.UTF8.GetBytes(
        "v=0\r\no=OrleansRecorder 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n" +
        "m=audio 40002 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=recvonly\r\n");

    private readonly ArrayBufferWriter<byte> _output = new(2048);

    [Benchmark]
    public object? SipParseInvite() => Parse(LoadGeneratorSamples.Invite);

    [Benchmark]
    public object? SipParseInviteOk() => Parse(LoadGeneratorSamples.InviteOk);

    [Benchmark]
    public object? SipParseAck() => Parse(LoadGeneratorSamples.Ack);

    [Benchmark]
    public object? SipParseBye() => Parse(LoadGeneratorSamples.Bye);

    /// <summary>The INVITE parsed and read as the stack reads it: transaction key, dialog identity, CSeq, Call-ID.</summary>
    [Benchmark]
    public int SipParseInviteAndRead()
    {
        var request = (SipRequest)Parse(LoadGeneratorSamples.Invite)!;
        var top = request.TopVia;
        return top.SentBy.Length + (top.Branch?.Length ?? 0) + (request.From.Tag?.Length ?? 0) +
               (request.To.Tag is null ? 0 : 1) + (int)request.CSeq.Number + request.CallId.Length +
               (request.RequestUri.User?.Length ?? 0);
    }

    /// <summary>The 200 (OK) to the INVITE: the copied headers, a To tag, the recorder's own headers, the offer, written.</summary>
    [Benchmark]
    public int SipBuildAndWriteInviteOk()
    {
        var request = (SipRequest)Parse(LoadGeneratorSamples.Invite)!;
        var response = SipResponse.CreateFor(request, 200);
        response.Headers.Set(SipHeaderNames.To, response.To.WithTag("5b1e2c3d4f").ToString());
        response.Headers.Set("Server", "OrleansRecorder");
        response.Headers.Set(SipHeaderNames.Contact, "<sip:recorder@127.0.0.1:5973>");
        response.Headers.Set("Supported", "timer");
        response.Headers.Set("Content-Type", "application/sdp");
        response.Body = Offer;
        _output.ResetWrittenCount();
        SipMessageWriter.Write(response, _output);
        return _output.WrittenCount;
    }

    private static SipMessage? Parse(byte[] datagram)
    {
        SipMessageParser.TryParse(new ReadOnlySequence<byte>(datagram), isDatagram: true, MaxMessageSize,
            out var message, out _);
        return message;
    }
}
