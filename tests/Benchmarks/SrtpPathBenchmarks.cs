using System.Buffers.Binary;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using OrleansRecorder.Silo.Media;
using OrleansRecorder.Silo.Media.Rtp;
using OrleansRecorder.Silo.Media.Srtp;
using OrleansRecorder.Tests.Unit.Media.Srtp;

namespace OrleansRecorder.Benchmarks;

/// <summary>
/// The per-packet path for SRTP-protected PCMU (20 ms, 160 bytes): authenticate, check replay, decrypt
/// (<see cref="SrtpReceiveContext"/>), then the same parse, reorder, decode as <see cref="RtpPathBenchmarks"/>; one
/// operation is one packet. <c>None</c> is plain RTP through the same code, so the columns compare directly. Packets
/// are protected in setup, one per sequence number, so each operation is a fresh, authentic, in-order packet.
/// </summary>
[MemoryDiagnoser]
public class SrtpPathBenchmarks
{
    private const int SamplesPerPacket = 160;
    private const int Packets = 4096;

    private byte[][] _packets = null!;
    private byte[] _plain = null!;
    private SrtpReceiveContext? _context;
    private RtpJitterReorderer _reorderer = null!;
    private int _next;
    private long _arrival;

    /// <summary>The SDES suite name, or <c>RTP</c> for plain RTP (names: BenchmarkDotNet cannot filter a nullable enum parameter).</summary>
    [Params("RTP", "AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32", "AEAD_AES_128_GCM", "AEAD_AES_256_GCM")]
    public string Suite { get; set; } = "RTP";

    [GlobalSetup]
    public void Setup()
    {
        _reorderer = new RtpJitterReorderer(new NullPcmSink(), 5, 1488, TimeSpan.FromSeconds(5), 1000);
        _reorderer.Configure(AudioCodec.Pcmu, 0, 101);
        _plain = new byte[1500];
        _packets = new byte[Packets][];
        SrtpMasterKey? key = SrtpSuites.TryParse(Suite, out var suite)
            ? new SrtpMasterKey(suite, RandomNumberGenerator.GetBytes(SrtpSuites.MasterKeyLength(suite)),
                RandomNumberGenerator.GetBytes(SrtpSuites.MasterSaltLength(suite)), [])
            : null;
        for (var i = 0; i < Packets; i++)
        {
            var rtp = new byte[12 + SamplesPerPacket];
            rtp[0] = 0x80;
            BinaryPrimitives.WriteUInt16BigEndian(rtp.AsSpan(2), (ushort)i);
            BinaryPrimitives.WriteUInt32BigEndian(rtp.AsSpan(4), (uint)(i * SamplesPerPacket));
            BinaryPrimitives.WriteUInt32BigEndian(rtp.AsSpan(8), 0x1234_5678);
            for (var j = 12; j < rtp.Length; j++)
            {
                rtp[j] = (byte)(j * 7);
            }

            _packets[i] = key is null ? rtp : SrtpTestProtector.Protect(key, rtp, 0);
        }

        _context = key is null ? null : new SrtpReceiveContext(key, 1500);
    }

    [Benchmark]
    public bool SrtpPcmuPacketInOrder()
    {
        if (_next == Packets)
        {
            // The ring starts again: the receiver forgets its streams so the same packets are new to it, not replays.
            _next = 0;
            _context?.ForgetStreams();
        }

        var datagram = (ReadOnlySpan<byte>)_packets[_next++];
        if (_context is not null)
        {
            if (_context.Unprotect(datagram, _plain, out var length) != SrtpUnprotectResult.Ok)
            {
                return false;
            }

            datagram = _plain.AsSpan(0, length);
        }

        if (!RtpPacket.TryParse(datagram, out var packet))
        {
            return false;
        }

        _reorderer.Push(packet, _arrival += 20);
        return true;
    }

    [GlobalCleanup]
    public void Cleanup() => _context?.Dispose();
}
