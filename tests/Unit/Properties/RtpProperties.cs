using System.Buffers.Binary;
using CsCheck;
using OrleansRecorder.Silo.Media;
using OrleansRecorder.Silo.Media.Rtp;

namespace OrleansRecorder.Tests.Unit.Properties;

/// <summary>
/// Properties of the RTP path: <see cref="RtpPacket.TryParse"/> never throws and keeps the payload inside the datagram;
/// <see cref="RtpJitterReorderer"/> never throws and writes exactly the media time it was given.
/// </summary>
public sealed class RtpProperties
{
    private const int Iterations = 2000;
    private const int TicksPerSecond = 1000;
    private const int SamplesPerPacket = 160;

    private static readonly (AudioCodec Codec, int PayloadType)[] Codecs =
        [(AudioCodec.Pcmu, 0), (AudioCodec.Pcma, 8), (AudioCodec.G722, 9)];

    /// <summary>Random bytes, and datagrams whose first byte claims version 2 with any flags, so that the header walk runs.</summary>
    private static readonly Gen<byte[]> Datagrams = Gen.OneOf(
        Gen.Byte.Array[0, 80],
        Gen.Select(Gen.Byte[0x80, 0xBF], Gen.Byte.Array[0, 120], (first, rest) => (byte[])[first, .. rest]));

    [Fact]
    public void TryParseNeverThrowsAndThePayloadLiesInsideTheDatagram() =>
        Datagrams.Sample(bytes =>
        {
            ReadOnlySpan<byte> datagram = bytes;
            if (!RtpPacket.TryParse(datagram, out var packet))
            {
                return;
            }

            Assert.Equal(2, bytes[0] >> 6);
            var headerLength = RtpPacket.FixedHeaderLength + (4 * packet.CsrcCount);
            Assert.Equal(bytes[0] & 0x0F, packet.CsrcCount);
            Assert.Equal(BinaryPrimitives.ReadUInt16BigEndian(datagram[2..]), packet.SequenceNumber);
            Assert.Equal(BinaryPrimitives.ReadUInt32BigEndian(datagram[4..]), packet.Timestamp);
            Assert.Equal(BinaryPrimitives.ReadUInt32BigEndian(datagram[8..]), packet.Ssrc);
            Assert.Equal(bytes[1] & 0x7F, packet.PayloadType);

            // The payload is a slice of the datagram after the header (and CSRCs); an empty payload is a zero-length
            // slice whose position is not meaningful.
            if (!packet.Payload.IsEmpty)
            {
                Assert.True(datagram.Overlaps(packet.Payload, out var offset));
                Assert.InRange(offset, headerLength, bytes.Length - packet.Payload.Length);
            }

            Assert.True(packet.Payload.Length <= bytes.Length - headerLength);
        }, iter: Iterations, print: SipParserProperties.Hex);

    /// <summary>One packet of an arbitrary stream: small or wild sequence and timestamp steps, SSRC switches, any payload type.</summary>
    private static readonly Gen<(int SeqStep, int TsStep, bool NewSsrc, int PayloadType, int Length, int ArrivalStep)> Step =
        Gen.Select(
            Gen.OneOf(Gen.Int[-3, 6], Gen.Int[-200, 4000], Gen.Int[0, 65535]),
            Gen.OneOf(Gen.Const(160), Gen.Int[-400, 1600], Gen.Int),
            Gen.Int[0, 30].Select(x => x == 0),
            Gen.OneOf(Gen.Const(-1), Gen.OneOf(13, 101, 5)),
            Gen.OneOf(Gen.Const(160), Gen.Int[0, 400]),
            Gen.OneOf(Gen.Int[0, 40], Gen.Int[-50, 100_000]));

    [Fact]
    public void ReordererNeverThrowsOnArbitraryStreamsAndCountsWhatItWrites() =>
        Gen.Select(Gen.Int[0, Codecs.Length - 1], Gen.Int[1, 64], Gen.UShort, Gen.UInt, Step.Array[0, 150])
            .Sample((codecIndex, window, firstSeq, firstTs, steps) =>
            {
                var (codec, payloadType) = Codecs[codecIndex];
                var sink = new CheckingSink();
                var reorderer = new RtpJitterReorderer(sink, window, 1488, TimeSpan.FromSeconds(5), TicksPerSecond);
                reorderer.Configure(codec, payloadType, 101);
                var payload = new byte[400];
                var seq = firstSeq;
                var ts = firstTs;
                uint ssrc = 1;
                long arrival = 0;
                foreach (var step in steps)
                {
                    seq = unchecked((ushort)(seq + step.SeqStep));
                    ts = unchecked(ts + (uint)step.TsStep);
                    ssrc += step.NewSsrc ? 1u : 0u;
                    arrival += step.ArrivalStep;
                    reorderer.Push(seq, ts, ssrc, step.PayloadType < 0 ? payloadType : step.PayloadType, arrival,
                        payload.AsSpan(0, step.Length));
                }

                reorderer.Flush();
                var stats = reorderer.GetStats(steps.Length, 0, 0);
                Assert.Equal(sink.Samples + sink.Silence, stats.SamplesWritten);
                Assert.Equal(sink.Silence, stats.GapSamples);
            }, iter: Iterations);

