using System.Diagnostics;
using System.Security.Cryptography;
using OrleansRecorder.Silo.Media.Srtp;

namespace OrleansRecorder.Tests.Integration.Media.Srtp;

/// <summary>
/// Packets protected by libsrtp, an implementation nobody here wrote (Debian's python3-pylibsrtp, installed by
/// infra/scripts/install-test-deps.sh), decrypt to the same RTP packets through <see cref="SrtpReceiveContext"/>, for
/// every suite pylibsrtp offers (all four of ours), across a sequence-number wrap so libsrtp's rollover counter is
/// checked against our estimate (RFC 3711 §3.3.1).
/// </summary>
public sealed class LibsrtpCrossCheckTests
{
    private const uint Ssrc = 0x1234_5678;
    private const int FirstSequence = 65500;
    private const int Count = 80;

    [Theory]
    [InlineData(SrtpSuite.AesCm128HmacSha1_80)]
    [InlineData(SrtpSuite.AesCm128HmacSha1_32)]
    [InlineData(SrtpSuite.AeadAes128Gcm)]
    [InlineData(SrtpSuite.AeadAes256Gcm)]
    public async Task PacketsProtectedByLibsrtpDecryptToTheSamePayload(SrtpSuite suite)
    {
        var key = SrtpTestProtector.NewKey(suite);
        var payload = RandomNumberGenerator.GetBytes(160);
        var lines = await ProtectWithLibsrtpAsync(suite, key, payload);
        Assert.Equal(Count, lines.Count);

        using var context = new SrtpReceiveContext(key, 1500);
        var output = new byte[1500];
        for (var i = 0; i < Count; i++)
        {
            var packet = Convert.FromHexString(lines[i]);
            Assert.Equal(12 + payload.Length + SrtpSuites.TagLength(suite), packet.Length);
            Assert.Equal(SrtpUnprotectResult.Ok, context.Unprotect(packet, output, out var length));
            var expected = SrtpTestProtector.Rtp((ushort)(FirstSequence + i), (uint)((FirstSequence + i) * 160), Ssrc, payload);
            Assert.Equal(expected, output.AsSpan(0, length).ToArray());
        }

        Assert.Equal(1u, context.RolloverCounterOf(Ssrc));
    }

    private static async Task<List<string>> ProtectWithLibsrtpAsync(SrtpSuite suite, SrtpMasterKey key, byte[] payload)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Media", "Srtp", "libsrtp_protect.py");

        // Debian's interpreter: python3-pylibsrtp installs into its dist-packages, which another python3 on PATH may not see.
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     script, SrtpSuites.Name(suite), Convert.ToHexString([.. key.Key, .. key.Salt]),
                     Ssrc.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     FirstSequence.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     Count.ToString(System.Globalization.CultureInfo.InvariantCulture), Convert.ToHexString(payload),
                 })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not run /usr/bin/python3.");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0,
            $"libsrtp_protect.py failed ({process.ExitCode}); is python3-pylibsrtp installed (infra/scripts/install-test-deps.sh)? {await error}");
        return [.. (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
    }
}
