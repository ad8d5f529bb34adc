using System.Globalization;
using OrleansRecorder.Tests.EndToEnd.Harness;

namespace OrleansRecorder.Tests.EndToEnd;

/// <summary>
/// SIPREC recording sessions take the CUCM calls' policy (ARCHITECTURE.md, "Failover policy"): recording users matched
/// against the participants' AORs (404 otherwise), one licensed channel per session (486 beyond), and unreadable bodies
/// answered 400; metadata that cannot be read still records, flagged, with the streams in m-line order.
/// </summary>
public sealed class SiprecPolicyTests(NodePool pool) : IClassFixture<NodePool>
{
    /// <summary>Recording users only: 5000 (the CUCM policy tests' node settings, shared through the pool).</summary>
    private static Dictionary<string, string> UsersOnly => PolicyTests.UsersOnly;

    private static Dictionary<string, string> OneChannel => PolicyTests.OneChannel;

    [Fact]
    public async Task RecordingUsers_AreMatchedAgainstEveryParticipantsAor_OtherSessionsAreNotFound()
    {
        var node = await pool.GetAsync(UsersOnly);

        // 404 as for an unknown CUCM user: CUCM-like SRCs must not fail over for it.
        Assert.Equal([404], await SiprecCalls.ProbeAsync(node, NewNumber(), NewNumber()));

        // The recording user is the callee (the second participant): recorded.
        var caller = NewNumber();
        Assert.Equal([200], await SiprecCalls.ProbeAsync(node, caller, "5000"));
        var recording = Assert.Single((await node.WaitForRecordingsAsync(1, $"&number={caller}")).Items);
        Assert.Equal("5000", recording.FarEnd.Number);
    }

    [Fact]
    public async Task Rfc7866_OneSessionIsOneLicensedChannel_ASecondSessionIsBusy()
    {
        var node = await pool.GetAsync(OneChannel);
        var holder = SiprecCalls.RunAsync(node, "siprec_cube.xml", $"{NewNumber()};{NewNumber()};{Guid.NewGuid():N}", [600, 1400],
            toneSeconds: 3, durationMs: 3500);
        await WaitForActiveAsync(node);

        // Both streams of the session hold one channel: the next session gets CUCM's no-channel answer.
        Assert.Equal([486], await SiprecCalls.ProbeAsync(node, NewNumber(), NewNumber()));
        Assert.Equal(2, (await holder).Count(p => p != 0));
    }

    [Fact]
    public async Task ASessionBeyondTheNodesCallCapacityIs503SoTheSrcTriesTheNextRecorder()
    {
        // Recording sessions skip the receive thread's screening (their users are in the body): the capacity is checked
        // when the INVITE is handled, and refuses with 503 (RFC 3261 §21.5.4) where the licence above answers 486.
        var node = await pool.GetAsync(new Dictionary<string, string> { ["Recorder__Sip__CallCapacity"] = "1" });
        var holder = SiprecCalls.RunAsync(node, "siprec_cube.xml", $"{NewNumber()};{NewNumber()};{Guid.NewGuid():N}", [600, 1400],
            toneSeconds: 3, durationMs: 3500);
        await WaitForActiveAsync(node);

        Assert.Equal([503], await SiprecCalls.ProbeAsync(node, NewNumber(), NewNumber()));
        Assert.Equal(2, (await holder).Count(p => p != 0));
    }

    [Fact]
    public async Task Rfc2046_Section5_1_1_MultipartWithoutBoundary_IsAnswered400()
    {
        var node = await pool.GetAsync();
        var caller = NewNumber();

        Assert.Equal([400], await SiprecCalls.ProbeAsync(node, caller, NewNumber(), contentTypeParameter: "charset=utf-8"));
        Assert.Equal(0, (await node.GetJsonAsync<RecordingList>($"/api/recordings?number={caller}")).Total);
    }

    [Fact]
    public async Task MalformedMetadata_StillRecords_FlaggedMetadataMissing_StreamsInMLineOrder()
    {
        var node = await pool.GetAsync();
        var caller = NewNumber();
        var callee = NewNumber();

        // The metadata's root element does not match its closing tag: not XML. The streams are mapped by order.
        await SiprecCalls.RunAsync(node, "siprec_probe.xml", $"{caller};{callee};{Guid.NewGuid():N};boundary=pb;broken", [600, 1400],
            toneSeconds: 2.5, durationMs: 3000);

        var list = await node.WaitForRecordingsAsync(1, "&flag=metadata-missing");
        var recording = Assert.Single(list.Items, r => r.Flags.Contains("metadata-missing"));
        Assert.Equal(["metadata-missing"], recording.Flags);
        var detail = await node.GetJsonAsync<RecordingView>($"/api/recordings/{recording.Id}");
        var siprec = detail.Manifest!.Value.GetProperty("siprec");
        Assert.Equal("order", siprec.GetProperty("streamMapping").GetString());
        Assert.Equal("malformed-xml", siprec.GetProperty("metadataProblem").GetString());

        var wav = StereoWav.Read(await node.Http.GetByteArrayAsync($"/api/recordings/{recording.Id}/audio", TestContext.Current.CancellationToken));
        Assert.True(wav.Power(wav.Left, 600) > 100 * wav.Power(wav.Left, 1400));
        Assert.True(wav.Power(wav.Right, 1400) > 100 * wav.Power(wav.Right, 600));
    }

    private static async Task WaitForActiveAsync(RecorderNode node)
    {
        for (var i = 0; i < 100; i++)
        {
            if ((await node.GetJsonAsync<List<System.Text.Json.JsonElement>>("/api/calls/active")).Count == 1)
            {
                return;
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.Fail("The session never became active.\n" + node.Output);
    }

    private static string NewNumber() => Random.Shared.Next(40_000_000, 49_999_999).ToString(CultureInfo.InvariantCulture);
}
