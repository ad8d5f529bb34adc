using System.Net;
using OrleansRecorder.Silo.Calls;
using OrleansRecorder.Silo.Media.Rtp;

namespace OrleansRecorder.Tests.Unit.Calls;

public sealed class MediaSourcePolicyTests
{
    [Theory]
    [InlineData("10.1.2.3", false)]
    [InlineData("192.0.2.77", true)]
    [InlineData("::ffff:192.0.2.77", true)]
    [InlineData("198.51.100.9", true)]
    [InlineData("198.51.100.10", false)]
    public void StrictByDefaultLatchForTheListedPeers(string peer, bool latches)
    {
        var policy = new MediaSourcePolicy(MediaSourceRule.Strict, ["192.0.2.0/24", "198.51.100.9"]);
        Assert.Equal(latches ? MediaSourceRule.Latch : MediaSourceRule.Strict, policy.RuleFor(IPAddress.Parse(peer)));
    }

    [Fact]
    public void LatchAsTheDefaultLatchesEveryPeer()
    {
        var policy = new MediaSourcePolicy(MediaSourceRule.Latch, []);
        Assert.Equal(MediaSourceRule.Latch, policy.RuleFor(IPAddress.Parse("10.1.2.3")));
        Assert.Equal(MediaSourceRule.Strict, MediaSourcePolicy.Strict.RuleFor(IPAddress.Loopback));
    }

    [Fact]
    public void ABadBlockNamesTheSetting()
    {
        var error = Assert.Throws<FormatException>(() => new MediaSourcePolicy(MediaSourceRule.Strict, ["10.1.2.0/99"]));
        Assert.Contains("Recorder:Rtp:LatchPeers", error.Message, StringComparison.Ordinal);
    }
}
