using System.Security.Cryptography;
using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Tests.Unit.Recording;

/// <summary>
/// The finalizer's hash taken while the audio is written (issue #17) is the hash of the file as read back: every byte
/// reaches the file, in order, whichever write method the encoder or the encryption uses.
/// </summary>
public sealed class HashingWriteStreamTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task TheHashAndSizeWhileWritingAreThoseOfTheFileReadBack()
    {
        var path = Path.Combine(_directory.Path, "audio.tmp");
        var bytes = RandomNumberGenerator.GetBytes(200_000);
        string hash;
        long size;
        await using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 4096))
        await using (var stream = new HashingWriteStream(file))
        {
            stream.Write(bytes.AsSpan(0, 1000));
            stream.Write(bytes, 1000, 70_000);
            stream.WriteByte(bytes[71_000]);
            await stream.WriteAsync(bytes.AsMemory(71_001, 100_000), Ct);
            await stream.WriteAsync(bytes, 171_001, bytes.Length - 171_001, Ct);
            await stream.FlushAsync(Ct);
            (hash, size) = (stream.Sha256(), stream.Position);
        }

        var stored = await File.ReadAllBytesAsync(path, Ct);
        Assert.Equal(bytes, stored);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(stored)), hash);
        Assert.Equal(stored.Length, size);
    }

    [Fact]
    public void TheInnerStreamOutlivesTheHashingOne()
    {
        using var inner = new MemoryStream();
        using (var stream = new HashingWriteStream(inner))
        {
            stream.Write([1, 2, 3]);
        }

        inner.WriteByte(4); // not disposed with it: the finalizer still fsyncs the file after the last write
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, inner.ToArray());
    }
}
