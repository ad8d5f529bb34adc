using System.Diagnostics;
using System.Globalization;

namespace OrleansRecorder.Tests.EndToEnd.Harness;

/// <summary>
/// A tone as SRTP packets protected by libsrtp (Debian's python3-pylibsrtp, run by Harness/libsrtp_tone.py), so what
/// the recorder decrypts end to end was never touched by its own SRTP code. Bounded by a timeout.
/// </summary>
internal static class LibsrtpTone
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>One protected packet per 160 bytes of <paramref name="muLaw"/>, in sending order.</summary>
    public static async Task<List<byte[]>> ProtectAsync(
        string suite, byte[] keyAndSalt, uint ssrc, ushort firstSequence, uint firstTimestamp, byte[] muLaw, CancellationToken cancellationToken)
    {
        var tonePath = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(tonePath, muLaw, cancellationToken);

            // Debian's interpreter: python3-pylibsrtp installs into its dist-packages, which another python3 on PATH may not see.
            var start = new ProcessStartInfo("/usr/bin/python3")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[]
                     {
                         Path.Combine(AppContext.BaseDirectory, "Harness", "libsrtp_tone.py"), suite, Convert.ToHexString(keyAndSalt),
                         ssrc.ToString(CultureInfo.InvariantCulture), firstSequence.ToString(CultureInfo.InvariantCulture),
                         firstTimestamp.ToString(CultureInfo.InvariantCulture), tonePath,
                     })
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not run /usr/bin/python3.");
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Timeout);
            var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var error = process.StandardError.ReadToEndAsync(timeout.Token);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill();
                throw;
            }

            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException(
                    $"libsrtp_tone.py failed ({process.ExitCode}); is python3-pylibsrtp installed (infra/scripts/install-test-deps.sh)? {await error}");
            }

            return [.. (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Convert.FromHexString)];
        }
        finally
        {
            File.Delete(tonePath);
        }
    }
}
