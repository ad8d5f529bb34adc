using NAudio.Codecs;
using OrleansRecorder.Silo.Media;
using OrleansRecorder.Silo.Media.Codecs;
using OrleansRecorder.Silo.Media.Rtp;

namespace OrleansRecorder.Tests.Unit.Media;

public sealed class RtpJitterReordererTests
{
    private const int TicksPerSecond = 1000;
    private const uint Ssrc = 0x11223344;
    private readonly RecordingPcmSink _sink = new();
    private readonly RtpJitterReorderer _reorderer;

    public RtpJitterReordererTests()
    {
        _reorderer = new RtpJitterReorderer(_sink, 5, 1488, TimeSpan.FromMinutes(10), TicksPerSecond);
        _reorderer.Configure(AudioCodec.Pcmu, 0, 101);
    }

    /// <summary>A distinct payload per packet index so that output order is visible in the samples.</summary>
    private static byte[] Payload(int index, int length = 160)
    {
        var payload = new byte[length];
        for (var i = 0; i < length; i++)
        {
            payload[i] = (byte)((index * 37) + i);
        }

        return payload;
    }

    /// <summary>The payload decoded by our µ-law decoder (its exactness is covered by <see cref="G711DecoderTests"/>).</summary>
    private static short[] Decoded(int index, int length = 160)
    {
        var pcm = new short[length];
        AudioDecoders.Create(AudioCodec.Pcmu).Decode(Payload(index, length), pcm);
        return pcm;
    }

    private void PushAudio(int index, ushort sequenceNumber, uint timestamp, long arrivalMs, uint ssrc = Ssrc, int length = 160) =>
        _reorderer.Push(sequenceNumber, timestamp, ssrc, 0, arrivalMs, Payload(index, length));

    /// <summary>Packet i of a 20 ms stream: sequence base + i, timestamp base + 160 i, arrival 20 i ms.</summary>
    private void PushStream(int i, ushort sequenceBase = 1000, uint timestampBase = 50_000) =>
        PushAudio(i, (ushort)(sequenceBase + i), timestampBase + (uint)(160 * i), 20 * i);

    [Fact]
    public void InOrderStreamGivesExactSamples()
    {
        for (var i = 0; i < 10; i++)
        {
            PushStream(i);
        }

        _reorderer.Flush();

        Assert.Equal(Enumerable.Range(0, 10).SelectMany(i => Decoded(i)).ToArray(), _sink.Samples);
        Assert.Empty(_sink.Silences);
        Assert.Equal(1, _sink.FirstPacketCalls);
        Assert.Equal(0, _sink.FirstPacketTimestamp);
        var stats = _reorderer.GetStats(0, 0, 0);
        Assert.Equal(0, stats.PacketsLost);
        Assert.Equal(1600, stats.SamplesWritten);
    }

    [Fact]
    public void InOrderPacketsAreWrittenWithoutWaitingForTheWindow()
    {
        PushStream(0);
        PushStream(1);

        Assert.Equal(320, _sink.Count);
    }

    [Fact]
    public void OneLostPacketBecomesExactly160SamplesOfSilence()
    {
        for (var i = 0; i < 10; i++)
        {
            if (i != 3)
            {
                PushStream(i);
            }
        }

        _reorderer.Flush();

        Assert.Equal([160], _sink.Silences);
        Assert.Equal([SilenceCause.PacketLoss], _sink.SilenceCauses); // the gap ledger's packet-loss
        short[] expected = [.. Decoded(0), .. Decoded(1), .. Decoded(2), .. new short[160], .. Enumerable.Range(4, 6).SelectMany(i => Decoded(i))];
        Assert.Equal(expected, _sink.Samples);
        var stats = _reorderer.GetStats(0, 0, 0);
        Assert.Equal(1, stats.PacketsLost);
        Assert.Equal(1, stats.Gaps);
        Assert.Equal(160, stats.GapSamples);
    }

    [Fact]
    public void LossIsDeclaredWhenTheWindowIsFull()
    {
        PushStream(0);
        for (var i = 2; i <= 5; i++)
        {
            PushStream(i);
        }

        Assert.Equal(160, _sink.Count);

        PushStream(6);

        Assert.Equal(160 * 7, _sink.Count);
        Assert.Equal(1, _reorderer.GetStats(0, 0, 0).PacketsLost);
    }

    [Fact]
    public void ReorderedPairIsWrittenInOrder()
    {
        foreach (var i in new[] { 0, 1, 3, 2, 4 })
        {
            PushStream(i);
        }

        _reorderer.Flush();

        Assert.Equal(Enumerable.Range(0, 5).SelectMany(i => Decoded(i)).ToArray(), _sink.Samples);
        var stats = _reorderer.GetStats(0, 0, 0);
        Assert.Equal(1, stats.PacketsReordered);
        Assert.Equal(0, stats.PacketsLost);
        Assert.Empty(_sink.Silences);
    }

