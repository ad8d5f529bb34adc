using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using OrleansRecorder.Silo.Recording.Opus;

namespace OrleansRecorder.Tests.Unit.Recording.Opus;

public sealed class OggOpusWriterTests(ITestOutputHelper output)
{
    private const double MaxBytesPerHour = 12_000_000;

    [Fact]
    public void OpusHeadIsAloneOnTheBosPageWithTwoChannelsPreSkipInputRateZeroGainAndTwoUncoupledStreams()
    {
        using var stream = new MemoryStream();
        int preSkip;
        using (var writer = new OggOpusWriter(stream, new OpusEncoderOptions(), 42))
        {
            preSkip = writer.PreSkip;
            writer.Write(CallAudio.Tones(0.1, 600, 1400));
            writer.Complete();
        }

        var pages = OggTestReader.ReadPages(stream.ToArray());
        var head = pages[0];
        Assert.True(head.IsBeginningOfStream);
        Assert.Equal(0, head.GranulePosition);
        Assert.Equal([23], head.LacingValues);
        var body = head.Body;
        Assert.Equal("OpusHead"u8.ToArray(), body[..8]);
        Assert.Equal(1, body[8]);
        Assert.Equal(2, body[9]);
        Assert.Equal(preSkip, BinaryPrimitives.ReadUInt16LittleEndian(body.AsSpan(10)));
        Assert.Equal(8000u, BinaryPrimitives.ReadUInt32LittleEndian(body.AsSpan(12)));
        Assert.Equal(0, BinaryPrimitives.ReadInt16LittleEndian(body.AsSpan(16)));
        Assert.Equal(1, body[18]); // mapping family 1: Vorbis order, left then right
        Assert.Equal(2, body[19]); // streams
        Assert.Equal(0, body[20]); // coupled streams
        Assert.Equal([0, 1], body[21..]); // left from stream 0, right from stream 1

        // Pre-skip is the encoder lookahead in 48 kHz samples: libopus at 8 kHz VoIP has 2.5 ms + 4 ms = 52 samples.
        Assert.True(preSkip > 0 && preSkip % 6 == 0, $"pre-skip {preSkip}");
        output.WriteLine($"pre-skip {preSkip} (48 kHz samples)");
    }

    [Fact]
    public void OpusTagsIsAloneOnTheSecondPageWithVendorAndEncoderComments()
    {
        var file = OpusTestAudio.Encode(CallAudio.Tones(0.1, 600, 1400), comments: ["RECORDING_ID=abc"]);

        var pages = OggTestReader.ReadPages(file);
        var tagsPage = pages[1];
        Assert.False(tagsPage.IsBeginningOfStream);
        Assert.False(tagsPage.IsContinuation);
        Assert.Equal(0, tagsPage.GranulePosition);
        var tags = Assert.Single(OggTestReader.ReadPackets([tagsPage])).Packet;
        Assert.False(pages[2].IsContinuation);

        Assert.Equal("OpusTags"u8.ToArray(), tags[..8]);
        var offset = 8;
        var vendor = ReadString(tags, ref offset);
        var count = BinaryPrimitives.ReadUInt32LittleEndian(tags.AsSpan(offset));
        offset += 4;
        var comments = new List<string>();
        for (var i = 0; i < count; i++)
        {
            comments.Add(ReadString(tags, ref offset));
        }

        Assert.Equal(tags.Length, offset);
        Assert.Equal("OrleansRecorder", vendor);
        Assert.Contains(comments, c => c.StartsWith("ENCODER=", StringComparison.Ordinal));
        Assert.Contains("RECORDING_ID=abc", comments);
        Assert.Contains(comments, c => c.Contains("bitrate=16000", StringComparison.Ordinal));
        Assert.All(comments, c => Assert.True(c.IndexOf('=', StringComparison.Ordinal) > 0, $"comment '{c}' has no field name"));
        output.WriteLine(string.Join(Environment.NewLine, comments));
    }

