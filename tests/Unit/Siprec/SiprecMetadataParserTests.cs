using System.Text;
using OrleansRecorder.Silo.Siprec;

namespace OrleansRecorder.Tests.Unit.Siprec;

public sealed class SiprecMetadataParserTests
{
    private static SiprecMetadata Parse(string xml)
    {
        var result = SiprecMetadataParser.Parse(Encoding.UTF8.GetBytes(xml));
        Assert.Null(result.Problem);
        return result.Metadata!;
    }

    [Fact]
    public void Rfc7865_Section6_CubeDialect_ParticipantsStreamsAndSendersAreRead()
    {
        var metadata = Parse(SiprecSamples.Cube);

        Assert.Equal("c2Vzc2lvbi1jdWJlLTAwMQ==", metadata.SessionId);
        Assert.StartsWith("ab12cd34", metadata.SipSessionId, StringComparison.Ordinal);
        Assert.Equal(new DateTimeOffset(2026, 1, 10, 9, 0, 0, TimeSpan.Zero), metadata.StartTime);
        Assert.Equal(["sip:4001@192.0.2.10", "sip:4002@192.0.2.10"], metadata.Participants.Select(p => p.Aor));
        Assert.Equal(["4001", "4002"], metadata.Participants.Select(p => p.User));
        Assert.Equal("Alice Caller", metadata.Participants[0].Name);
        Assert.Equal(["1", "2"], metadata.Streams.Select(s => s.Label));
        Assert.Equal("4001", metadata.SenderOf(metadata.StreamForLabel("1")!.Id)!.User);
        Assert.Equal("4002", metadata.SenderOf(metadata.StreamForLabel("2")!.Id)!.User);
        Assert.Equal(new DateTimeOffset(2026, 1, 10, 9, 0, 0, TimeSpan.Zero), metadata.Participants[1].AssociatedAt);
        Assert.Empty(metadata.Extensions);
    }

    [Fact]
    public void Rfc7865_AcmeDialect_NamespaceWithoutVersion_IdAttributes_SendInsideParticipant_LongLabels()
    {
        var metadata = Parse(SiprecSamples.Acme);

        Assert.Equal("YWNtZS1zZXNzaW9u", metadata.SessionId);
        Assert.Equal(["YWNtZS1wMQ==", "YWNtZS1wMg=="], metadata.Participants.Select(p => p.Id));
        Assert.Equal(["5001", "+15550100"], metadata.Participants.Select(p => p.User));
        Assert.Equal("Bob Agent", metadata.Participants[0].Name);
        Assert.Equal(["16777227", "16777228"], metadata.Streams.Select(s => s.Label));
        Assert.Equal("5001", metadata.SenderOf(metadata.StreamForLabel("16777227")!.Id)!.User);
        Assert.Equal("+15550100", metadata.SenderOf(metadata.StreamForLabel("16777228")!.Id)!.User);

        // The vendor's extension elements are kept as they came, not dropped.
        Assert.Equal(["ucid", "callingParty"], metadata.Extensions.Select(e => e.Name));
        Assert.Contains("00FA080018803B69810C3D", metadata.Extensions[0].Xml, StringComparison.Ordinal);
        Assert.Contains("acmepacket.com", metadata.Extensions[1].Xml, StringComparison.Ordinal);
    }

    [Fact]
    public void Rfc7865_RibbonDialect_PrefixedElements_AorsWithoutScheme_CallDataGivesOriginalCall()
    {
        var metadata = Parse(SiprecSamples.Ribbon);

        Assert.Equal(["6001@203.0.113.9", "6002@203.0.113.5"], metadata.Participants.Select(p => p.Aor));
        Assert.Equal(["6001", "6002"], metadata.Participants.Select(p => p.User));
        Assert.Equal(["Carol Callee", "Dave Caller"], metadata.Participants.Select(p => p.Name));
        Assert.Equal("7d3f0e2a-ribbon-call@203.0.113.5", metadata.OriginalCallId);
        Assert.Equal("sip:6002@203.0.113.5", metadata.OriginalFrom);
        Assert.Equal("sip:6001@203.0.113.9", metadata.OriginalTo);
        Assert.Contains(metadata.Extensions, e => e.Name == "callData" && e.Parent == "group");
    }

    [Fact]
    public void Rfc7865_AvayaDialect_Labels10And20()
    {
        var metadata = Parse(SiprecSamples.Avaya);

        Assert.Equal("8001", metadata.SenderOf(metadata.StreamForLabel("10")!.Id)!.User);
        Assert.Equal("8002", metadata.SenderOf(metadata.StreamForLabel("20")!.Id)!.User);
    }

    [Fact]
    public void Rfc7865_OlderOpenSips_NoStreams_ParticipantsStillRead()
    {
        var metadata = Parse(SiprecSamples.OpenSipsOld);

        Assert.Equal(["9001", "9002"], metadata.Participants.Select(p => p.User));
        Assert.Empty(metadata.Streams);
    }

    [Fact]
    public void Rfc7865_UnknownElementsAnywhere_AreKeptWithTheirParent()
    {
        var metadata = Parse("""
            <recording xmlns="urn:ietf:params:xml:ns:recording:1">
              <session session_id="s"><ExtensionParameters><param name="Call-ID" value="orig-call@host"/></ExtensionParameters></session>
              <participant participant_id="p"><nameID aor="sip:1@h"/><vendor:role xmlns:vendor="urn:x">agent</vendor:role></participant>
              <mystery a="1">text</mystery>
            </recording>
            """);

        Assert.Equal(["ExtensionParameters", "role", "mystery"], metadata.Extensions.Select(e => e.Name));
        Assert.Equal(["session", "participant", "recording"], metadata.Extensions.Select(e => e.Parent));
        Assert.Equal("orig-call@host", metadata.OriginalCallId);
    }

    [Fact]
    public void Rfc7865_Section6_8_DisassociateTime_MarksAParticipantThatLeft()
    {
        var metadata = Parse("""
            <recording xmlns="urn:ietf:params:xml:ns:recording:1">
              <participant participant_id="a"><nameID aor="sip:1@h"/></participant>
              <participantsessionassoc participant_id="a" session_id="s">
                <associate-time>2026-01-10T09:00:00Z</associate-time>
                <disassociate-time>2026-01-10T09:01:00Z</disassociate-time>
              </participantsessionassoc>
            </recording>
            """);

        Assert.Equal(new DateTimeOffset(2026, 1, 10, 9, 1, 0, TimeSpan.Zero), metadata.Participants[0].DisassociatedAt);
    }

    [Theory]
    [InlineData("<recording><participant>", "malformed-xml")]
    [InlineData("not xml at all", "malformed-xml")]
    [InlineData("", "empty")]
    [InlineData("<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]><recording>&b;</recording>", "malformed-xml")]
    [InlineData("<!DOCTYPE r SYSTEM \"file:///etc/passwd\"><recording/>", "malformed-xml")]
    public void MalformedOrHostileMetadata_GivesAProblem_NeverAnException(string xml, string problem)
    {
        var result = SiprecMetadataParser.Parse(Encoding.UTF8.GetBytes(xml));

        Assert.Null(result.Metadata);
        Assert.Equal(problem, result.Problem);
    }

    [Fact]
    public void OversizedMetadata_IsRefusedBeforeParsing()
    {
        var xml = "<recording>" + new string(' ', SiprecMetadataParser.MaxDocumentCharacters) + "</recording>";

        Assert.Equal("too-large", SiprecMetadataParser.Parse(Encoding.UTF8.GetBytes(xml)).Problem);
    }
}
