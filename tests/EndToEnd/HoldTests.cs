using System.Globalization;
using OrleansRecorder.Tests.EndToEnd.Harness;

namespace OrleansRecorder.Tests.EndToEnd;

/// <summary>
/// Hold, resume and transfer as CUCM does them (PROTOCOL.md §1.7): a far-end hold is a re-INVITE that changes the
/// direction and keeps the recording; an agent hold ends the recording dialogs and opens new ones with the same refci,
/// which the API shows as one call of several parts.
/// </summary>
public sealed class HoldTests(RecorderFixture fixture) : IClassFixture<RecorderFixture>
{
    private const int HoldMs = 2000;

    private RecorderNode Node => fixture.Node;

    [Fact]
    public async Task HoldAndResumeByReInviteKeepOneRecordingWithOnePausePerLeg()
    {
        var refci = NewRefci();
        await CallPlacer.PlaceAsync(Node, [refci], scenario: "cucm_leg_hold.xml", toneSeconds: 1, durationMs: HoldMs);

        var recording = await SingleAsync(refci);
        Assert.Equal(1, recording.Parts);
        Assert.Equal(recording.Id, recording.GroupId);

        // Both recording legs are held (CUCM re-INVITEs each): one pause per leg, about as long as the hold.
        Assert.Equal(["farEnd", "nearEnd"], recording.Pauses.Select(p => p.Leg).Order());
        Assert.All(recording.Pauses, pause =>
        {
            Assert.Equal("hold", pause.Reason);
            Assert.InRange(pause.DurationSeconds!.Value, (HoldMs / 1000.0) - 0.3, (HoldMs / 1000.0) + 0.5);
            // After the first tone (1 s, then 1.3 s before the hold re-INVITE).
            Assert.InRange(pause.OffsetSeconds!.Value, 1.0, 1.8);
            Assert.NotNull(pause.EndedAt);
        });

        // The leg was kept: one recording, complete, covering tone + hold + tone.
        var flat = await Node.GetJsonAsync<RecordingView>($"/api/recordings/{recording.Id}");
        Assert.Equal("complete", flat.Status);
        Assert.Empty(flat.Flags);
        Assert.InRange(flat.DurationSeconds, 4.0, 6.5);

        // The gap ledger: the receiver's silence over each leg's hold is a hold gap where the pause is, and it adds up.
        var ledger = GapLedgerView.From(await Node.GetJsonAsync<System.Text.Json.JsonElement>($"/api/recordings/{recording.Id}"));
        ledger.AssertAddsUp();
        foreach (var pause in recording.Pauses)
        {
            var gap = Assert.Single(ledger.Gaps, g => g.Leg == pause.Leg && g.Reason == "hold");
            Assert.InRange(gap.OffsetSeconds, pause.OffsetSeconds!.Value - 0.1, pause.OffsetSeconds!.Value + 0.1);
            Assert.InRange(gap.DurationSeconds, pause.DurationSeconds!.Value - 0.15, pause.DurationSeconds!.Value + 0.15);
        }
    }

    [Fact]
    public async Task AHeldCallsTwoRecordingsAreOneGroupInTheApi()
    {
        // Agent hold: BYE on both legs, then a new INVITE pair on resume with the same refci.
        var refci = NewRefci();
        await CallPlacer.PlaceAsync(Node, [refci], toneSeconds: 1, durationMs: 1200);
        await CallPlacer.PlaceAsync(Node, [refci], toneSeconds: 1, durationMs: 1200);

        var parts = await WaitForPartsAsync(refci, 2);
        Assert.Equal([1, 2], parts.Select(p => p.Part).Order());
        Assert.All(parts, p => Assert.Equal(2, p.Parts));
        var first = parts.Single(p => p.Part == 1);
        Assert.All(parts, p => Assert.Equal(first.Id, p.GroupId));

        // The grouped search shows the call once, with both parts.
        var grouped = await Node.GetJsonAsync<RecordingGroupListView>("/api/recordings?groupBy=call&pageSize=100&number=198101");
        var call = Assert.Single(grouped.Items, i => i.Refci == refci);
        Assert.Equal(first.Id, call.Id);
        Assert.Equal(parts.Select(p => p.Id).Order(), call.GroupParts!.Select(p => p.Id).Order());

        // The group lists the parts in start order with the gap between them.
        var group = await Node.GetJsonAsync<CallGroupView>($"/api/recordings/groups/{first.GroupId}");
        Assert.Equal(refci, group.Refci);
        Assert.Equal([1, 2], group.Parts.Select(p => p.Part));
        Assert.Equal(first.Id, group.Parts[0].Id);
        Assert.True(group.Parts[0].StartedAt <= group.Parts[1].StartedAt);
        Assert.Null(group.Parts[0].GapBeforeSeconds);
        Assert.InRange(group.Parts[1].GapBeforeSeconds!.Value, 0, 30);

        using var missing = await Node.Http.GetAsync("/api/recordings/groups/no-such-group", TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
    }

    private static string NewRefci() => Random.Shared.Next(10_000_000, 99_999_999).ToString(CultureInfo.InvariantCulture);

    private async Task<RecordingGroupView> SingleAsync(string refci) => Assert.Single(await WaitForPartsAsync(refci, 1));

    private async Task<List<RecordingGroupView>> WaitForPartsAsync(string refci, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var list = await Node.GetJsonAsync<RecordingGroupListView>("/api/recordings?pageSize=100&number=198101");
            var matches = list.Items.Where(r => r.Refci == refci).ToList();
            if (matches.Count >= count)
            {
                Assert.Equal(count, matches.Count);
                return matches;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Expected {count} recordings for refci {refci}, found {matches.Count}.\n{Node.Output}");
            await Task.Delay(250);
        }
    }
}
