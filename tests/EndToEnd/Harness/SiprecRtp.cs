using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace OrleansRecorder.Tests.EndToEnd.Harness;

/// <summary>
/// The RTP of a SIPREC SRC played by sipp: sipp's <c>play_pcap_audio</c> and <c>rtp_stream</c> only send to the first
/// audio m-line of the answer, and a recording session has one m-line per stream. So sipp does the signalling and this
/// sends one PCMU tone per stream, from loopback, to the ports of the recorder's 200 OK as sipp logged it
/// (<c>-trace_msg</c>), 20 ms packets with their own SSRC, sequence numbers and timestamps.
/// </summary>
internal static partial class SiprecRtp
{
    /// <summary>
    /// Waits for the recorder's <paramref name="answer"/>th 200 OK with SDP (1: the INVITE's; 2: a re-INVITE's) in sipp's
    /// message log, then returns its m=audio ports in order.
    /// </summary>
    public static async Task<IReadOnlyList<int>> AnsweredPortsAsync(SippRun run, TimeSpan timeout, int answer = 1)
    {
        ArgumentNullException.ThrowIfNull(run);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            foreach (var file in Directory.GetFiles(run.WorkDirectory, "*_messages.log"))
            {
                string text;
                try
                {
                    using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                    text = await new StreamReader(stream).ReadToEndAsync();
                }
                catch (IOException)
                {
                    continue;
                }

                var start = -1;
                var end = -1;
                for (var seen = 0; seen < answer;)
                {
                    start = text.IndexOf("SIP/2.0 200 OK", end + 1, StringComparison.Ordinal);
                    if (start < 0)
                    {
                        break;
                    }

                    // The 200 is complete once sipp logged the next message (its ACK) after it.
                    end = text.IndexOf("-----------", start, StringComparison.Ordinal);
                    if (end < 0)
                    {
                        start = -1;
                        break;
                    }

                    if (AudioPort().IsMatch(text[start..end]))
                    {
                        seen++;
                    }
                }

                if (start < 0)
                {
                    continue;
                }

                return [.. AudioPort().Matches(text[start..end]).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))];
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("sipp never logged the recorder's 200 OK.\n" + run.Logs);
    }

    /// <summary>Sends <paramref name="tones"/>[i] to <paramref name="ports"/>[i] (a port 0 is skipped) for <paramref name="seconds"/>.</summary>
    public static async Task SendTonesAsync(IReadOnlyList<int> ports, IReadOnlyList<double> tones, double seconds)
    {
        ArgumentNullException.ThrowIfNull(ports);
        ArgumentNullException.ThrowIfNull(tones);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var streams = new List<(IPEndPoint Target, byte[] Audio, uint Ssrc)>();
        for (var i = 0; i < Math.Min(ports.Count, tones.Count); i++)
        {
            if (ports[i] != 0)
            {
                streams.Add((new IPEndPoint(IPAddress.Loopback, ports[i]), Tones.MuLaw(tones[i], seconds), (uint)Random.Shared.Next()));
            }
        }

        var packets = (int)(seconds * 50);
        var packet = new byte[12 + 160];
        var clock = Stopwatch.StartNew();
        for (var n = 0; n < packets; n++)
        {
            foreach (var (target, audio, ssrc) in streams)
            {
                packet[0] = 0x80;
                packet[1] = (byte)(n == 0 ? 0x80 : 0x00); // PT 0 (PCMU), marker on the first packet.
                BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)n);
                BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), (uint)(n * 160));
                BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), ssrc);
                audio.AsSpan(n * 160, 160).CopyTo(packet.AsSpan(12));
                try
                {
                    await socket.SendToAsync(packet, SocketFlags.None, target);
                }
                catch (SocketException)
                {
                    // The recorder closed the port (the session ended first): nothing more to send there.
                }
            }

            var due = TimeSpan.FromMilliseconds((n + 1) * 20);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }
        }
    }

    [GeneratedRegex(@"^m=audio (\d+) ", RegexOptions.Multiline)]
    private static partial Regex AudioPort();
}
