using System.Security.Cryptography;
using OrleansRecorder.Silo.Encryption;
using OrleansRecorder.Silo.Recording;
using OrleansRecorder.Tests.Unit.Recording;

namespace OrleansRecorder.Tests.Unit.Encryption;

/// <summary>
/// The append-only format of calls in progress (<c>ORSR1</c>, docs/ENCRYPTION.md): round trip, a torn last record
/// dropped, and every changed byte, reordered record, renamed file or wrong key refused with a clear error.
/// </summary>
public sealed class SegmentRecordFormatTests : IDisposable
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private string PathOf(string name) => Path.Combine(_directory.Path, name);

    /// <summary>Writes each chunk then flushes: one record per chunk (a chunk above the record size splits).</summary>
    private string Write(string name, params byte[][] flushes)
    {
        var path = PathOf(name);
        using var writer = new SegmentRecordWriter(path, Key);
        foreach (var chunk in flushes)
        {
            writer.Write(chunk);
            writer.Flush(flushToDisk: false);
        }

        return path;
    }

    /// <summary>The sample-count source the finalizer uses: the opened segment's length (whole records only).</summary>
    private static long PlainLength(string path)
    {
        using var segment = SegmentFile.TryOpenRead(path, Key);
        return segment?.Length ?? 0;
    }

    private static byte[] ReadAll(string path, byte[]? key = null)
    {
        using var reader = SegmentRecordReader.Open(path, key ?? Key);
        var plain = new byte[reader.Length];
        reader.ReadExactly(plain);
        Assert.Equal(0, reader.Read(new byte[1]));
        return plain;
    }

    [Theory]
    [InlineData(new[] { 1 })]
    [InlineData(new[] { 1600, 1600, 320 })]
    [InlineData(new[] { SegmentRecordHeader.MaxRecordPlaintext })]
    [InlineData(new[] { SegmentRecordHeader.MaxRecordPlaintext + 2, 7 })]
    [InlineData(new[] { 100_000 })]
    public void RoundTripsWhatWasFlushedAndEveryRecordIsSealed(int[] sizes)
    {
        var chunks = sizes.Select(RandomNumberGenerator.GetBytes).ToArray();
        var path = Write("near.pcm", chunks);

        var expected = chunks.SelectMany(c => c).ToArray();
        Assert.Equal(expected, ReadAll(path));
        var records = sizes.Sum(s => (s + SegmentRecordHeader.MaxRecordPlaintext - 1) / SegmentRecordHeader.MaxRecordPlaintext);
        Assert.Equal(
            SegmentRecordHeader.Size + expected.Length + (records * (SegmentRecordHeader.LengthSize + SegmentRecordHeader.TagSize)),
            new FileInfo(path).Length);
    }

    [Fact]
    public void ASmallRecordBufferSplitsAFlushIntoSeveralRecordsThatReadBackWhole()
    {
        // A gap journal's writer: 1 KiB records, 1,004 bytes of plaintext each; 200 gap records of 13 bytes in one flush.
        var path = PathOf("near.pcm.gaps");
        var plain = RandomNumberGenerator.GetBytes(200 * 13);
        using (var writer = new SegmentRecordWriter(path, Key, recordBufferSize: 1024))
        {
            for (var i = 0; i < 200; i++)
            {
                writer.Write(plain.AsSpan(i * 13, 13));
            }

            writer.Flush(flushToDisk: false);
        }

        Assert.Equal(plain, ReadAll(path));
        Assert.Equal(SegmentRecordHeader.Size + plain.Length + (3 * (SegmentRecordHeader.LengthSize + SegmentRecordHeader.TagSize)), new FileInfo(path).Length);
    }

    [Fact]
    public void NothingFlushedIsAnEmptyFileThatReadsEmpty()
    {
        var path = PathOf("far.pcm");
        using (var writer = new SegmentRecordWriter(path, Key))
        {
            writer.Flush(flushToDisk: true);
        }

        Assert.Equal(0, new FileInfo(path).Length);
        Assert.Empty(ReadAll(path));
        Assert.Equal(0, PlainLength(path));
    }

    [Fact]
    public void TheCiphertextHoldsNoPlaintextAndLooksRandom()
    {
        // One second of a 1 kHz tone at 8 kHz, as a leg writes it.
        var tone = new byte[16_000];
        for (var i = 0; i < tone.Length / 2; i++)
        {
            BitConverter.TryWriteBytes(tone.AsSpan(i * 2), (short)(8000 * Math.Sin(2 * Math.PI * 1000 * i / 8000)));
        }

        var cipher = File.ReadAllBytes(Write("near.pcm", tone, tone, tone));

        Assert.Equal(-1, cipher.AsSpan().IndexOf(tone.AsSpan(0, 16)));
        Assert.True(Entropy(cipher.AsSpan(SegmentRecordHeader.Size)) > 7.9, "ciphertext should look random");
        Assert.True(Entropy(tone) < 4, "the tone itself is far from random");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(SegmentRecordHeader.LengthSize)]
    [InlineData(SegmentRecordHeader.LengthSize + 100)]
    [InlineData(SegmentRecordHeader.LengthSize + 320 + SegmentRecordHeader.TagSize - 1)]
    public void ATornLastRecordIsDropped(int keptOfTheLast)
    {
        var first = RandomNumberGenerator.GetBytes(1600);
        var second = RandomNumberGenerator.GetBytes(1600);
        var path = Write("near.pcm", first, second, RandomNumberGenerator.GetBytes(320));
        var lastStart = SegmentRecordHeader.Size + (2 * (SegmentRecordHeader.LengthSize + 1600 + SegmentRecordHeader.TagSize));
        using (var file = new FileStream(path, FileMode.Open))
        {
            file.SetLength(lastStart + keptOfTheLast);
        }

        Assert.Equal([.. first, .. second], ReadAll(path));
        Assert.Equal(3200, PlainLength(path));
    }

    [Fact]
    public void AZeroFilledTailLeftByAPowerLossIsDroppedLikeATornRecord()
    {
        var first = RandomNumberGenerator.GetBytes(1600);
        var path = Write("near.pcm", first);
        using (var file = new FileStream(path, FileMode.Append))
        {
            file.Write(new byte[5000]);
        }

        Assert.Equal(first, ReadAll(path));

        // Zeros followed by anything else are no such tail.
        using (var file = new FileStream(path, FileMode.Append))
        {
            file.WriteByte(1);
        }

        Assert.Contains("declares 0 bytes", Assert.Throws<RecordingTamperedException>(() => ReadAll(path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AFlippedBitAnywhereIsRefusedWithAClearError()
    {
        byte[][] chunks = [RandomNumberGenerator.GetBytes(40), RandomNumberGenerator.GetBytes(24), RandomNumberGenerator.GetBytes(8)];
        var path = Write("near.pcm", chunks);
        var original = File.ReadAllBytes(path);
        var recordStarts = new List<int>();
        for (int at = SegmentRecordHeader.Size, i = 0; i < chunks.Length; at += SegmentRecordHeader.LengthSize + chunks[i].Length + SegmentRecordHeader.TagSize, i++)
        {
            recordStarts.Add(at);
        }

        for (var at = 0; at < original.Length; at++)
        {
            foreach (var bit in new byte[] { 0x01, 0x80 })
            {
                var changed = (byte[])original.Clone();
                changed[at] ^= bit;
                File.WriteAllBytes(path, changed);

                var record = recordStarts.FindIndex(start => at >= start && at < start + SegmentRecordHeader.LengthSize);
                var declared = record < 0 ? 0 : System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(changed.AsSpan(recordStarts[record]));
                if (record >= 0 && declared <= SegmentRecordHeader.MaxRecordPlaintext
                    && recordStarts[record] + SegmentRecordHeader.LengthSize + declared + SegmentRecordHeader.TagSize > original.Length)
                {
                    // A length now running past the end reads as a torn tail: the records before it, nothing after
                    // (an append-only file cannot tell this from a crash mid-write; docs/ENCRYPTION.md).
                    Assert.Equal(chunks[..record].SelectMany(c => c).ToArray(), ReadAll(path));
                    continue;
                }

                var error = Assert.Throws<RecordingTamperedException>(() => ReadAll(path));
                Assert.Contains("near.pcm", error.Message, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void ReorderedRecordsARenamedFileAndAWrongKeyAreRefused()
    {
        var path = Write("near.pcm", RandomNumberGenerator.GetBytes(100), RandomNumberGenerator.GetBytes(100));
        var original = File.ReadAllBytes(path);
        var record = SegmentRecordHeader.LengthSize + 100 + SegmentRecordHeader.TagSize;
        byte[] swapped = [.. original[..SegmentRecordHeader.Size], .. original[(SegmentRecordHeader.Size + record)..], .. original[SegmentRecordHeader.Size..(SegmentRecordHeader.Size + record)]];
        File.WriteAllBytes(path, swapped);
        Assert.Contains("record 0", Assert.Throws<RecordingTamperedException>(() => ReadAll(path)).Message, StringComparison.Ordinal);

        // The near end's segment presented as the far end's (channels swapped on disk).
        File.WriteAllBytes(PathOf("far.pcm"), original);
        Assert.Throws<RecordingTamperedException>(() => ReadAll(PathOf("far.pcm")));

        File.WriteAllBytes(path, original);
        Assert.Throws<RecordingTamperedException>(() => ReadAll(path, RandomNumberGenerator.GetBytes(32)));
        Assert.Equal(200, ReadAll(path).Length);
    }

    [Fact]
    public void APlainFileWhereAnEncryptedOneIsExpectedIsRefused()
    {
        var path = PathOf("near.pcm");
        File.WriteAllBytes(path, new byte[64]);

        var error = Assert.Throws<RecordingTamperedException>(() => ReadAll(path));
        Assert.Contains("not an encrypted segment", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Shannon entropy in bits per byte.</summary>
    private static double Entropy(ReadOnlySpan<byte> bytes)
    {
        Span<int> counts = stackalloc int[256];
        foreach (var b in bytes)
        {
            counts[b]++;
        }

        var entropy = 0.0;
        foreach (var count in counts)
        {
            if (count > 0)
            {
                var p = (double)count / bytes.Length;
                entropy -= p * Math.Log2(p);
            }
        }

        return entropy;
    }
}
