using System.Buffers.Binary;
using OrleansRecorder.Silo.Recording.Opus;

namespace OrleansRecorder.Tests.Unit.Recording.Opus;

/// <summary>Ogg Opus files of one channel per SIPREC stream: 1 (a single mixed stream), 3, and more than 8.</summary>
public sealed class OggOpusChannelsTests
{
    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 1)]
    [InlineData(3, 1)]
    [InlineData(8, 1)]
    [InlineData(9, 255)]
    [InlineData(255, 255)]
    public void Rfc7845_Section5_1_1_MappingFamilyIsZeroForMonoOneUpToEightChannels255Above(int channels, int family) =>
        Assert.Equal(family, OggOpusWriter.MappingFamily(channels));

    [Fact]
    public void Rfc7845_Section5_1_1_1_MonoIsFamilyZeroWithoutAMappingTable()
    {
        var head = OggOpusWriter.BuildOpusHead(312, 8000, 1);

        Assert.Equal(19, head.Length); // §5.1: the table is only present for families other than 0
        Assert.Equal("OpusHead"u8.ToArray(), head[..8]);
        Assert.Equal(1, head[9]);
        Assert.Equal(312, BinaryPrimitives.ReadUInt16LittleEndian(head.AsSpan(10)));
        Assert.Equal(0, head[18]);
    }

    [Theory]
    [InlineData(3, 1)]
    [InlineData(9, 255)]
    public void Rfc7845_Section5_1_1_MoreChannelsAreOneUncoupledStreamEachWithAnIdentityMappingTable(int channels, int family)
    {
        var head = OggOpusWriter.BuildOpusHead(312, 16000, channels);

        Assert.Equal(21 + channels, head.Length);
        Assert.Equal(channels, head[9]);
        Assert.Equal(16000u, BinaryPrimitives.ReadUInt32LittleEndian(head.AsSpan(12)));
        Assert.Equal(family, head[18]);
        Assert.Equal(channels, head[19]); // stream count N
        Assert.Equal(0, head[20]); // coupled stream count M
        Assert.Equal(Enumerable.Range(0, channels).Select(i => (byte)i).ToArray(), head[21..]); // channel i from stream i
    }

    [Fact]
    public void TheStereoHeaderIsStillTheCallsTwentyThreeBytes()
    {
        var head = OggOpusWriter.BuildOpusHead(312);

        Assert.Equal(OggOpusWriter.BuildOpusHead(312, 8000, 2), head);
        Assert.Equal([1, 2, 0, 0, 1], head[18..]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(9)]
    public void EachChannelDecodesToItsOwnToneAtTheExactLength(int channels)
    {
        var tones = Enumerable.Range(0, channels).Select(i => 500.0 + (i * 300)).ToArray();
        const int frames = 12_000; // 1.5 s at 8 kHz
        var pcm = new short[frames * channels];
        for (var i = 0; i < frames; i++)
        {
            for (var c = 0; c < channels; c++)
            {
                pcm[(i * channels) + c] = (short)Math.Round(8000 * Math.Sin(2 * Math.PI * tones[c] * i / 8000));
            }
        }

        using var file = new MemoryStream();
        using (var writer = new OggOpusWriter(file, new OpusEncoderOptions(), 5, null, 8000, channels))
        {
            for (var offset = 0; offset < pcm.Length; offset += channels * 737)
            {
                writer.Write(pcm.AsSpan(offset, Math.Min(channels * 737, pcm.Length - offset)));
            }

            writer.Complete();
        }

        // RFC 7845 §4.5: the last page's granule trims the padding, so a player gets exactly the input's length.
        var pages = OggTestReader.ReadPages(file.ToArray());
        var preSkip = BinaryPrimitives.ReadUInt16LittleEndian(pages[0].Body.AsSpan(10));
        Assert.Equal(preSkip + (frames * 6L), pages[^1].GranulePosition);

        file.Position = 0;
        using var reader = new OggOpusReader(file);
        Assert.Equal(channels, reader.Channels);
        var decoded = new List<short>();
        var buffer = new short[reader.BufferLength];
        int read;
        while ((read = reader.Read(buffer)) > 0)
        {
            decoded.AddRange(buffer.AsSpan(0, read * channels).ToArray());
        }

        Assert.True(decoded.Count >= frames * channels, $"decoded {decoded.Count / channels} frames of {frames}");
        for (var c = 0; c < channels; c++)
        {
            var channel = decoded.Skip(800 * channels).Where((_, i) => i % channels == c).ToArray();
            var own = Goertzel.Power(channel, tones[c], 8000);
            for (var other = 0; other < channels; other++)
            {
                if (other != c)
                {
                    var leak = Goertzel.Power(channel, tones[other], 8000);
                    Assert.True(own > 100 * leak, $"channel {c} of {channels}: {tones[c]} Hz {own:E2}, {tones[other]} Hz {leak:E2}");
                }
            }
        }
    }

    [Fact]
    public void TheBitrateSettingIsPerTwoChannelsSoEveryChannelKeepsACallChannelsShare()
    {
        var options = new OpusEncoderOptions();
        using var stereo = new OpusFrameEncoder(options, 8000, 2);
        using var mono = new OpusFrameEncoder(options, 8000, 1);
        using var five = new OpusFrameEncoder(options, 8000, 5);

        Assert.Equal(options.Bitrate, stereo.Bitrate);
        Assert.Equal(options.Bitrate / 2, mono.Bitrate);
        Assert.Equal(options.Bitrate * 5 / 2, five.Bitrate);
    }
}
