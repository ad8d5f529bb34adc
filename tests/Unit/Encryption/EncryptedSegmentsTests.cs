using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OrleansRecorder.Abstractions.Calls;
using OrleansRecorder.Silo.Configuration;
using OrleansRecorder.Silo.Encryption;
using OrleansRecorder.Silo.Media;
using OrleansRecorder.Silo.Recording;
using OrleansRecorder.Tests.Unit.Recording;

namespace OrleansRecorder.Tests.Unit.Encryption;

/// <summary>
/// Calls in progress with encryption on (docs/ENCRYPTION.md): segments and gap journals are ciphertext on disk, their
/// key waits wrapped in <c>session.json</c>, and recovery or the finalizer makes from them exactly the recording the
/// plain segments make; a public-key-only node wraps with its spool key.
/// </summary>
public sealed class EncryptedSegmentsTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _directory = new();
    private readonly KeyRing _keys = new([new AesKeyEncryptionKey("kek-test", RandomNumberGenerator.GetBytes(32))], "kek-test");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _directory.Dispose();

    private RecordingOptions Options(string name, bool encryptSegments, bool encryptRecording = false) => new()
    {
        DataDirectory = Path.Combine(_directory.Path, name),
        SegmentKeys = encryptSegments ? new SegmentKeys(_keys, null, encryptNew: true) : null,
        Encryptor = encryptRecording ? new RecordingEncryptor(_keys) : null,
    };

    /// <summary>A wideband near end (upsampled by none), a narrowband far end with a lost stretch (gap journal) in a wideband file.</summary>
    private static async Task<RecordingSession> RecordAsync(RecordingOptions options, string id, bool finalize = false)
    {
        var time = new FakeTimeProvider(Start);
        var session = RecordingSession.Create(options, RecordingSessionTests.Info(id), time);
        session.NearEnd.OnSampleRate(16000);
        session.FarEnd.OnSampleRate(8000);
        session.NearEnd.OnFirstPacket(time.GetTimestamp());
        session.FarEnd.OnFirstPacket(time.GetTimestamp());
        for (var second = 0; second < 3; second++)
        {
            session.NearEnd.Write(Tone(16000, 1000, 16000));
            session.FarEnd.Write(Tone(8000, 400, second == 1 ? 4000 : 8000));
            if (second == 1)
            {
                session.FarEnd.WriteSilence(4000, SilenceCause.PacketLoss);
            }

            time.Advance(TimeSpan.FromSeconds(1));
        }

        if (!finalize)
        {
            await session.DisposeAsync(); // the process goes away without finalizing
        }

        return session;
    }

    internal static short[] Tone(int rate, int frequency, int samples) =>
        [.. Enumerable.Range(0, samples).Select(i => (short)(8000 * Math.Sin(2 * Math.PI * frequency * i / rate)))];

    [Fact]
    public async Task SegmentsAndJournalsOnDiskAreCiphertextAndRecoveryMakesTheSameRecordingAsFromPlainOnes()
    {
        var plainOptions = Options("plain", encryptSegments: false);
        var encryptedOptions = Options("encrypted", encryptSegments: true);
        await RecordAsync(plainOptions, "call");
        await RecordAsync(encryptedOptions, "call");

        var segments = Path.Combine(encryptedOptions.DataDirectory, "segments", "call");
        var plainSegments = Path.Combine(plainOptions.DataDirectory, "segments", "call");
        foreach (var name in new[] { "near.pcm", "far.pcm", "far.pcm.gaps" })
        {
            var plain = await File.ReadAllBytesAsync(Path.Combine(plainSegments, name), Ct);
            var cipher = await File.ReadAllBytesAsync(Path.Combine(segments, name), Ct);
            Assert.True(plain.Length > 0);
            Assert.Equal(-1, cipher.AsSpan().IndexOf(plain.AsSpan(0, Math.Min(13, plain.Length))));
            Assert.Equal("ORSR"u8.ToArray(), cipher[..4]);
        }

        using (var state = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(segments, "session.json"), Ct)))
        {
            Assert.Equal("kek-test", state.RootElement.GetProperty("segmentKey").GetProperty("kekId").GetString());
        }

        var fromPlain = Assert.Single(await RecordingRecovery.FinalizeInterruptedAsync(plainOptions, TimeProvider.System, NullLogger.Instance, Ct));
        var fromEncrypted = Assert.Single(await RecordingRecovery.FinalizeInterruptedAsync(encryptedOptions, TimeProvider.System, NullLogger.Instance, Ct));

        Assert.Equal(await File.ReadAllBytesAsync(fromPlain.AudioPath, Ct), await File.ReadAllBytesAsync(fromEncrypted.AudioPath, Ct));
        Assert.Equal(16000, fromEncrypted.Manifest.SampleRate);
        Assert.Equal(48000, fromEncrypted.Manifest.NearEnd.Samples);
        Assert.Equal(48000, fromEncrypted.Manifest.FarEnd.Samples);
        var loss = Assert.Single(fromEncrypted.Manifest.Gaps, g => g.Reason == RecordingGap.PacketLossReason);
        Assert.Equal(Assert.Single(fromPlain.Manifest.Gaps, g => g.Reason == RecordingGap.PacketLossReason), loss);
        Assert.Equal(8000, loss.Samples);
        Assert.False(Directory.Exists(segments));
    }

    [Theory]
    [InlineData("wav")]
    [InlineData("opus")]
    public async Task AnEncryptedCallFinalizesWithoutPlainTemporaryFilesIntoTheSameAudio(string format)
    {
        var plainOptions = Options("plain", encryptSegments: false, encryptRecording: true);
        var encryptedOptions = Options("encrypted", encryptSegments: true, encryptRecording: true);
        plainOptions.Format = encryptedOptions.Format = format;

        var plain = await FinalizeAsync(plainOptions);
        var encrypted = await FinalizeAsync(encryptedOptions);

        var plainAudio = Plaintext.Of(plain.AudioPath, _keys.Unwrap(DataKeyEscrow.Read(plainOptions.DataDirectory, "call")!));
        var encryptedAudio = Plaintext.Of(encrypted.AudioPath, _keys.Unwrap(DataKeyEscrow.Read(encryptedOptions.DataDirectory, "call")!));
        Assert.Equal(encrypted.Manifest.Encryption!.PlainSha256, Convert.ToHexStringLower(SHA256.HashData(encryptedAudio)));
        if (format == "wav")
        {
            Assert.Equal(plainAudio, encryptedAudio);
        }
        else
        {
            // Ogg pages carry a random serial number; the packets (audio) are the same.
            Assert.Equal(plainAudio.Length, encryptedAudio.Length);
        }

        Assert.Empty(Directory.GetFiles(encryptedOptions.DataDirectory, "*.tmp", SearchOption.AllDirectories));
        Assert.Empty(Directory.GetFiles(encryptedOptions.DataDirectory, "*.upsampled", SearchOption.AllDirectories));

        async Task<FinalizedRecording> FinalizeAsync(RecordingOptions options)
        {
            var session = await RecordAsync(options, "call", finalize: true);
            await using (session)
            {
                return await session.FinalizeAsync(RecordingStatus.Complete, null, null, [], Ct);
            }
        }
    }

    [Fact]
    public async Task APublicKeyOnlyNodeWrapsCallKeysWithItsSpoolKeyAndAPeerWithoutItCannotTakeOver()
    {
        using var rsa = RSA.Create(2048);
        var publicOnly = new KeyRing([RsaKeyEncryptionKey.FromPem("rsa", rsa.ExportSubjectPublicKeyInfoPem())], "rsa");
        var options = Options("public-only", encryptSegments: false);
        var keys = SegmentKeys.Load(new EncryptionOptions(), options.DataDirectory, publicOnly);
        options.SegmentKeys = keys;

        var spoolFile = Path.Combine(options.DataDirectory, "keys", SegmentKeys.GeneratedFileName);
        Assert.True(File.Exists(spoolFile));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(spoolFile));
        }

        Assert.Equal(keys.Spool!.Id, SegmentKeys.Load(new EncryptionOptions(), options.DataDirectory, publicOnly).Spool!.Id);
        await RecordAsync(options, "call");
        var peer = new RecordingOptions { DataDirectory = options.DataDirectory, SegmentKeys = new SegmentKeys(publicOnly, null, encryptNew: false) };

        // The peer has the public KEK but not the spool key: refused (logged), the segments stay for a node that has it.
        Assert.Empty(await RecordingRecovery.FinalizeInterruptedAsync(peer, TimeProvider.System, NullLogger.Instance, Ct));
        Assert.True(Directory.Exists(Path.Combine(options.DataDirectory, "segments", "call")));
        var error = Assert.Throws<KeyUnavailableException>(() => peer.SegmentKeys!.Unwrap(keys.Create().Wrapped));
        Assert.Contains(keys.Spool.Id, error.Message, StringComparison.Ordinal);

        var recovered = Assert.Single(await RecordingRecovery.FinalizeInterruptedAsync(options, TimeProvider.System, NullLogger.Instance, Ct));
        Assert.Equal(48000, recovered.Manifest.FarEnd.Samples);
    }

    [Fact]
    public void WithNeitherASpoolKeyNorAKekThatUnwrapsNewSegmentsAreRefusedAtStart()
    {
        using var rsa = RSA.Create(2048);
        var publicOnly = new KeyRing([RsaKeyEncryptionKey.FromPem("rsa", rsa.ExportSubjectPublicKeyInfoPem())], "rsa");

        var error = Assert.Throws<InvalidOperationException>(() => new SegmentKeys(publicOnly, null, encryptNew: true));
        Assert.Contains("SpoolKeyFile", error.Message, StringComparison.Ordinal);
    }
}
