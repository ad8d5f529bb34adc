using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using OrleansRecorder.Tests.EndToEnd.Harness;

namespace OrleansRecorder.Tests.EndToEnd;

/// <summary>
/// Dialogs against a real recorder process with sipp as CUCM: the recorder's own BYE (media inactivity, graceful
/// stop), a BYE forged by another process, a CANCEL before the answer.
/// </summary>
public sealed partial class DialogTests
{
    [Fact]
    public async Task ALegWhoseRtpStopsGetsTheRecordersByeAndTheRecordingSaysWhy()
    {
        await using var node = await RecorderNode.StartAsync(new Dictionary<string, string>
        {
            ["Recorder__Rtp__MediaTimeout"] = "00:00:02",
        });
        var refci = NewRefci();

        // One second of tone, then silence: the recorder's media timeout (2 s) sends a BYE, which sipp waits for.
        var (near, far) = await CallPlacer.PlaceAsync(node, [refci], scenario: "cucm_leg_until_bye.xml", toneSeconds: 1);

        foreach (var leg in new[] { near, far })
        {
            Assert.Matches(ByeWithReason(), leg.Logs);
        }

        var recording = await SingleRecordingAsync(node, refci);
        Assert.Equal("partial", recording.Status);
        Assert.Contains("near-end-media-timeout", recording.Flags);
        Assert.Contains("far-end-media-timeout", recording.Flags);
        Assert.InRange(recording.DurationSeconds, 0.8, 6);
    }

    [Fact]
    public async Task ALegWhoseAckNeverCameIsRecordedByOurOwnOfferAndSaysSo()
    {
        // Issue 17: under a 3x overload, 1,807 recordings had every packet received and none written: their ACK (the
        // SDP answer of a delayed offer) was never applied before the BYE, and the held packets were dropped. RFC 3264
        // §5.1: having sent the offer, the recorder must be ready to receive any format it listed, so the held RTP is
        // decoded by our offer's payload types, and the recording says the answer was missing.
        await using var node = await RecorderNode.StartAsync();
        var refci = NewRefci();
        await CallPlacer.PlaceAsync(node, [refci], scenario: "cucm_leg_ack_lost.xml", toneSeconds: 2, durationMs: 2500);

        var recording = await SingleRecordingAsync(node, refci);
        var context = $"flags {string.Join(',', recording.Flags)}\n{node.Output}";
        Assert.Equal("partial", recording.Status);
        Assert.Contains("near-end-answer-missing", recording.Flags);
        Assert.Contains("far-end-answer-missing", recording.Flags);
        Assert.DoesNotContain("no-audio", recording.Flags);
        var wav = StereoWav.Read(await node.Http.GetByteArrayAsync($"/api/recordings/{recording.Id}/audio", TestContext.Current.CancellationToken));
        Assert.True(wav.DurationSeconds > 1.5, $"{wav.DurationSeconds} s; {context}");
        Assert.True(wav.Power(wav.Left, CallPlacer.NearTone) > 100 * wav.Power(wav.Left, CallPlacer.FarTone), context);
        Assert.True(wav.Power(wav.Right, CallPlacer.FarTone) > 100 * wav.Power(wav.Right, CallPlacer.NearTone), context);
    }