    [Fact]
    public void DuplicatesAreDroppedWhetherWaitingOrAlreadyWritten()
    {
        foreach (var i in new[] { 0, 2, 2, 1, 1, 3 })
        {
            PushStream(i);
        }

        _reorderer.Flush();

        Assert.Equal(Enumerable.Range(0, 4).SelectMany(i => Decoded(i)).ToArray(), _sink.Samples);
        Assert.Equal(2, _reorderer.GetStats(0, 0, 0).PacketsDuplicate);
    }

    [Fact]
    public void PacketOlderThanTheLastWrittenIsLate()
    {
        PushStream(0);
        for (var i = 2; i <= 6; i++)
        {
            PushStream(i);
        }

        PushStream(1);
        _reorderer.Flush();

        var stats = _reorderer.GetStats(0, 0, 0);
        Assert.Equal(1, stats.PacketsLate);
        Assert.Equal(1, stats.PacketsLost);
        Assert.Equal(160 * 7, _sink.Count);
    }

    [Fact]
    public void SequenceWrapIsContinuous()
    {
        for (var i = 0; i < 6; i++)
        {
            PushStream(i, sequenceBase: 65533, timestampBase: uint.MaxValue - 300);
        }

        _reorderer.Flush();

        Assert.Equal(Enumerable.Range(0, 6).SelectMany(i => Decoded(i)).ToArray(), _sink.Samples);
        Assert.Empty(_sink.Silences);
        Assert.Equal(0, _reorderer.GetStats(0, 0, 0).PacketsLost);
    }

    [Fact]
    public void ReorderingAcrossTheWrapIsHandled()
    {
        foreach (var i in new[] { 0, 1, 3, 2, 4 })
        {
            PushStream(i, sequenceBase: 65534);
        }

        _reorderer.Flush();

        Assert.Equal(Enumerable.Range(0, 5).SelectMany(i => Decoded(i)).ToArray(), _sink.Samples);
    }

    [Fact]
    public void TimestampJumpAfterSilenceSuppressionIsFilled()
    {
        for (var i = 0; i < 3; i++)
        {
            PushStream(i);
        }

        // DTX: the sender stopped for 800 samples (100 ms); the next packet has the next sequence number and the marker.
        _reorderer.Push(1003, 50_000 + (3 * 160) + 800, Ssrc, 0, 200, Payload(3));
        _reorderer.Flush();

        Assert.Equal([800], _sink.Silences);
        Assert.Equal([SilenceCause.NoPackets], _sink.SilenceCauses); // nothing lost: the sender was silent
        Assert.Equal((4 * 160) + 800, _sink.Count);
        Assert.Equal(0, _reorderer.GetStats(0, 0, 0).PacketsLost);
    }

    [Fact]
    public void ThirtyMillisecondPacketsAreMeasuredNotAssumed()
    {
        var sink = new RecordingPcmSink();
        var reorderer = new RtpJitterReorderer(sink, 5, 1488, TimeSpan.FromMinutes(10), TicksPerSecond);
        reorderer.Configure(AudioCodec.Pcma, 8, null);
        for (var i = 0; i < 6; i++)
        {
            if (i != 2)
            {
                reorderer.Push((ushort)(7 + i), (uint)(240 * i), Ssrc, 8, 30 * i, Payload(i, 240));
            }
        }

        reorderer.Flush();

        Assert.Equal([240, 240, 240, 240, 240], sink.Writes);
        Assert.Equal([240], sink.Silences);
        Assert.Equal(6 * 240, sink.Count);
        Assert.Equal(1, reorderer.GetStats(0, 0, 0).PacketsLost);
    }

    [Fact]
    public void SsrcChangeStartsANewSequenceAndFillsByArrivalTime()
    {
        for (var i = 0; i < 5; i++)
        {
            PushStream(i);
        }

        // A new source one second after the last packet (arrival 80 ms), with unrelated sequence and timestamp.
        PushAudio(5, 7, 123_456_789, 1080, ssrc: 0x55667788);
        PushAudio(6, 8, 123_456_789 + 160, 1100, ssrc: 0x55667788);
        _reorderer.Flush();

        // 1000 ms = 8000 samples since the last packet arrived, less that packet's own 160.
        Assert.Equal([7840], _sink.Silences);
        short[] expected = [.. Enumerable.Range(0, 5).SelectMany(i => Decoded(i)), .. new short[7840], .. Decoded(5), .. Decoded(6)];
        Assert.Equal(expected, _sink.Samples);
        var stats = _reorderer.GetStats(0, 0, 0);
        Assert.Equal(1, stats.SsrcChanges);
        Assert.Equal(0, stats.PacketsLost);
        Assert.Equal(1, _sink.FirstPacketCalls);
    }

