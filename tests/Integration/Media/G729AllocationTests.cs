using OrleansRecorder.Silo.Media;

namespace OrleansRecorder.Tests.Integration.Media;

/// <summary>G.729's per-packet path allocates nothing once warmed up, as every other codec's (unit AllocationTests).</summary>
public sealed class G729AllocationTests
{
    /// <summary>160 bytes: sixteen 10-byte G.729 frames per packet, decoded by libbcg729 into pinned spans.</summary>
    [Fact]
    public void SteadyStateAllocatesNothingPerPacket() => PacketPathAllocations.AssertNoneInSteadyState(AudioCodec.G729, 18);
}
