using OrleansRecorder.Silo.Media;
using OrleansRecorder.Silo.Media.Rtp;

namespace OrleansRecorder.Tests.Unit.Media;

/// <summary>RFC 4733 telephone events become events with their times, never audio.</summary>
public sealed class TelephoneEventTests
{
    private const uint Ssrc = 0x4733;
    private readonly RecordingPcmSink _sink = new();
    private readonly RtpJitterReorderer _reorderer;
    private readonly byte[] _speech = new byte[160];

    public TelephoneEventTests()
    {
        _reorderer = new RtpJitterReorderer(_sink, 5, 1488, TimeSpan.FromMinutes(1), 1000);
        _reorderer.Configure(AudioCodec.Pcmu, 0, 101);
    }

    /// <summary>RFC 4733 §2.3: event, E|R|volume, duration (16 bits, RTP clock units).</summary>
    private static byte[] Event(int code, bool end, int duration) =>
        [(byte)code, (byte)((end ? 0x80 : 0) | 10), (byte)(duration >> 8), (byte)duration];

    [Fact]
    public void AnEventIsReportedOnceWithItsStartAndDurationAndTheEndRetransmissionsAreIgnored()
    {
        ushort sequence = 0;
        for (var i = 0; i < 10; i++)
        {
            _reorderer.Push(sequence++, (uint)(160 * i), Ssrc, 0, 20 * i, _speech);
        }

        // RFC 4733 §2.5.1.2: one timestamp for the whole event (its start, 1600), growing durations; §2.5.1.4: the end
        // packet three times.
        foreach (var (duration, end) in new[] { (160, false), (320, false), (480, false), (800, true), (800, true), (800, true) })
        {
            _reorderer.Push(sequence++, 1600, Ssrc, 101, 200 + (duration / 8), Event(5, end, duration));
        }

        for (var i = 0; i < 5; i++)
        {
            _reorderer.Push(sequence++, (uint)(2400 + (160 * i)), Ssrc, 0, 300 + (20 * i), _speech);
        }

        _reorderer.Flush();

        var dtmf = Assert.Single(_sink.Events);
        Assert.Equal((5, 1600L, 100), dtmf);
        Assert.Equal(6, _reorderer.GetStats(0, 0, 0).TelephoneEvents);

        // Not in the audio: the event's 100 ms is silence, the speech packets are what was decoded.
        Assert.Equal(2400 + 800, _sink.Count);
        Assert.Equal([800], _sink.Silences);
    }

    [Fact]
    public void TwoDigitsInARowAreTwoEventsAndAnEventWithoutEndIsReportedAtTheEnd()
    {
        _reorderer.Push(0, 0, Ssrc, 0, 0, _speech);
        _reorderer.Push(1, 160, Ssrc, 101, 20, Event(1, false, 160));
        _reorderer.Push(2, 160, Ssrc, 101, 40, Event(1, true, 640));
        _reorderer.Push(3, 1600, Ssrc, 101, 200, Event(11, false, 320));

        // The end packets of '#' were lost; the leg ends.
        _reorderer.Flush();

        Assert.Equal([(1, 160L, 80), (11, 1600L, 40)], _sink.Events);
    }

    [Fact]
    public void AShortEventPayloadIsMalformedNotAnEvent()
    {
        _reorderer.Push(0, 0, Ssrc, 0, 0, _speech);
        _reorderer.Push(1, 160, Ssrc, 101, 20, [5, 0x80]);
        _reorderer.Flush();

        Assert.Empty(_sink.Events);
        Assert.Equal(1, _reorderer.GetStats(0, 0, 0).PacketsMalformed);
    }
}
