using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using OrleansRecorder.Silo.Media;
using OrleansRecorder.Silo.Media.Rtp;

namespace OrleansRecorder.Benchmarks;

/// <summary>
/// The per-packet RTP path for PCMU (20 ms, 160 bytes): parse, reorder, decode, write to a sink that discards. One
/// operation is one packet in steady state; must allocate nothing (STYLE.md §6).
/// </summary>
[MemoryDiagnoser]
public class RtpPathBenchmarks
{
    private const int SamplesPerPacket = 160;

    private readonly byte[] _datagram = new byte[12 + SamplesPerPacket];
    private RtpJitterReorderer _reorderer = null!;
    private ushort _sequence;
    private uint _timestamp;
    private long _arrival;

    [GlobalSetup]
    public void Setup()
    {
        _reorderer = new RtpJitterReorderer(new NullPcmSink(), 5, 1488, TimeSpan.FromSeconds(5), 1000);
        _reorderer.Configure(AudioCodec.Pcmu, 0, 101);
        _datagram[0] = 0x80;
        _datagram[1] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(_datagram.AsSpan(8), 0x1234_5678);
        for (var i = 12; i < _datagram.Length; i++)
        {
            _datagram[i] = (byte)(i * 7);
        }
    }

    [Benchmark]
    public bool RtpPcmuPacketInOrder()
    {
        BinaryPrimitives.WriteUInt16BigEndian(_datagram.AsSpan(2), ++_sequence);
        BinaryPrimitives.WriteUInt32BigEndian(_datagram.AsSpan(4), _timestamp += SamplesPerPacket);
        if (!RtpPacket.TryParse(_datagram, out var packet))
        {
            return false;
        }

        _reorderer.Push(packet, _arrival += 20);
        return true;
    }
}