    [Fact]
    public async Task AByeFromAnotherProcessWithTheRightCallIdLeavesTheCallRecording()
    {
        await using var node = await RecorderNode.StartAsync();
        var refci = NewRefci();
        var near = CallPlacer.Leg(node, [refci], "nearend", CallPlacer.NearTone, "cucm_leg.xml", "u1", 3, 3500, (r, c) => SippRun.Leg(r, c));
        var far = CallPlacer.Leg(node, [refci], "farend", CallPlacer.FarTone, "cucm_leg.xml", "u1", 3, 3500, (r, c) => SippRun.Leg(r, c));
        var running = Task.WhenAll(near.RunAsync(), far.RunAsync());
        await node.WaitForActiveCallAsync();

        // The intruder knows the Call-ID (read from the near end's own trace) but not the From tag, and sends from
        // its own port: RFC 3261 §12.2.2 makes that 481, and the call goes on.
        var callId = await CallIdAsync(near);
        using var intruder = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)intruder.Client.LocalEndPoint!).Port;
        var bye = $"BYE sip:7878@127.0.0.1:{node.SipPort} SIP/2.0\r\n" +
                  $"Via: SIP/2.0/UDP 127.0.0.1:{port};branch=z9hG4bKforged{port}\r\n" +
                  "From: <sip:198101@127.0.0.1;x-nearend>;tag=intruder\r\n" +
                  "To: <sip:7878@127.0.0.1>;tag=guessed\r\n" +
                  $"Call-ID: {callId}\r\n" +
                  "CSeq: 900 BYE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
        await intruder.SendAsync(Encoding.ASCII.GetBytes(bye), new IPEndPoint(IPAddress.Loopback, node.SipPort),
            TestContext.Current.CancellationToken);
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var answer = Encoding.ASCII.GetString((await intruder.ReceiveAsync(wait.Token)).Buffer);
        Assert.StartsWith("SIP/2.0 481 ", answer, StringComparison.Ordinal);

        await running;
        Assert.Equal(0, near.ExitCode);
        Assert.Equal(0, far.ExitCode);
        var recording = await SingleRecordingAsync(node, refci);
        Assert.Equal("complete", recording.Status);
        Assert.InRange(recording.DurationSeconds, 2.8, 4.5);
    }

    [Fact]
    public async Task SigtermDuringACallDrainsHangsUpFinalizesAndExitsZero()
    {
        var data = Directory.CreateTempSubdirectory("recorder-e2e-drain-").FullName;
        var settings = new Dictionary<string, string> { ["Recorder__Sip__DrainTimeout"] = "00:00:01" };
        var refci = NewRefci();
        RecorderNode node = await RecorderNode.StartAsync(settings, data);
        try
        {
            // A call that would stream 20 s of tone: the node is stopped a second into it.
            var placing = CallPlacer.PlaceAsync(node, [refci], scenario: "cucm_leg_until_bye.xml", toneSeconds: 20);
            await node.WaitForActiveCallAsync();
            await Task.Delay(1000, TestContext.Current.CancellationToken);
            await node.StopAsync();

            Assert.Equal(0, node.ExitCode);
            Assert.DoesNotContain("Unhandled exception", node.Output, StringComparison.Ordinal);
            var (near, far) = await placing; // both sipp legs got the recorder's BYE and answered it
            Assert.Matches(ByeWithReason(), near.Logs);
            Assert.Contains("cause=41", near.Logs, StringComparison.Ordinal);
        }
        finally
        {
            await node.DisposeAsync();
        }

        // The recording was finalized before the exit: a node started again on the same data lists it.
        await using var again = await RecorderNode.StartAsync(settings, data);
        var recording = await SingleRecordingAsync(again, refci);
        Assert.Equal("partial", recording.Status);
        Assert.Contains("near-end-node-stopped", recording.Flags);
        Assert.InRange(recording.DurationSeconds, 1, 10);
    }

    [Fact]
    public async Task ACancelBeforeTheAnswerLeavesNoLegPortChannelOrRecordingBehind()
    {
        // One licensed channel: a leak would make the next call busy.
        await using var node = await RecorderNode.StartAsync(new Dictionary<string, string> { ["Recorder__License__Channels"] = "1" });
        var cancelled = NewRefci();

        // Both legs cancelled right after their INVITEs (RFC 3261 §9.2): each gets 200 (CANCEL) and 487 (INVITE).
        await CallPlacer.PlaceAsync(node, [cancelled], scenario: "cucm_leg_cancel.xml");

        Assert.Empty(await node.GetJsonAsync<List<System.Text.Json.JsonElement>>("/api/calls/active"));
        var answered = NewRefci();
        await CallPlacer.PlaceAsync(node, [answered]);
        var recording = await SingleRecordingAsync(node, answered);
        Assert.Equal("complete", recording.Status);

        // A call never answered has no recording: CUCM never had a recording session.
        var all = await node.GetJsonAsync<RecordingList>("/api/recordings?pageSize=100");
        Assert.DoesNotContain(all.Items, r => r.Refci == cancelled);
    }

    [Fact]
    public async Task AnAckWithoutAUsableAnswerStillLeavesAnEntryThatSaysWhy()
    {
        await using var node = await RecorderNode.StartAsync();
        var refci = NewRefci();
        // Both legs answer with no codec of our offer: the recorder hangs each up with a BYE that sipp waits for.
        var (near, _) = await CallPlacer.PlaceAsync(node, [refci], scenario: "cucm_leg_bad_ack.xml");
        Assert.Contains("cause=488", near.Logs, StringComparison.Ordinal);

        var recording = await SingleRecordingAsync(node, refci);
        Assert.Equal("partial", recording.Status);
        Assert.Contains("near-end-no-codec", recording.Flags);
        Assert.Contains("near-end-no-audio", recording.Flags);
    }

    [GeneratedRegex(@"BYE sip:[^\r\n]+\r?\n(?:[^\r\n]+\r?\n)*?Reason: (Q\.850|SIP);cause=\d+")]
    private static partial Regex ByeWithReason();

    [GeneratedRegex(@"Call-ID: *(\S+)")]
    private static partial Regex CallIdHeader();

    private static async Task<string> CallIdAsync(SippRun run)
    {
        for (var i = 0; i < 50; i++)
        {
            foreach (var file in Directory.GetFiles(run.WorkDirectory, "*_messages.log"))
            {
                string text;
                using (var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
                using (var reader = new StreamReader(stream))
                {
                    text = await reader.ReadToEndAsync();
                }

                if (CallIdHeader().Match(text) is { Success: true } match)
                {
                    return match.Groups[1].Value;
                }
            }

            await Task.Delay(100);
        }

        Assert.Fail("sipp's message trace never showed its Call-ID");
        return "";
    }

    private static string NewRefci() => Random.Shared.Next(10_000_000, 99_999_999).ToString(CultureInfo.InvariantCulture);

    private static async Task<RecordingView> SingleRecordingAsync(RecorderNode node, string refci)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var list = await node.GetJsonAsync<RecordingList>("/api/recordings?pageSize=100");
            if (list.Items.FirstOrDefault(r => r.Refci == refci) is { } found)
            {
                return await node.GetJsonAsync<RecordingView>($"/api/recordings/{found.Id}");
            }

            Assert.True(DateTime.UtcNow < deadline, $"no recording for refci {refci}\n{node.Output}");
            await Task.Delay(200);
        }
    }
}
