using System.Security.Cryptography;
using OrleansRecorder.Silo.Encryption;

namespace OrleansRecorder.Tests.Unit.Encryption;

/// <summary>The encrypted recording format (docs/ENCRYPTION.md): round trip, random access, and every kind of tampering refused.</summary>
public sealed class SegmentedAeadFormatTests
{
    // Small segments make every boundary cheap to reach; the format is the same at 64 KiB.
    private const int Segment = 64;
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(Segment - 1)]
    [InlineData(Segment)]
    [InlineData(Segment + 1)]
    [InlineData((3 * Segment) + 17)]
    [InlineData(4 * Segment)]
    public async Task RoundTripsAnyLengthWithTheExpectedFileSize(int length)
    {
        var plain = RandomNumberGenerator.GetBytes(length);
        var cipher = await EncryptAsync(plain);

        var segments = Math.Max(1, (length + Segment - 1) / Segment);
        Assert.Equal(SegmentedAeadHeader.Size + length + (segments * SegmentedAeadHeader.TagSize), cipher.Length);
        Assert.Equal(plain, Decrypt(cipher));
    }

    [Fact]
    public async Task DefaultSegmentsAre64KiBAndTheFileCarriesNoPlaintext()
    {
        var plain = new byte[200_000];
        Array.Fill(plain, (byte)0x55);
        using var output = new MemoryStream();
        await SegmentedAeadWriter.EncryptAsync(new MemoryStream(plain), plain.Length, output, Key, Ct);
        var cipher = output.ToArray();

        var header = SegmentedAeadHeader.Parse(cipher);
        Assert.Equal(64 * 1024, header.SegmentSize);
        Assert.Equal(4, header.SegmentCount);
        Assert.DoesNotContain(cipher.AsSpan(SegmentedAeadHeader.Size).ToArray().Chunk(16), c => c.All(b => b == 0x55));
        Assert.Equal(plain, Decrypt(cipher));
    }

    [Fact]
    public async Task EveryRangeReadsExactlyThePlaintextItCovers()
    {
        const int length = (3 * Segment) + 17;
        var plain = RandomNumberGenerator.GetBytes(length);
        var cipher = await EncryptAsync(plain);
        using var stream = new DecryptingStream(new MemoryStream(cipher), Key);

        // Every (start, end) pair: inside one segment, on boundaries, across two or more, into the partial last one.
        for (var start = 0; start < length; start++)
        {
            for (var end = start; end < length; end += 7)
            {
                stream.Position = start;
                var read = new byte[end - start + 1];
                stream.ReadExactly(read);
                Assert.Equal(plain.AsSpan(start, read.Length).ToArray(), read);
            }
        }

        stream.Position = length;
        Assert.Equal(0, stream.Read(new byte[10]));
        Assert.Equal(length, stream.Length);
    }

    [Fact]
    public async Task AFlippedBitAnywhereIsRefused()
    {
        var plain = RandomNumberGenerator.GetBytes((2 * Segment) + 5);
        var cipher = await EncryptAsync(plain);
        for (var i = 0; i < cipher.Length; i++)
        {
            var changed = (byte[])cipher.Clone();
            changed[i] ^= (byte)(1 << (i % 8));
            Assert.Throws<RecordingTamperedException>(() => Decrypt(changed));
        }
    }

    [Fact]
    public async Task TruncationIsRefusedEvenWhenTheHeaderIsMadeToAgree()
    {
        var plain = RandomNumberGenerator.GetBytes(3 * Segment);
        var cipher = await EncryptAsync(plain);

        // Cut at a segment boundary: the length no longer matches the header.
        var cut = cipher.AsSpan(0, SegmentedAeadHeader.Size + (2 * (Segment + SegmentedAeadHeader.TagSize))).ToArray();
        Assert.Throws<RecordingTamperedException>(() => Decrypt(cut));

        // Cut and the header's length edited to match: the header is every segment's associated data, and the new
        // last segment was not sealed as last.
        var forged = (byte[])cut.Clone();
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(forged.AsSpan(12), 2 * Segment);
        Assert.Throws<RecordingTamperedException>(() => Decrypt(forged));

        // A single extra byte appended.
        Assert.Throws<RecordingTamperedException>(() => Decrypt([.. cipher, 0]));
    }

    [Fact]
    public async Task ReorderedOrDuplicatedSegmentsAreRefused()
    {
        var plain = RandomNumberGenerator.GetBytes(3 * Segment);
        var cipher = await EncryptAsync(plain);
        var size = Segment + SegmentedAeadHeader.TagSize;

        var swapped = (byte[])cipher.Clone();
        cipher.AsSpan(SegmentedAeadHeader.Size, size).CopyTo(swapped.AsSpan(SegmentedAeadHeader.Size + size));
        cipher.AsSpan(SegmentedAeadHeader.Size + size, size).CopyTo(swapped.AsSpan(SegmentedAeadHeader.Size));
        Assert.Throws<RecordingTamperedException>(() => Decrypt(swapped));

        var duplicated = (byte[])cipher.Clone();
        cipher.AsSpan(SegmentedAeadHeader.Size, size).CopyTo(duplicated.AsSpan(SegmentedAeadHeader.Size + size));
        Assert.Throws<RecordingTamperedException>(() => Decrypt(duplicated));
    }

    [Fact]
    public async Task ASegmentFromAnotherFileUnderTheSameKeyIsRefused()
    {
        var first = await EncryptAsync(RandomNumberGenerator.GetBytes(2 * Segment));
        var second = await EncryptAsync(RandomNumberGenerator.GetBytes(2 * Segment));
        var spliced = (byte[])first.Clone();
        second.AsSpan(SegmentedAeadHeader.Size, Segment + SegmentedAeadHeader.TagSize).CopyTo(spliced.AsSpan(SegmentedAeadHeader.Size));

        Assert.Throws<RecordingTamperedException>(() => Decrypt(spliced));
    }

    [Fact]
    public async Task TheWrongKeyIsRefused()
    {
        var cipher = await EncryptAsync(RandomNumberGenerator.GetBytes(100));
        Assert.Throws<RecordingTamperedException>(() => new DecryptingStream(new MemoryStream(cipher), RandomNumberGenerator.GetBytes(32)));
    }

    [Fact]
    public void PlainAudioIsNotTakenForAnEncryptedRecording()
    {
        Assert.False(SegmentedAeadHeader.IsEncrypted("OggS\0\u0002"u8));
        Assert.Throws<InvalidDataException>(() => SegmentedAeadHeader.Parse(new byte[SegmentedAeadHeader.Size]));
    }

    private static async Task<byte[]> EncryptAsync(byte[] plain)
    {
        using var output = new MemoryStream();
        await SegmentedAeadWriter.EncryptAsync(new MemoryStream(plain), plain.Length, output, Key, Ct, segmentSize: Segment);
        return output.ToArray();
    }

    private static byte[] Decrypt(byte[] cipher) => Plaintext.Of(new MemoryStream(cipher), Key);
}
