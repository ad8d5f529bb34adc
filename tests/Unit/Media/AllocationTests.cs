using OrleansRecorder.Silo.Media;

namespace OrleansRecorder.Tests.Unit.Media;

/// <summary>The per-packet path (parse, reorder, decode, write, count) allocates nothing once warmed up.</summary>
public sealed class AllocationTests
{
    [Theory]
    [InlineData(AudioCodec.Pcmu, 0)]
    [InlineData(AudioCodec.Pcma, 8)]
    [InlineData(AudioCodec.G722, 9)]

    // G.729 (libbcg729, a system library) is measured by the integration tests' G729AllocationTests.
    public void SteadyStateAllocatesNothingPerPacket(AudioCodec codec, int payloadType) =>
        PacketPathAllocations.AssertNoneInSteadyState(codec, payloadType);
}
