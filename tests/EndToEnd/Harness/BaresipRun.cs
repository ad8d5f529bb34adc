using System.Diagnostics;
using System.Globalization;
using NAudio.Wave;

namespace OrleansRecorder.Tests.EndToEnd.Harness;

/// <summary>
/// One baresip process (Debian <c>baresip-core</c>, PROTOCOL.md §5.2) dialling the recorder as a generic UA and playing a
/// tone file. <see cref="SdpAddress"/> is given to <c>-n</c>: baresip writes it into its SDP <c>c=</c> line, while its RTP
/// socket stays unbound, so the packets leave from the address the kernel picks for 127.0.0.1 (127.0.0.1 itself). That
/// is the two-interface host of issue #11, on loopback. Bounded: baresip's own <c>-t</c> plus a hard kill.
/// </summary>
internal sealed class BaresipRun
{
    public required int RecorderPort { get; init; }

    /// <summary>The address baresip declares in its SDP.</summary>
    public string SdpAddress { get; init; } = "127.0.0.2";

    /// <summary>The tone baresip plays (Hz) and how long it stays in the call (s) before it hangs up with a BYE.</summary>
    public double ToneFrequency { get; init; } = 1000;

    public int Seconds { get; init; } = 4;

    /// <summary>
    /// When set, baresip dials this port over SIP/TLS (<c>;transport=tls</c>), presenting <see cref="CertificateFile"/>
    /// (PEM, certificate and key) and trusting <see cref="CaFile"/>; otherwise it dials <see cref="RecorderPort"/> over UDP.
    /// </summary>
    public int? TlsPort { get; init; }

    public string? CertificateFile { get; init; }

    public string? CaFile { get; init; }

    /// <summary>
    /// baresip's media encryption for the account (<c>srtp</c>, <c>srtp-mand</c>: SDES keys in its SDP, RTP/SAVP),
    /// with its <c>srtp</c> module loaded; null for plain RTP.
    /// </summary>
    public string? MediaEncryption { get; init; }

    public string WorkDirectory { get; init; } = Directory.CreateTempSubdirectory("baresip-").FullName;

    public int ExitCode { get; private set; }

    public string Output { get; private set; } = "";

    public async Task<BaresipRun> RunAsync()
    {
        var tone = Path.Combine(WorkDirectory, "tone.wav");
        WriteTone(tone, ToneFrequency, Seconds + 2);
        var (rtpMin, rtpMax) = FreePorts.Range(8);
        // No stdio module: without a terminal it cannot poll stdin; -e drives the call instead.
        string[] tls = TlsPort is null ? [] :
        [
            .. CertificateFile is null ? Array.Empty<string>() : [$"sip_certificate {CertificateFile}"],
            .. CaFile is null ? Array.Empty<string>() : [$"sip_cafile {CaFile}"],
        ];
        var target = TlsPort is { } tlsPort
            ? $"sip:7878@127.0.0.1:{tlsPort.ToString(CultureInfo.InvariantCulture)};transport=tls"
            : $"sip:7878@127.0.0.1:{RecorderPort.ToString(CultureInfo.InvariantCulture)}";
        await File.WriteAllLinesAsync(Path.Combine(WorkDirectory, "config"),
        [
            .. tls,
            $"sip_listen 127.0.0.1:{FreePorts.Next().ToString(CultureInfo.InvariantCulture)}",
            "module_path /usr/lib/baresip/modules",
            "module g711.so",
            "module aufile.so",
            .. MediaEncryption is null ? Array.Empty<string>() : ["module srtp.so"],
            "module_app account.so",
            "module_app menu.so",
            $"audio_source aufile,{tone}",
            $"audio_player aufile,{Path.Combine(WorkDirectory, "received.wav")}",
            $"rtp_ports {rtpMin.ToString(CultureInfo.InvariantCulture)}-{rtpMax.ToString(CultureInfo.InvariantCulture)}",
        ]);
        await File.WriteAllTextAsync(Path.Combine(WorkDirectory, "accounts"), "<sip:tester@127.0.0.1>;regint=0;audio_codecs=PCMU"
            + (MediaEncryption is null ? "" : ";mediaenc=" + MediaEncryption) + "\n");

        var start = new ProcessStartInfo("baresip",
        [
            "-n", SdpAddress,
            "-f", WorkDirectory,
            "-e", $"/dial {target}",
            "-t", Seconds.ToString(CultureInfo.InvariantCulture),
        ])
        {
            WorkingDirectory = WorkDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("baresip did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var hardLimit = new CancellationTokenSource(TimeSpan.FromSeconds(Seconds + 20));
        try
        {
            await process.WaitForExitAsync(hardLimit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        ExitCode = process.ExitCode;
        Output = await stderr + await stdout;
        return this;
    }

    /// <summary>An 8 kHz mono 16-bit WAV of a pure tone: the format baresip's aufile source takes (PROTOCOL.md §5.2).</summary>
    private static void WriteTone(string path, double frequency, double seconds)
    {
        using var writer = new WaveFileWriter(path, new WaveFormat(Tones.SampleRate, 16, 1));
        var samples = (int)(seconds * Tones.SampleRate);
        for (var i = 0; i < samples; i++)
        {
            writer.WriteSample((float)(0.25 * Math.Sin(2 * Math.PI * frequency * i / Tones.SampleRate)));
        }
    }
}
