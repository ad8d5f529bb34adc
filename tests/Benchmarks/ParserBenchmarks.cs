using System.Buffers;
using BenchmarkDotNet.Attributes;
using OrleansRecorder.Silo.Sdp;
using OrleansRecorder.Silo.Sip.Messages;

namespace OrleansRecorder.Benchmarks;

/// <summary>Signalling parsers, once per call leg: the CUCM INVITE and the SDP answer in its ACK.</summary>
[MemoryDiagnoser]
public class ParserBenchmarks
{
    private readonly ReadOnlySequence<byte> _inviteSequence = new(CucmSamples.Invite);

    [Benchmark]
    public object SipParseCucmInviteDatagram() => SipMessageParser.Parse(CucmSamples.Invite, 65535);

    [Benchmark]
    public object? SipParseCucmInviteStream()
    {
        SipMessageParser.TryParse(_inviteSequence, isDatagram: false, 65535, out var message, out _);
        return message;
    }

    [Benchmark]
    public object SdpParseCucmAckAnswer() => SdpParser.Parse(CucmSamples.AckAnswer);
}