    /// <summary>
    /// One source sends packets 0..n-1, each <see cref="SamplesPerPacket"/> samples long with timestamps advancing by as
    /// much (starting anywhere, so both the sequence number and the timestamp may wrap); the network reorders each by up
    /// to <c>jitter</c> places, loses some and duplicates some. The reorderer emits in sequence order, so what it writes
    /// (audio plus silence for the holes) is the timestamp span from the first packet it emitted to the end of the last
    /// one. The first packet to arrive opens the stream and is emitted first; anything older is late. The newest packet
    /// that arrives is always emitted, at the latest on <see cref="RtpJitterReorderer.Flush"/>.
    /// </summary>
    [Fact]
    public void ReordererWritesExactlyTheTimestampSpanOfAJitteredStream() =>
        Gen.Select(
                Gen.Int[0, Codecs.Length - 1],
                Gen.Int[1, 64],
                Gen.UShort,
                Gen.UInt,
                Gen.Int[0, 12],
                Gen.Select(Gen.Int[0, 99], Gen.Int[0, 99]).Array[1, 300])
            .Sample((codecIndex, window, firstSeq, firstTs, jitter, fates) =>
            {
                var (codec, payloadType) = Codecs[codecIndex];
                var sink = new CheckingSink();
                var reorderer = new RtpJitterReorderer(sink, window, 1488, TimeSpan.FromMinutes(10), TicksPerSecond);
                reorderer.Configure(codec, payloadType, 101);

                // Arrival order: packet i is sent at i and delayed by up to `jitter` places; 10% are lost, 5% duplicated.
                var arrivals = new List<(double Key, int Index)>();
                for (var i = 0; i < fates.Length; i++)
                {
                    var (delay, fate) = fates[i];
                    if (fate < 10)
                    {
                        continue;
                    }

                    arrivals.Add((i + (jitter * delay / 100.0), i));
                    if (fate >= 95)
                    {
                        arrivals.Add((i + (jitter * delay / 100.0) + 0.5, i));
                    }
                }

                if (arrivals.Count == 0)
                {
                    return;
                }

                arrivals.Sort();
                var payload = new byte[SamplesPerPacket];
                foreach (var (key, index) in arrivals)
                {
                    reorderer.Push(
                        unchecked((ushort)(firstSeq + index)),
                        unchecked(firstTs + (uint)(index * SamplesPerPacket)),
                        0xCAFE,
                        payloadType,
                        (long)(key * 20),
                        payload);
                }

                reorderer.Flush();
                var first = arrivals[0].Index;
                var newest = arrivals.Max(a => a.Index);
                // The span in RTP clock units, written at the leg's rate (RFC 3551 §4.5.2: G.722 has 2 samples per unit).
                var samplesPerTick = reorderer.OutputRate / 8000;
                Assert.Equal((long)(newest - first + 1) * SamplesPerPacket * samplesPerTick, sink.Samples + sink.Silence);
                Assert.Equal(sink.Samples + sink.Silence, reorderer.GetStats(0, 0, 0).SamplesWritten);
            }, iter: Iterations);

    /// <summary>Counts what it is given and checks the <see cref="IPcmSink"/> contract: first-packet notice once, before any audio.</summary>
    private sealed class CheckingSink : IPcmSink
    {
        private bool _started;

        public long Samples { get; private set; }

        public long Silence { get; private set; }

        public void OnFirstPacket(long arrivalTimestamp)
        {
            Assert.False(_started, "OnFirstPacket is called once");
            _started = true;
        }

        public void Write(ReadOnlySpan<short> samples)
        {
            Assert.True(_started, "OnFirstPacket comes before the first samples");
            Samples += samples.Length;
        }

        public void WriteSilence(int sampleCount)
        {
            Assert.True(_started, "OnFirstPacket comes before any silence");
            Assert.True(sampleCount > 0, $"silence of {sampleCount} samples");
            Silence += sampleCount;
        }
    }
}
