using System.Text;
using OrleansRecorder.Silo.Siprec;

namespace OrleansRecorder.Tests.Unit.Siprec;

public sealed class SiprecParticipantLedgerTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 10, 9, 0, 0, TimeSpan.Zero);

    private const string BothSend = """<participantstreamassoc participant_id="a"><send>s1</send></participantstreamassoc><participantstreamassoc participant_id="b"><send>s2</send></participantstreamassoc>""";

    private static SiprecMetadata Metadata(string participants, string associations = BothSend) => SiprecMetadataParser.Parse(Encoding.UTF8.GetBytes(
        $"""<recording xmlns="urn:ietf:params:xml:ns:recording:1">{participants}<stream stream_id="s1"><label>1</label></stream><stream stream_id="s2"><label>2</label></stream>{associations}</recording>""")).Metadata!;

    private const string AliceAndBob = """<participant participant_id="a"><nameID aor="sip:100@h"><name>Alice</name></nameID></participant><participant participant_id="b"><nameID aor="sip:200@h"/></participant>""";

    private static SiprecRecordingInfo Initial()
    {
        var metadata = Metadata(AliceAndBob);
        var map = SiprecStreamMapper.Map([(0, "1"), (1, "2")], metadata);
        return new SiprecRecordingInfo
        {
            StreamMapping = map.Mapping,
            Channels = 2,
            Participants = SiprecParticipantLedger.Participants(metadata, map.Channels, [], Start),
            Streams = [.. map.Channels.Select((c, i) => new SiprecStreamEntry { Label = c.Label, Channel = i, ParticipantId = c.Participant?.Id, AddedAt = Start })],
        };
    }

    [Fact]
    public void Rfc7865_Section6_8_InitialParticipants_HaveTheirChannelsAndJoinAtTheStart()
    {
        var info = Initial();

        Assert.Equal([("100", (int?)0, "1"), ("200", 1, "2")], info.Participants.Select(p => (p.Number, p.Channel, p.Label)));
        Assert.All(info.Participants, p => Assert.Equal(Start, p.JoinedAt));
        Assert.All(info.Participants, p => Assert.Null(p.LeftAt));
    }

    [Fact]
    public void Rfc7865_Section6_8_AParticipantJoiningByUpdate_GetsTheUpdatesTime_AndNoChannel()
    {
        var later = Start.AddSeconds(30);
        var updated = SiprecParticipantLedger.Updated(Initial(),
            Metadata(AliceAndBob + """<participant participant_id="c"><nameID aor="sip:300@h"/></participant>"""), later);

        var joined = Assert.Single(updated.Participants, p => p.Id == "c");
        Assert.Equal(later, joined.JoinedAt);
        Assert.Null(joined.Channel);
        Assert.Equal(Start, updated.Participants.Single(p => p.Id == "a").JoinedAt);
    }

    [Fact]
    public void Rfc7865_Section6_8_DisassociateTime_IsWhenTheParticipantLeft()
    {
        var left = Start.AddSeconds(42);
        var updated = SiprecParticipantLedger.Updated(Initial(), Metadata(AliceAndBob.Replace(
            """<participant participant_id="b"><nameID aor="sip:200@h"/></participant>""",
            """<participant participant_id="b"><nameID aor="sip:200@h"/></participant><participantsessionassoc participant_id="b" session_id="s"><disassociate-time>2026-01-10T09:00:42Z</disassociate-time></participantsessionassoc>""",
            StringComparison.Ordinal)), Start.AddMinutes(5));

        var bob = updated.Participants.Single(p => p.Id == "b");
        Assert.Equal(left, bob.LeftAt);
        Assert.Equal(1, bob.Channel);
    }

    [Fact]
    public void AParticipantGoneFromALaterSnapshot_LeftAtThatSnapshot_AndKeepsItsChannel()
    {
        var later = Start.AddSeconds(20);
        var updated = SiprecParticipantLedger.Updated(Initial(),
            Metadata("""<participant participant_id="a"><nameID aor="sip:100@h"/></participant>""",
                """<participantstreamassoc participant_id="a"><send>s1</send></participantstreamassoc>"""), later);

        var bob = updated.Participants.Single(p => p.Id == "b");
        Assert.Equal(later, bob.LeftAt);
        Assert.Equal(1, bob.Channel);
        Assert.Null(updated.Participants.Single(p => p.Id == "a").LeftAt);
    }

    [Fact]
    public void Rfc7865_DatamodePartial_LeavesOutParticipantsThatStay_AndKeepsWhatItDoesNotRepeat()
    {
        var later = Start.AddSeconds(20);
        var partial = SiprecMetadataParser.Parse(Encoding.UTF8.GetBytes(
            """<recording xmlns="urn:ietf:params:xml:ns:recording:1"><datamode>partial</datamode><participantsessionassoc participant_id="a" session_id="s"><disassociate-time>2026-01-10T09:00:15Z</disassociate-time></participantsessionassoc><participant participant_id="c"><nameID aor="sip:300@h"/></participant></recording>""")).Metadata!;
        Assert.True(partial.Partial);

        var updated = SiprecParticipantLedger.Updated(Initial(), partial, later);

        Assert.Equal(["a", "b", "c"], updated.Participants.Select(p => p.Id));
        var alice = updated.Participants[0];
        Assert.Equal(("100", "Alice", (int?)0), (alice.Number, alice.Name, alice.Channel));
        Assert.Equal(Start.AddSeconds(15), alice.LeftAt);
        Assert.Null(updated.Participants[1].LeftAt); // not in the partial document: still there
        Assert.Equal(later, updated.Participants[2].JoinedAt);
    }

    [Fact]
    public void TheFinalMetadatasEndTime_IsWhenEveryoneStillInLeft()
    {
        var final = SiprecMetadataParser.Parse(Encoding.UTF8.GetBytes(
            """<recording xmlns="urn:ietf:params:xml:ns:recording:1"><session session_id="s"><end-time>2026-01-10T09:05:00Z</end-time></session>""" + AliceAndBob +
            """<participantsessionassoc participant_id="a" session_id="s"><disassociate-time>2026-01-10T09:04:59Z</disassociate-time></participantsessionassoc></recording>""")).Metadata!;
        Assert.Equal(Start.AddMinutes(5), final.EndTime);
        Assert.False(final.Partial);

        var updated = SiprecParticipantLedger.Updated(Initial(), final, Start.AddMinutes(6));

        Assert.Equal([Start.AddSeconds(299), Start.AddMinutes(5)], updated.Participants.Select(p => p.LeftAt!.Value));
        Assert.Equal([(int?)0, 1], updated.Participants.Select(p => p.Channel));
    }
}
