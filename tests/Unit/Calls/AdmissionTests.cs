using System.Net;
using OrleansRecorder.Abstractions.Calls;
using OrleansRecorder.Silo.Calls;
using OrleansRecorder.Silo.Sip.Messages;

namespace OrleansRecorder.Tests.Unit.Calls;

public sealed class AdmissionTests
{
    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.5.5.5", true)]
    [InlineData("::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("10.1.1.20", true)]
    [InlineData("10.1.2.20", false)]
    [InlineData("192.0.2.1", true)]
    [InlineData("192.0.2.2", false)]
    public void TrustedPeersMatchCidrBlocksAndSingleHosts(string address, bool trusted)
    {
        var peers = new TrustedPeers([.. TrustedPeers.Defaults, "10.1.1.0/24", "192.0.2.1"]);
        Assert.Equal(trusted, peers.Contains(IPAddress.Parse(address)));
    }

    [Fact]
    public void AnInvalidTrustedPeerIsRejectedAtStartup()
    {
        var error = Assert.Throws<FormatException>(() => new TrustedPeers(["10.1.1.0/99"]));
        Assert.Contains("10.1.1.0/99", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RecordingUsersMatchTheNearEndNumberOrDeviceCaseInsensitively()
    {
        var users = new RecordingUsers(recordAll: false, ["1001", "SEP6C416A369525"]);

        Assert.True(users.IsAuthorized(new CucmMetadata { NearEndAddress = "1001" }, null));
        Assert.True(users.IsAuthorized(new CucmMetadata { NearEndDevice = "sep6c416a369525" }, null));
        Assert.True(users.IsAuthorized(new CucmMetadata(), "1001"));
        Assert.False(users.IsAuthorized(new CucmMetadata { NearEndAddress = "1002", FarEndAddress = "1001" }, "1002"));
        Assert.True(new RecordingUsers(recordAll: true, []).IsAuthorized(new CucmMetadata(), null));
    }

    [Fact]
    public void CucmMetadataIsReadFromTheFromUriCaseInsensitively()
    {
        var from = SipUri.Parse("sip:1001@10.48.38.5;X-NearEnd;x-refci=19301625;x-nearendclusterid=StandAloneCluster;"
            + "X-NEARENDDEVICE=SEP6C416A369525;x-nearendaddr=1001;x-farendrefci=19301624;x-farendclusterid=StandAloneCluster;"
            + "x-farenddevice=SEP38ED18552A12;x-farendaddr=1000;x-farendguid=694646BC1D2311E7A8D2826ACB31D85A");
        var (metadata, role) = CucmMetadataParser.Parse(from, SipUri.Parse("sip:7878@10.48.38.30:5060"));

        Assert.Equal(LegRole.NearEnd, role);
        Assert.Equal("19301625", metadata.RefCi);
        Assert.Equal("SEP6C416A369525", metadata.NearEndDevice);
        Assert.Equal("1001", metadata.NearEndAddress);
        Assert.Equal("StandAloneCluster", metadata.NearEndClusterId);
        Assert.Equal("19301624", metadata.FarEndRefCi);
        Assert.Equal("SEP38ED18552A12", metadata.FarEndDevice);
        Assert.Equal("1000", metadata.FarEndAddress);
        Assert.Equal("694646BC1D2311E7A8D2826ACB31D85A", metadata.FarEndGuid);
        Assert.Equal("7878", metadata.Profile);
    }

    [Fact]
    public void AFarEndLegAndAPlainDialogAreTold()
    {
        var (_, far) = CucmMetadataParser.Parse(SipUri.Parse("sip:1001@cucm;x-farend;x-refci=1"), SipUri.Parse("sip:7878@rec"));
        var (plainMetadata, plain) = CucmMetadataParser.Parse(SipUri.Parse("sip:alice@example.org"), SipUri.Parse("sip:7878@rec"));

        Assert.Equal(LegRole.FarEnd, far);
        Assert.Null(plain);
        Assert.Null(plainMetadata.RefCi);
    }
}
