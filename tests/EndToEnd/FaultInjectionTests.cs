using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using OrleansRecorder.Tests.EndToEnd.Harness;

namespace OrleansRecorder.Tests.EndToEnd;

/// <summary>
/// Real recorder processes under hostile or failing conditions on loopback: nothing sent over the network crashes the
/// node or spoils a recording, slow clients are cut, floods from untrusted sources are dropped with flat memory, and a
/// disk reaching its reserve mid-call turns new calls away (503) while the call in progress completes.
/// </summary>
public sealed class FaultInjectionTests
{
    [Fact]
    public async Task GarbageAndOversizedDatagramsDuringACallDoNotHurtTheNodeOrTheRecording()
    {
        await using var node = await RecorderNode.StartAsync();
        var call = CallPlacer.PlaceAsync(node, ["81000001"], toneSeconds: 3, durationMs: 3500);
        await node.WaitForActiveCallAsync();

        var random = new Random(4475);
        using (var sip = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0)))
        using (var intruder = new UdpClient(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0)))
        {
            for (var i = 0; i < 1000; i++)
            {
                var datagram = new byte[i % 50 == 0 ? 60_000 : random.Next(0, 1500)];
                random.NextBytes(datagram);
                await sip.SendAsync(datagram, new IPEndPoint(IPAddress.Loopback, node.SipPort), TestContext.Current.CancellationToken);
                // RTP ports get the same from an address CUCM did not declare: dropped, never mixed into a recording.
                var rtpPort = node.RtpPorts.Min + (i % (node.RtpPorts.Max - node.RtpPorts.Min + 1));
                await intruder.SendAsync(datagram, new IPEndPoint(IPAddress.Loopback, rtpPort), TestContext.Current.CancellationToken);
            }
        }

        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync(IPAddress.Loopback, node.SipPort, TestContext.Current.CancellationToken);
            var junk = new byte[100_000];
            random.NextBytes(junk);
            try
            {
                await tcp.GetStream().WriteAsync(junk, TestContext.Current.CancellationToken);
            }
            catch (IOException)
            {
                // The node may close the connection mid-write: that is the expected answer to junk.
            }
        }

        await call;
        var recording = (await node.WaitForRecordingsAsync(1)).Items.Single();
        Assert.Equal("complete", recording.Status);
        var wav = StereoWav.Read(await node.Http.GetByteArrayAsync($"/api/recordings/{recording.Id}/audio", TestContext.Current.CancellationToken));
        Assert.True(wav.Power(wav.Left, CallPlacer.NearTone) > 100 * wav.Power(wav.Left, CallPlacer.FarTone), "near-end tone intact");
        Assert.True(wav.Power(wav.Right, CallPlacer.FarTone) > 100 * wav.Power(wav.Right, CallPlacer.NearTone), "far-end tone intact");
        var diagnostics = await node.GetJsonAsync<JsonElement>("/api/diagnostics");
        Assert.True(diagnostics.GetProperty("sipParseErrors").GetInt64() + diagnostics.GetProperty("sipDropped").GetInt64() >= 900,
            diagnostics.ToString());
        await node.WaitUntilAsync("/health/ready", TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task ASlowTcpSenderIsCutOffWhileOtherCallsGoThrough()
    {
        await using var node = await RecorderNode.StartAsync(new Dictionary<string, string>
        {
            ["Recorder__Sip__IncompleteMessageTimeout"] = "00:00:03",
        });
        using var slow = new TcpClient();
        await slow.ConnectAsync(IPAddress.Loopback, node.SipPort, TestContext.Current.CancellationToken);
        var stream = slow.GetStream();
        var clock = Stopwatch.StartNew();
        var dribble = Task.Run(async () =>
        {
            // One byte every 200 ms of a message that never ends (slowloris), bounded to 20 s.
            var text = Encoding.ASCII.GetBytes("INVITE sip:7878@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bKslow\r\n");
            for (var i = 0; i < 100 && clock.Elapsed < TimeSpan.FromSeconds(20); i++)
            {
                await stream.WriteAsync(text.AsMemory(i % text.Length, 1));
                await Task.Delay(200);
            }
        }, TestContext.Current.CancellationToken);

        // Meanwhile a normal call over TCP is recorded.
        await CallPlacer.PlaceAsync(node, ["81000002"], transport: "t1", toneSeconds: 1.5, durationMs: 2000);
        Assert.Equal("complete", (await node.WaitForRecordingsAsync(1)).Items.Single().Status);

        var closedAfter = await WaitForCloseAsync(stream, clock, TimeSpan.FromSeconds(20));
        // Closed after the 3 s incomplete-message timeout (observed once the TCP call above is done).
        Assert.InRange(closedAfter.TotalSeconds, 2.5, 12);
        await Assert.ThrowsAnyAsync<IOException>(() => dribble);
    }

    [Fact]
    public async Task AFloodFromAnUntrustedAddressIsDroppedWithFlatMemory()
    {
        await using var node = await RecorderNode.StartAsync(new Dictionary<string, string>
        {
            ["Recorder__Sip__TrustedPeers__0"] = "127.0.0.1/32",
        });
        var before = await node.GetJsonAsync<JsonElement>("/api/diagnostics");

        const int Flood = 20_000;
        var answered = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();
        using (var flooder = new UdpClient(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0)))
        {
            var target = new IPEndPoint(IPAddress.Loopback, node.SipPort);
            var receiving = Task.Run(async () =>
            {
                using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                try
                {
                    while (true)
                    {
                        var response = await flooder.ReceiveAsync(stop.Token);
                        var text = Encoding.ASCII.GetString(response.Buffer);
                        var callId = text.IndexOf("Call-ID: ", StringComparison.Ordinal);
                        if (text.StartsWith("SIP/2.0 403", StringComparison.Ordinal) && callId >= 0)
                        {
                            // Distinct dialogs: the 403 itself is retransmitted (Timer G) until an ACK that never comes.
                            answered[text[(callId + 9)..text.IndexOf('\r', callId)]] = true;
                        }
                    }
                }
                catch (OperationCanceledException)
                {
                    // Done listening.
                }
            }, TestContext.Current.CancellationToken);
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < Flood && clock.Elapsed < TimeSpan.FromSeconds(10); i++)
            {
                var invite = Encoding.ASCII.GetBytes(
                    $"INVITE sip:7878@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.2:{((IPEndPoint)flooder.Client.LocalEndPoint!).Port};branch=z9hG4bKflood{i}\r\n"
                    + $"From: <sip:1001@127.0.0.2;x-nearend;x-refci={i}>;tag={i}\r\nTo: <sip:7878@127.0.0.1>\r\nCall-ID: flood-{i}\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n");
                await flooder.SendAsync(invite, target, TestContext.Current.CancellationToken);
                if (i % 100 == 99)
                {
                    // About 5,000 a second: a flood the node reads, rather than one the kernel drops for it.
                    await Task.Delay(20, TestContext.Current.CancellationToken);
                }
            }

            await receiving;
        }

        var after = await node.GetJsonAsync<JsonElement>("/api/diagnostics");
        var throttled = after.GetProperty("sipThrottled").GetInt64() - before.GetProperty("sipThrottled").GetInt64();
        var growth = after.GetProperty("workingSetBytes").GetInt64() - before.GetProperty("workingSetBytes").GetInt64();
        Assert.True(throttled > Flood / 2, $"throttled {throttled} of {Flood}");
        // 20 answered requests per second per source: a few hundred 403s at most over the flood.
        Assert.InRange(answered.Count, 1, 400);
        Assert.True(growth < 64L * 1024 * 1024, $"working set grew by {growth / 1024 / 1024} MiB");
        Assert.Equal(0, (await node.GetJsonAsync<RecordingList>("/api/recordings")).Total);

        // The trusted CUCM is unaffected.
        await CallPlacer.PlaceAsync(node, ["81000003"], toneSeconds: 1, durationMs: 1500);
        Assert.Equal("complete", (await node.WaitForRecordingsAsync(1)).Items.Single().Status);
    }

    [Fact]
    public async Task ADiskReachingItsReserveMidCallRefusesNewCallsAndFinishesTheCallInProgress()
    {
        // A data directory on a small tmpfs (root can mount one), the cluster database elsewhere.
        var mount = Directory.CreateTempSubdirectory("recorder-tmpfs-").FullName;
        Run("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", mount);
        try
        {
            var database = Path.Combine(Directory.CreateTempSubdirectory("recorder-db-").FullName, "cluster.db");
            await using var node = await RecorderNode.StartAsync(new Dictionary<string, string>
            {
                ["Recorder__Cluster__ConnectionString"] = $"Data Source={database};Default Timeout=30;Pooling=True",
                ["Recorder__Recording__MinFreeBytes"] = (1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
            }, dataDirectory: mount);

            // Leave 100 KB above the 1 MB reserve: a call's segments (32 KB/s) cross it within a few seconds.
            var free = new DriveInfo(mount).AvailableFreeSpace;
            await File.WriteAllBytesAsync(Path.Combine(mount, "filler"), new byte[free - (1024 * 1024) - (100 * 1024)], TestContext.Current.CancellationToken);

            var call = CallPlacer.PlaceAsync(node, ["82000001"], toneSeconds: 6, durationMs: 6500);
            await node.WaitForActiveCallAsync();
            await Task.Delay(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);

            var probe = await new SippRun { Scenario = "probe_invite.xml", CsvLines = [SippRun.Leg("nearend", "82000002")], RecorderPort = node.SipPort }.RunAsync();
            Assert.Equal([503], probe.LoggedStatuses);
            var options = await new SippRun { Scenario = "options_ping.xml", CsvLines = [SippRun.Leg("nearend", "1")], RecorderPort = node.SipPort }.RunAsync();
            Assert.Equal([503], options.LoggedStatuses);

            await call;
            var recording = (await node.WaitForRecordingsAsync(1)).Items.Single();
            Assert.Equal("82000001", recording.Refci);
            Assert.Equal("complete", recording.Status);
            var wav = StereoWav.Read(await node.Http.GetByteArrayAsync($"/api/recordings/{recording.Id}/audio", TestContext.Current.CancellationToken));
            Assert.InRange(wav.DurationSeconds, 5.9, 6.2);
            node.Kill();
        }
        finally
        {
            Run("umount", "-l", mount);
        }
    }

    private static async Task<TimeSpan> WaitForCloseAsync(NetworkStream stream, Stopwatch clock, TimeSpan bound)
    {
        var buffer = new byte[4096];
        using var limit = new CancellationTokenSource(bound);
        try
        {
            while (await stream.ReadAsync(buffer, limit.Token) > 0)
            {
                // A 400/408 may come first; the close is what counts.
            }
        }
        catch (IOException)
        {
            // Reset by the node: closed too.
        }

        return clock.Elapsed;
    }

    private static void Run(string command, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(command, args) { RedirectStandardError = true, UseShellExecute = false })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{command} {string.Join(' ', args)}: {error}");
    }
}