    [Fact]
    public void ThreeSecondsOfTonesDecodeWith600HzLeftAnd1400HzRightAtTheExactLength()
    {
        var input = CallAudio.Tones(3, leftHz: 600, rightHz: 1400);
        using var stream = new MemoryStream();
        int preSkip;
        bool native;
        using (var writer = new OggOpusWriter(stream, new OpusEncoderOptions(), 7))
        {
            preSkip = writer.PreSkip;
            native = writer.IsNative;
            writer.Write(input);
            writer.Complete();
        }

        var file = stream.ToArray();
        var pages = OggTestReader.ReadPages(file);
        var audioPackets = OggTestReader.ReadPackets(pages).Skip(2).Select(p => p.Packet).ToList();
        Assert.True(pages[^1].IsEndOfStream);
        var finalGranule = pages[^1].GranulePosition;
        Assert.Equal(preSkip + (3 * 48000), finalGranule);

        var decoded = OpusTestAudio.DecodeAll(audioPackets, 48000);
        var decodedFrames = decoded.Length / 2;
        var playable = decodedFrames - preSkip;
        Assert.InRange(playable, 3 * 48000, (3 * 48000) + 960 - 1);
        var trimmed = decoded.AsSpan(preSkip * 2, (int)(finalGranule - preSkip) * 2);
        Assert.Equal(3 * 48000, trimmed.Length / 2);

        // Skip the first 100 ms (encoder start-up), measure the rest.
        var left = OpusTestAudio.Channel(trimmed, 0).AsSpan(4800);
        var right = OpusTestAudio.Channel(trimmed, 1).AsSpan(4800);
        var left600 = Goertzel.Power(left, 600, 48000);
        var left1400 = Goertzel.Power(left, 1400, 48000);
        var right600 = Goertzel.Power(right, 600, 48000);
        var right1400 = Goertzel.Power(right, 1400, 48000);
        Assert.True(left600 > 100 * left1400, $"left: 600 Hz {left600:E2}, 1400 Hz {left1400:E2}");
        Assert.True(right1400 > 100 * right600, $"right: 1400 Hz {right1400:E2}, 600 Hz {right600:E2}");

        var bytesPerHour = file.Length / 3.0 * 3600;
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{(native ? "native libopus" : "managed Concentus")}: {file.Length} bytes for 3 s, {audioPackets.Count} packets, {pages.Count} pages, pre-skip {preSkip} → {bytesPerHour / 1e6:F2} MB per recorded hour"));
        Assert.True(bytesPerHour <= MaxBytesPerHour, $"{bytesPerHour:F0} bytes per hour");
    }

    [Fact]
    public void PreSkipAlignsTheDecodedSignalWithTheInputAt8Kilohertz()
    {
        var input = CallAudio.Tones(1, leftHz: 440, rightHz: 440);
        var file = OpusTestAudio.Encode(input, new OpusEncoderOptions { Bitrate = 32_000 });
        var pages = OggTestReader.ReadPages(file);
        var preSkip8k = BinaryPrimitives.ReadUInt16LittleEndian(pages[0].Body.AsSpan(10)) / 6;

        var decoded = OpusTestAudio.DecodeAll(OggTestReader.ReadPackets(pages).Skip(2).Select(p => p.Packet), 8000);
        var left = OpusTestAudio.Channel(decoded, 0).AsSpan(preSkip8k, 8000);
        var reference = OpusTestAudio.Channel(input, 0);

        // A 440 Hz period is 18 samples at 8 kHz: within ±6 the correlation has one peak, at the true delay.
        var bestLag = 0;
        var best = double.MinValue;
        for (var lag = -6; lag <= 6; lag++)
        {
            double sum = 0;
            for (var i = 1000; i < 7000; i++)
            {
                sum += (double)left[i + lag] * reference[i];
            }

            if (sum > best)
            {
                best = sum;
                bestLag = lag;
            }
        }

        Assert.InRange(bestLag, -1, 1);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(51)]
    [InlineData(159)]
    [InlineData(160)]
    [InlineData(161)]
    [InlineData(4000)]
    public void TheFinalGranuleIsPreSkipPlusSixTimesTheSamplesAndTrimsOnlyWithinTheLastPacket(int samples)
    {
        var input = CallAudio.Tones(samples / 8000.0, 300, 700);
        var file = OpusTestAudio.Encode(input);

        var pages = OggTestReader.ReadPages(file);
        var packets = OggTestReader.ReadPackets(pages);
        var preSkip = BinaryPrimitives.ReadUInt16LittleEndian(pages[0].Body.AsSpan(10));
        var audioPackets = packets.Count - 2;
        var last = pages[^1];

        Assert.True(last.IsEndOfStream);
        Assert.Equal(preSkip + (6L * samples), last.GranulePosition);
        Assert.True(audioPackets >= 1);
        Assert.InRange(last.GranulePosition, ((audioPackets - 1) * 960L) + 1, audioPackets * 960L);
        Assert.Equal(audioPackets, OpusTestAudio.DecodeAll(packets.Skip(2).Select(p => p.Packet), 48000).Length / 2 / 960);

        var granules = pages.Select(p => p.GranulePosition).Where(g => g >= 0).ToList();
        Assert.Equal(granules.Order(), granules);
    }