    [Fact]
    public void SameSsrcRestartWithOldSequenceNumbersIsAcceptedAfterProbation()
    {
        // sipp's play_pcap_audio replays the same SSRC and sequence numbers when it plays a pcap again.
        for (var i = 0; i < 5; i++)
        {
            PushStream(i, sequenceBase: 5000);
        }

        for (var i = 0; i < 3; i++)
        {
            PushAudio(10 + i, (ushort)(5000 - 3000 + i), 50_000 + (uint)(160 * i), 1000 + (20 * i));
        }

        _reorderer.Flush();

        var stats = _reorderer.GetStats(0, 0, 0);
        Assert.Equal(1, stats.PacketsLate);
        Assert.Equal([.. Enumerable.Range(0, 5).SelectMany(i => Decoded(i)), .. new short[7360], .. Decoded(11), .. Decoded(12)], _sink.Samples);
    }

    [Fact]
    public void NegativeTimestampJumpIsFilledByArrivalTime()
    {
        PushStream(0);
        PushStream(1);
        PushAudio(2, 1002, 10, 540);
        _reorderer.Flush();

        // Arrived 520 ms after the previous packet: 4160 samples, less its 160.
        Assert.Equal([4000], _sink.Silences);
    }

    [Fact]
    public void TelephoneEventsAreSkippedButTheirTimeIsSilence()
    {
        for (var i = 0; i < 3; i++)
        {
            PushStream(i);
        }

        // RFC 4733: three event packets in the same sequence space, all with the event's start timestamp.
        for (var e = 0; e < 3; e++)
        {
            _reorderer.Push((ushort)(1003 + e), 50_000 + (3 * 160), Ssrc, 101, 60 + (20 * e), [1, 0x0A, 0x00, 0xA0]);
        }

        PushAudio(3, 1006, 50_000 + (6 * 160), 120);
        _reorderer.Flush();

        Assert.Equal([480], _sink.Silences);
        Assert.Equal([.. Enumerable.Range(0, 3).SelectMany(i => Decoded(i)), .. new short[480], .. Decoded(3)], _sink.Samples);
        var stats = _reorderer.GetStats(0, 0, 0);
        Assert.Equal(3, stats.TelephoneEvents);
        Assert.Equal(0, stats.PacketsLost);
    }

    [Fact]
    public void UnknownPayloadTypeIsDroppedAndCounted()
    {
        PushStream(0);
        _reorderer.Push(5000, 1, Ssrc, 18, 0, Payload(9, 20));
        PushStream(1);
        _reorderer.Flush();

        Assert.Equal([.. Decoded(0), .. Decoded(1)], _sink.Samples);
        Assert.Equal(1, _reorderer.GetStats(0, 0, 0).PacketsUnknownPayloadType);
    }

    [Fact]
    public void G722IsKeptAt16kHzWithTwoSamplesPerTimestampUnit()
    {
        // RFC 3551 §4.5.2: G.722's RTP clock is 8000 though it samples at 16 kHz; a lost 20 ms packet is 320 samples.
        var sink = new RecordingPcmSink();
        var reorderer = new RtpJitterReorderer(sink, 5, 1488, TimeSpan.FromMinutes(10), TicksPerSecond);
        reorderer.Configure(AudioCodec.G722, 9, 101);
        for (var i = 0; i < 5; i++)
        {
            if (i != 2)
            {
                reorderer.Push((ushort)i, (uint)(160 * i), Ssrc, 9, 20 * i, Payload(i));
            }
        }

        reorderer.Flush();

        Assert.Equal([320, 320, 320, 320], sink.Writes);
        Assert.Equal([320], sink.Silences);
        Assert.Equal(16000, reorderer.OutputRate);
    }

    [Fact]
    public void ALegThatStartedNarrowbandDecimatesALaterG722()
    {
        var sink = new RecordingPcmSink();
        var reorderer = new RtpJitterReorderer(sink, 5, 1488, TimeSpan.FromMinutes(10), TicksPerSecond);
        reorderer.Configure(AudioCodec.Pcmu, 0, 101);
        reorderer.Configure(AudioCodec.G722, 9, 101);
        for (var i = 0; i < 3; i++)
        {
            reorderer.Push((ushort)i, (uint)(160 * i), Ssrc, 9, 20 * i, Payload(i));
        }

        reorderer.Flush();

        Assert.Equal([160, 160, 160], sink.Writes);
        Assert.Equal(8000, reorderer.OutputRate);
    }

    [Fact]
    public void ReconfigureWithAnotherCodecFlushesAndSwitches()
    {
        PushStream(0);
        _reorderer.Configure(AudioCodec.Pcma, 8, null);
        _reorderer.Push(1001, 50_160, Ssrc, 8, 20, Payload(1));

        Assert.Equal([.. Decoded(0), .. Payload(1).Select(ALawDecoder.ALawToLinearSample)], _sink.Samples);
    }
}
