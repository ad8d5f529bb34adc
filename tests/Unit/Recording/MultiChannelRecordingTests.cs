using System.Buffers.Binary;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using OrleansRecorder.Abstractions.Calls;
using OrleansRecorder.Silo.Recording;
using OrleansRecorder.Silo.Siprec;

namespace OrleansRecorder.Tests.Unit.Recording;

/// <summary>SIPREC sessions finalized into one channel per stream: a mono file for one stream, N channels for N.</summary>
public sealed class MultiChannelRecordingTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(RecordingSessionTests.Info("start").StartedAt);

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task ThreeStreamsAreAThreeChannelExtensibleWaveInterleavedInChannelOrder()
    {
        var session = RecordingSession.Create(Options(), Info("three", 3), _time);
        var third = session.OpenChannel(2, "3")!;
        var now = _time.GetTimestamp();
        session.NearEnd.OnFirstPacket(now);
        session.FarEnd.OnFirstPacket(now);
        third.OnFirstPacket(now);
        session.NearEnd.Write([1, 2]);
        session.FarEnd.Write([-3, -4]);
        third.Write([5, 6]);

        var result = await session.FinalizeAsync(RecordingStatus.Complete, null, null, [], TestContext.Current.CancellationToken);

        var bytes = await File.ReadAllBytesAsync(result.AudioPath, TestContext.Current.CancellationToken);
        var fmt = Chunk(bytes, "fmt ");
        Assert.Equal(40, fmt.Length); // WAVEFORMATEXTENSIBLE: 18 + 22
        Assert.Equal(0xFFFE, BinaryPrimitives.ReadUInt16LittleEndian(fmt)); // WAVE_FORMAT_EXTENSIBLE
        Assert.Equal(3, BinaryPrimitives.ReadUInt16LittleEndian(fmt[2..]));
        Assert.Equal(8000, BinaryPrimitives.ReadInt32LittleEndian(fmt[4..]));
        Assert.Equal(8000 * 3 * 2, BinaryPrimitives.ReadInt32LittleEndian(fmt[8..])); // byte rate
        Assert.Equal(6, BinaryPrimitives.ReadUInt16LittleEndian(fmt[12..])); // block align: 3 channels × 2 bytes
        Assert.Equal(16, BinaryPrimitives.ReadUInt16LittleEndian(fmt[14..]));
        Assert.Equal(22, BinaryPrimitives.ReadUInt16LittleEndian(fmt[16..])); // cbSize
        Assert.Equal(16, BinaryPrimitives.ReadUInt16LittleEndian(fmt[18..])); // valid bits
        Assert.Equal(0, BinaryPrimitives.ReadInt32LittleEndian(fmt[20..])); // channel mask: streams, no speaker positions
        Assert.Equal(new Guid("00000001-0000-0010-8000-00aa00389b71"), new Guid(fmt[24..40])); // KSDATAFORMAT_SUBTYPE_PCM
        Assert.Equal([1, -3, 5, 2, -4, 6], Samples(Chunk(bytes, "data")));

        Assert.Equal(3, result.Manifest.Channels);
        var extra = Assert.Single(result.Manifest.ExtraChannels!);
        Assert.Equal((2, "3", 2L), (extra.Channel!.Value, extra.Label, extra.Samples));
    }

    [Fact]
    public async Task ASingleMixedStreamIsAMonoWave()
    {
        var session = RecordingSession.Create(Options(), Info("mono", 1), _time);
        session.NearEnd.OnFirstPacket(_time.GetTimestamp());
        session.NearEnd.Write([7, -8, 9]);

        var result = await session.FinalizeAsync(RecordingStatus.Complete, null, null, [], TestContext.Current.CancellationToken);

        var bytes = await File.ReadAllBytesAsync(result.AudioPath, TestContext.Current.CancellationToken);
        var fmt = Chunk(bytes, "fmt ");
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(fmt)); // plain PCM
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(fmt[2..]));
        Assert.Equal(2, BinaryPrimitives.ReadUInt16LittleEndian(fmt[12..]));
        Assert.Equal([7, -8, 9], Samples(Chunk(bytes, "data")));
        Assert.Equal(1, result.Manifest.Channels);
        Assert.Null(result.Manifest.ExtraChannels);
    }

    [Fact]
    public async Task AStreamAddedLaterIsSilentBeforeItsFirstPacketEvenBeyondTheTenSecondAlignmentClamp()
    {
        var session = RecordingSession.Create(Options(), Info("late", 3), _time);
        session.NearEnd.OnFirstPacket(_time.GetTimestamp());
        session.FarEnd.OnFirstPacket(_time.GetTimestamp());
        session.NearEnd.Write(Enumerable.Repeat((short)100, 8000 * 31).ToArray());
        session.FarEnd.Write(Enumerable.Repeat((short)200, 8000 * 31).ToArray());
        _time.Advance(TimeSpan.FromSeconds(30));
        var third = session.OpenChannel(2, "conf")!;
        third.OnFirstPacket(_time.GetTimestamp());
        third.Write(Enumerable.Repeat((short)300, 8000).ToArray());

        var result = await session.FinalizeAsync(RecordingStatus.Complete, null, null, [], TestContext.Current.CancellationToken);

        var extra = Assert.Single(result.Manifest.ExtraChannels!);
        Assert.Equal(30L * 8000, extra.LeadingSilenceSamples);
        Assert.Equal(31.0, result.Manifest.DurationSeconds, 6);
        var samples = Samples(Chunk(await File.ReadAllBytesAsync(result.AudioPath, TestContext.Current.CancellationToken), "data"));
        Assert.Equal((short)0, samples[((30 * 8000) - 1) * 3 + 2]);
        Assert.Equal((short)300, samples[(30 * 8000 * 3) + 2]);
        Assert.Equal((short)100, samples[(30 * 8000 * 3) + 0]);
    }

    [Fact]
    public async Task TheSessionFileKeepsFurtherChannelsSoRecoveryFinalizesThemToo()
    {
        var options = Options();
        await using (var session = RecordingSession.Create(options, Info("crash", 3), _time))
        {
            var third = session.OpenChannel(2, "3")!;
            session.NearEnd.OnFirstPacket(_time.GetTimestamp());
            third.OnFirstPacket(_time.GetTimestamp());
            session.NearEnd.Write([1, 1]);
            third.Write([3, 3]);
            Assert.Null(session.OpenChannel(2, "again"));
        }

        var recovered = Assert.Single(await RecordingRecovery.FinalizeInterruptedAsync(options, _time,
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, TestContext.Current.CancellationToken));

        Assert.Equal(3, recovered.Manifest.Channels);
        Assert.Equal([1, 0, 3, 1, 0, 3], Samples(Chunk(await File.ReadAllBytesAsync(recovered.AudioPath, TestContext.Current.CancellationToken), "data")));
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(recovered.ManifestPath, TestContext.Current.CancellationToken));
        Assert.Equal("3", json.RootElement.GetProperty("extraChannels")[0].GetProperty("label").GetString());
    }

    [Fact]
    public void AlignAllStartsTheEarliestChannelAtZeroAndClampsEachToItsOwnLimit()
    {
        var zero = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var (leads, start) = SegmentFinalizer.AlignAll(
        [
            (zero.AddMilliseconds(100), 10, 80_000),
            (zero, 10, 80_000),
            (zero.AddMinutes(1), 10, 80_000),
            (zero.AddMinutes(1), 10, 1_000_000),
            (null, 10, 80_000),
            (zero.AddSeconds(-5), 0, 80_000), // no audio: neither the zero nor delayed
        ], 8000);

        Assert.Equal(zero, start);
        Assert.Equal([800L, 0, 80_000, 480_000, 0, 0], leads);
    }

    private RecordingOptions Options() => new() { DataDirectory = _directory.Path, FlushInterval = TimeSpan.FromSeconds(1) };

    private static RecordingInfo Info(string id, int channels) => RecordingSessionTests.Info(id) with
    {
        Siprec = new SiprecRecordingInfo { StreamMapping = SiprecStreamMap.ByOrder, Channels = channels },
    };

    private static ReadOnlySpan<byte> Chunk(byte[] wave, string id)
    {
        var offset = 12;
        while (offset + 8 <= wave.Length)
        {
            var size = BinaryPrimitives.ReadInt32LittleEndian(wave.AsSpan(offset + 4));
            if (wave.AsSpan(offset, 4).SequenceEqual(System.Text.Encoding.ASCII.GetBytes(id)))
            {
                return wave.AsSpan(offset + 8, size);
            }

            offset += 8 + size + (size & 1);
        }

        throw new InvalidDataException($"no {id} chunk");
    }

    private static short[] Samples(ReadOnlySpan<byte> data)
    {
        var samples = new short[data.Length / 2];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = BinaryPrimitives.ReadInt16LittleEndian(data[(2 * i)..]);
        }

        return samples;
    }
}