    [Fact]
    public void RejectsOddSampleCountsAndWritesAfterComplete()
    {
        using var stream = new MemoryStream();
        using var writer = new OggOpusWriter(stream, new OpusEncoderOptions(), 1);
        Assert.Throws<ArgumentException>(() => writer.Write(new short[3]));
        writer.Complete();
        Assert.Throws<InvalidOperationException>(() => writer.Write(new short[2]));
    }

    [Theory]
    [InlineData(5_000, 0)]
    [InlineData(16_000, 11)]
    public void RejectsSettingsOutsideWhatLibopusAccepts(int bitrate, int complexity)
    {
        var options = new OpusEncoderOptions { Bitrate = bitrate, Complexity = complexity };
        Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
    }

    [Fact]
    public void TwoMinutesOfSpeechLikeAudioStayUnderTwelveMegabytesPerHour()
    {
        var input = CallAudio.SpeechLike(120, seed: 1);
        using var stream = new MemoryStream();
        var started = ThreadCpuTime();
        var wall = Stopwatch.StartNew();
        bool native;
        using (var writer = new OggOpusWriter(stream, new OpusEncoderOptions(), 9))
        {
            native = writer.IsNative;
            for (var offset = 0; offset < input.Length; offset += 2 * 4096)
            {
                writer.Write(input.AsSpan(offset, Math.Min(2 * 4096, input.Length - offset)));
            }

            writer.Complete();
        }

        wall.Stop();
        var cpu = ThreadCpuTime() - started;
        var bytesPerHour = stream.Length / 120.0 * 3600;
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{(native ? "native libopus" : "managed Concentus")}, 16 kbit/s, complexity 0: {stream.Length} bytes for 120 s → {bytesPerHour / 1e6:F2} MB/h; encode {wall.Elapsed.TotalSeconds:F2} s wall, {cpu?.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture) ?? "?"} s thread CPU → {(cpu ?? wall.Elapsed).TotalSeconds * 30:F1} CPU-s per call-hour"));
        Assert.True(bytesPerHour <= MaxBytesPerHour, $"{bytesPerHour:F0} bytes per hour");
    }

    private static string ReadString(byte[] data, ref int offset)
    {
        var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(offset));
        var value = Encoding.UTF8.GetString(data, offset + 4, length);
        offset += 4 + length;
        return value;
    }

    /// <summary>This thread's user + system CPU from /proc (Linux), so tests running in parallel do not inflate it.</summary>
    private static TimeSpan? ThreadCpuTime()
    {
        try
        {
            var stat = File.ReadAllText("/proc/thread-self/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return TimeSpan.FromSeconds(ticks / 100.0);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
