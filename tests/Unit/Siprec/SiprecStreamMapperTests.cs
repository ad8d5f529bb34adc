using System.Text;
using OrleansRecorder.Silo.Siprec;

namespace OrleansRecorder.Tests.Unit.Siprec;

public sealed class SiprecStreamMapperTests
{
    private static SiprecMetadata Metadata(string xml) => SiprecMetadataParser.Parse(Encoding.UTF8.GetBytes(xml)).Metadata!;

    [Fact]
    public void Rfc7865_Section6_7_LabelsMapStreamsToTheirSenders_CallerLeft()
    {
        var map = SiprecStreamMapper.Map([(0, "1"), (1, "2")], Metadata(SiprecSamples.Cube));

        Assert.Equal(SiprecStreamMap.ByMetadata, map.Mapping);
        Assert.Equal(["4001", "4002"], map.Channels.Select(c => c.Participant!.User));
        Assert.Equal(["1", "2"], map.Channels.Select(c => c.Label));
    }

    [Fact]
    public void Rfc7865_CallerFromVendorCallData_IsLeftEvenWhenListedSecond()
    {
        // Ribbon lists the callee first; callData's From names the caller, whose stream is label 2.
        var map = SiprecStreamMapper.Map([(0, "1"), (1, "2")], Metadata(SiprecSamples.Ribbon));

        Assert.Equal(SiprecStreamMap.ByMetadata, map.Mapping);
        Assert.Equal(["2", "1"], map.Channels.Select(c => c.Label));
        Assert.Equal(["Dave Caller", "Carol Callee"], map.Channels.Select(c => c.Participant!.Name));
    }

    [Fact]
    public void Rfc7865_LabelsInAnyOrderOfMLines_FollowTheMetadata()
    {
        // The m-lines come label 2 first: the caller (label 1's sender) is still the left channel.
        var map = SiprecStreamMapper.Map([(0, "2"), (1, "1")], Metadata(SiprecSamples.Cube));

        Assert.Equal([1, 0], map.Channels.Select(c => c.MediaIndex));
        Assert.Equal("4001", map.Channels[0].Participant!.User);
    }

    [Fact]
    public void NoStreamsInMetadata_MapsByOrder()
    {
        var map = SiprecStreamMapper.Map([(0, "1"), (1, "2")], Metadata(SiprecSamples.OpenSipsOld));

        Assert.Equal(SiprecStreamMap.ByOrder, map.Mapping);
        Assert.Equal(["9001", "9002"], map.Channels.Select(c => c.Participant!.User));
    }

    [Fact]
    public void ContradictoryMetadata_OneSenderForBothStreams_MapsByOrder()
    {
        var map = SiprecStreamMapper.Map([(0, "1"), (1, "2")], Metadata("""
            <recording xmlns="urn:ietf:params:xml:ns:recording:1">
              <participant participant_id="a"><nameID aor="sip:1@h"/></participant>
              <participant participant_id="b"><nameID aor="sip:2@h"/></participant>
              <stream stream_id="s1"><label>1</label></stream>
              <stream stream_id="s2"><label>2</label></stream>
              <participantstreamassoc participant_id="a"><send>s1</send><send>s2</send></participantstreamassoc>
            </recording>
            """));

        Assert.Equal(SiprecStreamMap.ByOrder, map.Mapping);
        Assert.Equal(["1", "2"], map.Channels.Select(c => c.Participant!.User));
    }

    [Fact]
    public void LabelsTheMetadataDoesNotName_MapByOrder()
    {
        var map = SiprecStreamMapper.Map([(0, "inbound"), (1, "outbound")], Metadata(SiprecSamples.Cube));

        Assert.Equal(SiprecStreamMap.ByOrder, map.Mapping);
        Assert.Equal(["inbound", "outbound"], map.Channels.Select(c => c.Label));
    }

    [Fact]
    public void MissingMetadata_MapsByOrderWithoutParticipants()
    {
        var map = SiprecStreamMapper.Map([(0, "1"), (1, "2"), (2, "3")], null);

        Assert.Equal(SiprecStreamMap.ByOrder, map.Mapping);
        Assert.All(map.Channels, c => Assert.Null(c.Participant));
        Assert.Equal([0, 1, 2], map.Channels.Select(c => c.MediaIndex));
    }
}
